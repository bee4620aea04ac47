/**
 * @platformatic/kafka `partitionAssigner` for kpart's assignors (range, roundrobin, sticky, load-aware).
 *
 * @platformatic/kafka calls one `partitionAssigner(current, members, topics, metadata)` on the leader whatever
 * protocol the coordinator picked, and takes the JoinGroup protocols from the `protocols` option. So the
 * adapter returns both, plus `track(consumer)` for the sticky user data:
 *
 *   const kp = platformaticAssignor('sticky');
 *   const consumer = new Consumer({ groupId, bootstrapBrokers, protocols: kp.protocols, partitionAssigner: kp.partitionAssigner });
 *   kp.track(consumer);
 *
 * The protocol's `metadata` (subscription user data) is a getter, read at every JoinGroup, so it always
 * carries the latest assignment and generation from the `consumer:group:join` event (which, unlike
 * KafkaJS's, includes the generation). As with KafkaJS the client is eager-only: see kafkajs-assignors.ts for
 * why cooperative-sticky is not offered.
 */
import { assign } from '../assignors/index.js';
import { encodeStickyUserData, groupFromProtocol, type ProtocolMember } from '../assignors/protocol.js';
import { AssignorName, type PerPartition, type TopicPartitions } from '../assignors/types.js';

export const PLATFORMATIC_ASSIGNORS = [
  AssignorName.RANGE,
  AssignorName.ROUNDROBIN,
  AssignorName.STICKY,
  AssignorName.LOAD_AWARE,
] as const;
export type PlatformaticAssignorName = (typeof PLATFORMATIC_ASSIGNORS)[number];

/** The subset of @platformatic/kafka's types the adapter relies on (structural, so the package stays optional). */
export interface PlatformaticSubscription {
  memberId: string;
  version: number;
  topics?: string[];
  metadata?: Buffer | string;
}
export interface PlatformaticGroupAssignment {
  topic: string;
  partitions: number[];
}
export interface PlatformaticAssignments {
  memberId: string;
  assignments: Map<string, PlatformaticGroupAssignment>;
}
export interface PlatformaticClusterMetadata {
  topics: Map<string, { partitionsCount: number }>;
}
export type PlatformaticPartitionAssigner = (
  current: string,
  members: Map<string, PlatformaticSubscription>,
  topics: Set<string>,
  metadata: PlatformaticClusterMetadata,
) => PlatformaticAssignments[];

export interface PlatformaticProtocol {
  name: string;
  version: number;
  readonly metadata: Buffer;
}

interface EventSource {
  on(
    event: string,
    listener: (payload: { generationId?: number; assignments?: PlatformaticGroupAssignment[] }) => void,
  ): unknown;
  off?(event: string, listener: (...args: never[]) => void): unknown;
}

export interface PlatformaticAssignorOptions {
  /** Load-aware: partition weights for the leader. Called synchronously (the client's assigner is sync). */
  weights?: (topics: string[]) => PerPartition<number>;
}

export interface PlatformaticAssignor {
  protocols: PlatformaticProtocol[];
  partitionAssigner: PlatformaticPartitionAssigner;
  /** Keeps the latest assignment/generation from `consumer:group:join`; returns an unsubscribe function. */
  track(consumer: EventSource): () => void;
  /** The remembered assignment (for tests and diagnostics). */
  state(): { assignment?: TopicPartitions; generation?: number };
}

export function platformaticAssignor(
  name: PlatformaticAssignorName,
  options: PlatformaticAssignorOptions = {},
): PlatformaticAssignor {
  let assignment: TopicPartitions | undefined;
  let generation: number | undefined;
  const sticky = name === AssignorName.STICKY || name === AssignorName.LOAD_AWARE;
  const protocol: PlatformaticProtocol = {
    name,
    version: 0,
    get metadata(): Buffer {
      if (!sticky || !assignment) return Buffer.alloc(0);
      return encodeStickyUserData(
        generation === undefined ? { owned: assignment } : { owned: assignment, generation },
      );
    },
  };
  const partitionAssigner: PlatformaticPartitionAssigner = (_current, members, _topics, metadata) => {
    const protoMembers: ProtocolMember[] = [];
    for (const m of members.values()) {
      const userData = typeof m.metadata === 'string' ? Buffer.from(m.metadata) : (m.metadata ?? null);
      protoMembers.push({
        memberId: m.memberId,
        subscription: { version: m.version, topics: m.topics ?? [], userData },
      });
    }
    const partitionsPerTopic: Record<string, number> = {};
    for (const [t, tm] of metadata.topics) partitionsPerTopic[t] = tm.partitionsCount;
    const weights =
      name === AssignorName.LOAD_AWARE && options.weights
        ? options.weights(Object.keys(partitionsPerTopic))
        : undefined;
    const group = groupFromProtocol(name, protoMembers, partitionsPerTopic, weights ? { weights } : {});
    const result = assign(name, group).assignment;
    return protoMembers.map((m) => {
      const map = new Map<string, PlatformaticGroupAssignment>();
      for (const [topic, partitions] of Object.entries(result[m.memberId] ?? {}))
        map.set(topic, { topic, partitions });
      return { memberId: m.memberId, assignments: map };
    });
  };
  return {
    protocols: [protocol],
    partitionAssigner,
    track(consumer) {
      const listener = (payload: {
        generationId?: number;
        assignments?: PlatformaticGroupAssignment[];
      }): void => {
        const next: TopicPartitions = {};
        for (const a of payload.assignments ?? []) next[a.topic] = [...a.partitions];
        assignment = next;
        generation = payload.generationId;
      };
      consumer.on('consumer:group:join', listener);
      return () => {
        consumer.off?.('consumer:group:join', listener as never);
      };
    },
    state() {
      const s: { assignment?: TopicPartitions; generation?: number } = {};
      if (assignment) s.assignment = assignment;
      if (generation !== undefined) s.generation = generation;
      return s;
    },
  };
}
