/**
 * The group description every assignor takes, and what they return. Assignors are pure functions of this
 * description: members and topics are sorted internally, so the order in which members arrive (JoinGroup
 * order, JSON order) never changes the result.
 */

/** Assignor names; the values are the Kafka protocol names Java clients use (`partition.assignment.strategy`). */
export const AssignorName = {
  RANGE: 'range',
  ROUNDROBIN: 'roundrobin',
  STICKY: 'sticky',
  COOPERATIVE_STICKY: 'cooperative-sticky',
  LOAD_AWARE: 'load-aware',
} as const;
export type AssignorName = (typeof AssignorName)[keyof typeof AssignorName];

/** Per topic, per partition (index = partition id) numbers, e.g. weights or replica racks. */
export type PerPartition<T> = Readonly<Record<string, readonly T[]>>;

export interface GroupMember {
  /** Member id (as the coordinator issued it). */
  id: string;
  /** `group.instance.id` (KIP-345 static membership); sorts before member ids, as Java's `MemberInfo`. */
  instanceId?: string;
  /** Subscribed topics; topics missing from the group's `topics` are ignored (they have no partitions). */
  topics: readonly string[];
  /** Partitions this member owned before the rebalance (Java: `ownedPartitions` / sticky user data). */
  owned?: PerPartition<number>;
  /** Generation the `owned` claim is from; claims from older generations than the newest are discarded. */
  generation?: number;
  /** `client.rack` (KIP-881 rack-aware assignment). */
  rack?: string;
  /**
   * Load-aware only: weights this member measured for partitions (same shape as the group's `weights`);
   * they override the group-level weights for those partitions.
   */
  weights?: PerPartition<number>;
}

export interface GroupDescription {
  /** Topic name → partition count. */
  topics: Readonly<Record<string, number>>;
  members: readonly GroupMember[];
  /** Racks of each partition's replicas (KIP-881): `{ "orders": [["a","b"], ["b","c"], ...] }`. */
  partitionRacks?: PerPartition<readonly string[]>;
  /**
   * Load-aware: per-topic arrays of partition weights (bytes/s, records/s, lag...), index = partition;
   * missing entries weigh 1.
   */
  weights?: PerPartition<number>;
}

/** Topic → ascending partition ids. */
export type TopicPartitions = Record<string, number[]>;
/** Member id → its partitions. Every member appears, possibly with `{}`. */
export type Assignment = Record<string, TopicPartitions>;

export interface AssignmentResult {
  assignment: Assignment;
  /**
   * Cooperative (KIP-429) only: partitions each member must give up in this round. They are not in anyone's
   * `assignment` yet; the follow-up rebalance hands them to their new owner.
   */
  revoked?: Assignment;
}

export type Assignor = (group: GroupDescription) => AssignmentResult;
