/**
 * KafkaJS `partitionAssigners` for kpart's assignors, under the Kafka protocol names Java and librdkafka use
 * (`range`, `roundrobin`, `sticky`) plus `load-aware`, so a group mixing KafkaJS, Java and librdkafka members
 * agrees on one protocol and whichever member leads computes the same kind of assignment.
 *
 *   const tracker = new AssignmentTracker();
 *   const consumer = kafka.consumer({ groupId, partitionAssigners: [kpartKafkaJS.sticky({ tracker })] });
 *   tracker.track(consumer);
 *
 * Member metadata is a `ConsumerProtocolSubscription` v0 (what KafkaJS's `AssignerProtocol` writes); sticky
 * and load-aware members put Java `StickyAssignor` user data in it (previous assignment + generation), which
 * the tracker keeps from the consumer's GROUP_JOIN (assignment) and HEARTBEAT (generation) events. Without a
 * tracker the assigner still works, just without previous ownership (every rebalance starts fresh).
 *
 * No cooperative-sticky here: KafkaJS implements only the eager protocol — it revokes every partition before
 * re-joining and cannot send `ownedPartitions` (subscription v1+) — so advertising "cooperative-sticky" would
 * make Java members in the group believe the cooperative guarantees hold. Use `kpart rebalance` and
 * `cooperativeStickyAssign` to see what cooperative rebalancing would change; run it on a client that
 * implements KIP-429 (Java, librdkafka).
 */
import { AssignerProtocol, type Assigner, type Consumer, type PartitionAssigner } from 'kafkajs';
import { assign } from '../assignors/index.js';
import { encodeStickyUserData, groupFromProtocol } from '../assignors/protocol.js';
import { AssignorName, type PerPartition, type TopicPartitions } from '../assignors/types.js';

/** Protocols offered to KafkaJS (eager ones only; see the file comment). */
export const KAFKAJS_ASSIGNORS = [
  AssignorName.RANGE,
  AssignorName.ROUNDROBIN,
  AssignorName.STICKY,
  AssignorName.LOAD_AWARE,
] as const;
export type KafkaJSAssignorName = (typeof KAFKAJS_ASSIGNORS)[number];

/** Remembers this member's last assignment and generation for the sticky user data. */
export class AssignmentTracker {
  assignment: TopicPartitions | undefined;
  /**
   * Generation of `assignment`: exact once a heartbeat of that generation was seen, a lower bound before
   * that (see `record`), undefined while nothing is known.
   */
  generation: number | undefined;

  /** Subscribes to the consumer's events; returns a function removing the listeners. */
  track(consumer: Consumer): () => void {
    const offJoin = consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.record(e.payload.memberAssignment as TopicPartitions);
    });
    const offBeat = consumer.on(consumer.events.HEARTBEAT, (e) => {
      // KafkaJS does not put the generation in GROUP_JOIN; a successful heartbeat carries the generation the
      // member is in, which is the one its latest assignment came from.
      this.confirm(e.payload.groupGenerationId);
    });
    return () => {
      offJoin();
      offBeat();
    };
  }

  /**
   * Records a new assignment. Without a `generation`, a known previous one + 1 stands in until the next
   * heartbeat confirms it: every sync belongs to a newer generation than the last one, so this is a lower
   * bound. Java ranks claims by generation; a lower bound can lose to a truly newer claim but never beat
   * one, and unlike V0 it keeps this member's claim over stale ones when rebalances come back to back
   * (the first heartbeat after a join never happens when the next rebalance has already begun).
   */
  record(assignment: TopicPartitions, generation?: number): void {
    const copy: TopicPartitions = {};
    for (const [t, ps] of Object.entries(assignment)) copy[t] = [...ps];
    this.assignment = copy;
    this.generation = generation ?? (this.generation === undefined ? undefined : this.generation + 1);
  }

  /** The member heartbeated successfully in `generation`: the current assignment is from it. */
  confirm(generation: number): void {
    if (this.assignment !== undefined && Number.isInteger(generation) && generation >= 0)
      this.generation = generation;
  }

  /**
   * Java sticky user data. Without any known generation (before the first heartbeat) it is V0, which Java
   * treats as DEFAULT_GENERATION: it only counts when no member reports a generation, so a claim we are
   * unsure of never overrides a fresher one.
   */
  userData(): Buffer {
    if (!this.assignment) return Buffer.alloc(0);
    return encodeStickyUserData(
      this.generation === undefined
        ? { owned: this.assignment }
        : { owned: this.assignment, generation: this.generation },
    );
  }
}

export interface KafkaJSAssignorOptions {
  /** Keeps this member's previous assignment for sticky / load-aware user data. */
  tracker?: AssignmentTracker;
  /** Load-aware: partition weights for the leader (e.g. bytes/s or lag from `kpart inspect` / `lag`). */
  weights?: (topics: string[]) => PerPartition<number> | Promise<PerPartition<number>>;
}

/** A KafkaJS partition assigner running kpart's `name` assignor. */
export function kafkajsAssigner(
  name: KafkaJSAssignorName,
  options: KafkaJSAssignorOptions = {},
): PartitionAssigner {
  return ({ cluster }) => {
    const assigner: Assigner = {
      name,
      version: 0,
      async assign({ members, topics }) {
        const group0 = groupFromProtocol(
          name,
          members.map((m) => ({ memberId: m.memberId, metadata: m.memberMetadata })),
          {},
        );
        // Members may subscribe to topics the leader does not; count partitions of every subscribed topic.
        const all = new Set<string>(topics);
        for (const m of group0.members) for (const t of m.topics) all.add(t);
        const partitionsPerTopic: Record<string, number> = {};
        const c = cluster as unknown as { addMultipleTargetTopics?: (t: string[]) => Promise<void> };
        const unknown = [...all].filter((t) => !topics.includes(t));
        if (unknown.length > 0 && typeof c.addMultipleTargetTopics === 'function')
          await c.addMultipleTargetTopics([...all]).catch(() => undefined);
        for (const t of all) {
          try {
            const n = cluster.findTopicPartitionMetadata(t).length;
            if (n > 0) partitionsPerTopic[t] = n;
          } catch {
            // Topic without metadata: it cannot be assigned (Java skips topics missing from the metadata too).
          }
        }
        const weights =
          name === AssignorName.LOAD_AWARE && options.weights ? await options.weights([...all]) : undefined;
        const group = groupFromProtocol(
          name,
          members.map((m) => ({ memberId: m.memberId, metadata: m.memberMetadata })),
          partitionsPerTopic,
          weights ? { weights } : {},
        );
        const { assignment } = assign(name, group);
        return members.map((m) => ({
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 0,
            assignment: assignment[m.memberId] ?? {},
            userData: Buffer.alloc(0),
          }),
        }));
      },
      protocol({ topics }) {
        const userData =
          (name === AssignorName.STICKY || name === AssignorName.LOAD_AWARE) && options.tracker
            ? options.tracker.userData()
            : Buffer.alloc(0);
        return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData }) };
      },
    };
    return assigner;
  };
}

/** Factories by protocol name: `partitionAssigners: [kpartKafkaJS.sticky({ tracker }), kpartKafkaJS.range()]`. */
export const kpartKafkaJS = {
  range: (options?: KafkaJSAssignorOptions) => kafkajsAssigner(AssignorName.RANGE, options),
  roundrobin: (options?: KafkaJSAssignorOptions) => kafkajsAssigner(AssignorName.ROUNDROBIN, options),
  sticky: (options?: KafkaJSAssignorOptions) => kafkajsAssigner(AssignorName.STICKY, options),
  loadAware: (options?: KafkaJSAssignorOptions) => kafkajsAssigner(AssignorName.LOAD_AWARE, options),
} as const;
