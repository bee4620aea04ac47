/**
 * The partitioner contract. A partitioner is a pure, synchronous decision over (record, context) with no
 * I/O; stateful ones (sticky, round-robin, load-aware) keep their state inside the instance. Client adapters
 * (src/adapters/) translate KafkaJS / @platformatic/kafka calls into this shape.
 */

/** What a partitioner may look at for one record. */
export interface RecordInfo {
  /** Serialized key: a string is hashed as its UTF-8 bytes. null/undefined = no key. */
  key?: string | Uint8Array | null | undefined;
  /** Size in bytes of the serialized record (key + value); drives sticky batch accounting. Default 0. */
  size?: number | undefined;
  /** Explicit partition chosen by the caller: wins over every strategy (Java KafkaProducer semantics). */
  partition?: number | undefined;
  /** Parsed record value, for field/geo/time routing (e.g. { region: 'eu' }). */
  value?: unknown;
  /** Record timestamp in ms since epoch (time-window routing). */
  timestamp?: number | undefined;
  headers?: Readonly<Record<string, string | Uint8Array | undefined>> | undefined;
}

/** What a partitioner knows about the topic at decision time. */
export interface PartitionContext {
  topic?: string | undefined;
  /** All partitions of the topic, available or not (Java hashes keys over all of them). */
  partitionCount: number;
  /**
   * Partitions whose leader is available, ascending. Keyless strategies spread over these only
   * (Java `Cluster.availablePartitionsForTopic`). Undefined means all partitions are available, `[]` that none
   * is. Taken as a set: ids outside [0, partitionCount), duplicates and order are tolerated (common.ts
   * `normalizedAvailable`).
   */
  available?: readonly number[] | undefined;
  /** Current time in ms; defaults to Date.now() where a strategy needs time. */
  now?: number | undefined;
}

export interface Partitioner {
  /** Strategy spec this instance was built from, e.g. "murmur2" or "salted:8". */
  readonly name: string;
  /** Returns a partition in [0, ctx.partitionCount). May throw on impossible input; wrap with `withFallback` in a send path. */
  partition(record: RecordInfo, ctx: PartitionContext): number;
  /**
   * Optional per-partition preference scores for the weighted composite strategy: higher = preferred.
   * Length must equal ctx.partitionCount.
   */
  score?(record: RecordInfo, ctx: PartitionContext): Float64Array;
  /**
   * Optional configuration check against a partition count: throws an InputError when this configuration
   * cannot serve such a topic (a mapping naming partition 7 of 4). Callers that know the count up front
   * (the analyzer, `kpart place`) call it through `validateFor`, so a misconfiguration is one clear error
   * instead of one failure per record.
   */
  validate?(partitionCount: number): void;
}

/** Runs `p.validate` when the strategy has one (see Partitioner.validate). */
export function validateFor(p: Partitioner | undefined, partitionCount: number): void {
  p?.validate?.(partitionCount);
}
