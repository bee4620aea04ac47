/**
 * Shared shapes of live-cluster data. The poller (src/cluster/partition-metrics.ts) produces snapshots;
 * `inspect`, `lag`, `serve`, the dashboard and the load-aware partitioner consume them.
 */

/** Burrow's partition statuses (see REFERENCE.md "Lag monitoring conventions"). */
export const LagStatus = { OK: 'OK', WARN: 'WARN', STALL: 'STALL', STOP: 'STOP', REWIND: 'REWIND' } as const;
export type LagStatus = (typeof LagStatus)[keyof typeof LagStatus];

export interface PartitionSnapshot {
  partition: number;
  leader: number;
  leaderAvailable: boolean;
  startOffset: number;
  endOffset: number;
  /** Records/s appended over the last interval (end offset delta / seconds); 0 on the first sample. */
  rate: number;
  /** Consumer group committed offset, when a group is watched (-1 = none committed). */
  committedOffset?: number;
  /** endOffset - committedOffset (when committed >= 0), else endOffset - startOffset. */
  lag?: number;
  /** Estimated lag in seconds from offset→time interpolation (kafka-lag-exporter style). */
  lagSeconds?: number;
  lagStatus?: LagStatus;
  /** Which Burrow rule decided lagStatus (human-readable). */
  lagStatusReason?: string;
  /** Fraction of the Burrow window filled, 0..1 (Burrow's `complete`). */
  windowComplete?: number;
}

export interface TopicSnapshot {
  topic: string;
  group?: string;
  /** When the data was fetched (ms since epoch). */
  takenAt: number;
  /** True when the last poll failed and this is older data. */
  stale: boolean;
  /** The last poll error, one line, when stale. */
  error?: string;
  partitions: PartitionSnapshot[];
  /** When the poller last tried (ms since epoch); equals takenAt unless stale. */
  lastAttemptAt?: number;
}
