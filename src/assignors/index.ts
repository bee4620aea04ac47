/**
 * The assignor registry: name (Kafka protocol name) → pure assignor function, plus summary statistics used by
 * the CLI, the simulator and the tests.
 */
import { UsageError } from '../errors.js';
import { loadAwareAssign } from './load-aware.js';
import { rangeAssign } from './range.js';
import { roundRobinAssign } from './roundrobin.js';
import { cooperativeStickyAssign, stickyAssign } from './sticky.js';
import {
  AssignorName,
  type Assignment,
  type AssignmentResult,
  type Assignor,
  type GroupDescription,
} from './types.js';

export const assignors: Readonly<Record<AssignorName, Assignor>> = {
  [AssignorName.RANGE]: rangeAssign,
  [AssignorName.ROUNDROBIN]: roundRobinAssign,
  [AssignorName.STICKY]: stickyAssign,
  [AssignorName.COOPERATIVE_STICKY]: cooperativeStickyAssign,
  [AssignorName.LOAD_AWARE]: (g) => {
    const { assignment } = loadAwareAssign(g);
    return { assignment };
  },
};

export function getAssignor(name: string): Assignor {
  const a = (assignors as Record<string, Assignor | undefined>)[name];
  if (!a)
    throw new UsageError(
      `unknown assignor "${name}"; expected one of ${Object.values(AssignorName).join(', ')}`,
    );
  return a;
}

export function assign(name: AssignorName | string, group: GroupDescription): AssignmentResult {
  return getAssignor(name)(group);
}

/** Number of partitions per member. */
export function partitionCounts(assignment: Assignment): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [m, topics] of Object.entries(assignment)) {
    let n = 0;
    for (const ps of Object.values(topics)) n += ps.length;
    out[m] = n;
  }
  return out;
}

/** Owner of every assigned partition: "topic/partition" → member id (throws on a double assignment). */
export function ownersOf(assignment: Assignment): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [m, topics] of Object.entries(assignment)) {
    for (const [t, ps] of Object.entries(topics)) {
      for (const p of ps) {
        const key = `${t}/${p}`;
        const prev = owners.get(key);
        if (prev !== undefined) throw new Error(`${key} assigned to both ${prev} and ${m}`);
        owners.set(key, m);
      }
    }
  }
  return owners;
}

export { AssignorName } from './types.js';
export type {
  Assignment,
  AssignmentResult,
  Assignor,
  GroupDescription,
  GroupMember,
  TopicPartitions,
  PerPartition,
} from './types.js';
export { rangeAssign } from './range.js';
export { roundRobinAssign } from './roundrobin.js';
export { stickyAssign, cooperativeStickyAssign } from './sticky.js';
export {
  loadAwareAssign,
  type LoadAwareOptions,
  type LoadAwareResult,
  type LoadStats,
} from './load-aware.js';
export { compareMembers } from './model.js';
