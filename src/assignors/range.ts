/**
 * Java `org.apache.kafka.clients.consumer.RangeAssignor` (Kafka 3.5+, including KIP-881 rack awareness).
 *
 * Per topic, the subscribed members in `MemberInfo` order get `P / C` contiguous partitions each and the
 * first `P % C` one more. When member racks and partition replica racks are known and rack matching can
 * make a difference (Java's `AbstractPartitionAssignor.useRackAwareAssignment`), a first pass gives each
 * member, within the same per-topic quota, partitions that have a replica on its rack; topics with the same
 * subscribers and partition count are matched together so co-partitioning is kept
 * (`assignCoPartitionedWithRackMatching`). A final plain range pass places the rest.
 */
import { compileGroup, toAssignment, type CompiledGroup } from './model.js';
import type { AssignmentResult, GroupDescription } from './types.js';

interface TopicState {
  t: number;
  consumers: Int32Array;
  /** Partition ids (within the topic) not yet assigned, ascending. */
  unassigned: Set<number>;
  assignedBy: Map<number, number>;
  perConsumer: number;
  remainingExtra: number;
  needsRackAware: boolean;
  /** racks of each partition's replicas (null when rack-aware assignment is off for this group). */
  partitionRacks: (Set<string> | undefined)[] | null;
}

export function rangeAssign(group: GroupDescription): AssignmentResult {
  const g = compileGroup(group);
  const owner = new Int32Array(g.totalPartitions).fill(-1);
  const states: TopicState[] = [];
  for (let t = 0; t < g.topicNames.length; t++) {
    const count = g.topicStart[t + 1]! - g.topicStart[t]!;
    // Java skips topics without partitions and topics nobody subscribes to.
    if (count === 0) continue;
    states.push(topicState(g, t, count));
  }
  const assign = (s: TopicState, m: number, p: number): void => {
    owner[g.topicStart[s.t]! + p] = m;
    const n = (s.assignedBy.get(m) ?? 0) + 1;
    s.assignedBy.set(m, n);
    if (n > s.perConsumer) s.remainingExtra--;
    s.unassigned.delete(p);
  };
  const maxAssignable = (s: TopicState, m: number): number =>
    Math.max(0, s.perConsumer + (s.remainingExtra > 0 ? 1 : 0) - (s.assignedBy.get(m) ?? 0));
  const racksMatch = (s: TopicState, m: number, p: number): boolean => {
    const rack = g.members[m]!.rack;
    if (rack === undefined || rack === '') return true;
    return s.partitionRacks?.[p]?.has(rack) ?? false;
  };
  const assignRanges = (s: TopicState, mayAssign: (m: number, p: number) => boolean): void => {
    for (const m of s.consumers) {
      if (s.unassigned.size === 0) break;
      const limit = maxAssignable(s, m);
      if (limit === 0) continue;
      const picked: number[] = [];
      for (const p of s.unassigned) {
        if (picked.length >= limit) break;
        if (mayAssign(m, p)) picked.push(p);
      }
      for (const p of picked) assign(s, m, p);
    }
  };

  if (states.some((s) => s.needsRackAware)) {
    // Java groups topic states by identical consumer lists, then by partition count.
    const groups = new Map<string, TopicState[]>();
    for (const s of states) {
      const key = `${Array.from(s.consumers).join(',')}|${s.partitionRacks?.length ?? 0}`;
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
    for (const list of groups.values()) {
      if (list.length > 1) {
        // Java passes the grouping key, `partitionRacks.size()`: 0 when none of the consumers has a rack
        // (topics of any partition counts then share the group, and this pass assigns nothing).
        const numPartitions = list[0]!.partitionRacks?.length ?? 0;
        const remaining = Array.from(list[0]!.consumers);
        for (let p = 0; p < numPartitions && remaining.length > 0; p++) {
          const idx = remaining.findIndex((m) =>
            list.every((s) => racksMatch(s, m, p) && maxAssignable(s, m) > 0),
          );
          if (idx < 0) continue;
          const m = remaining[idx]!;
          for (const s of list) assign(s, m, p);
          if (list.every((s) => maxAssignable(s, m) === 0)) remaining.splice(idx, 1);
        }
      } else if (list[0]!.needsRackAware) {
        const s = list[0]!;
        assignRanges(s, (m, p) => racksMatch(s, m, p));
      }
    }
  }
  for (const s of states) assignRanges(s, () => true);
  return { assignment: toAssignment(g, owner) };
}

function topicState(g: CompiledGroup, t: number, count: number): TopicState {
  const consumers = g.subscribers[t]!;
  const C = consumers.length;
  const unassigned = new Set<number>();
  for (let p = 0; p < count; p++) unassigned.add(p);
  const racksOf = g.group.partitionRacks?.[g.topicNames[t]!];
  const consumerRacks = new Set<string>();
  for (const m of consumers) {
    const r = g.members[m]!.rack;
    if (r !== undefined && r !== '') consumerRacks.add(r);
  }
  let partitionRacks: (Set<string> | undefined)[] | null = null;
  const allPartitionRacks = new Set<string>();
  if (consumerRacks.size > 0) {
    partitionRacks = [];
    for (let p = 0; p < count; p++) {
      const racks = new Set((racksOf?.[p] ?? []).filter((r) => typeof r === 'string'));
      partitionRacks.push(racks);
      for (const r of racks) allPartitionRacks.add(r);
    }
  }
  return {
    t,
    consumers,
    unassigned,
    assignedBy: new Map(),
    perConsumer: C === 0 ? 0 : Math.floor(count / C),
    remainingExtra: C === 0 ? 0 : count % C,
    needsRackAware:
      partitionRacks !== null && useRackAwareAssignment(consumerRacks, allPartitionRacks, partitionRacks),
    partitionRacks,
  };
}

/**
 * Java `AbstractPartitionAssignor.useRackAwareAssignment` (without the test-only "prefer" switch): only when
 * some consumer rack also hosts replicas, and not every partition has replicas on the same set of racks
 * (then matching could not change anything).
 */
function useRackAwareAssignment(
  consumerRacks: Set<string>,
  partitionRacks: Set<string>,
  perPartition: (Set<string> | undefined)[],
): boolean {
  let overlap = false;
  for (const r of consumerRacks) if (partitionRacks.has(r)) overlap = true;
  if (!overlap) return false;
  return !perPartition.every(
    (s) => s !== undefined && s.size === partitionRacks.size && [...s].every((r) => partitionRacks.has(r)),
  );
}
