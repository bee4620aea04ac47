/**
 * Time-window routing: records of one time window go together. window = floor((timestamp − origin) / windowMs);
 * the window's base partition is `window mod n`, so consecutive windows walk the partitions in turn and every
 * partition gets the same share of windows over time (a windowed consumer reads one window from one place).
 * `spread` = k > 1 spreads each window over k consecutive partitions (base … base+k−1 mod n) to take the
 * window's throughput off a single partition: keyed records pick their slot by murmur2(key) % k (a key stays
 * on one partition within a window), keyless records go round-robin over the k slots.
 * Timestamp: record.timestamp, else ctx.now, else Date.now() (the producer's create time, as Kafka stamps it).
 */
import { UsageError } from '../errors.js';
import { murmur2, toPositive } from '../hash/index.js';
import { checkPartitionCount, explicitPartition, isNullKey, oneHot } from './common.js';
import { Cursor } from './routing-common.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

export interface TimeWindowOptions {
  windowMs: number;
  /** Partitions per window (default 1); capped at the partition count. */
  spread?: number | undefined;
  /** Epoch the windows are aligned to, in ms (default 0 = Unix epoch, so 60 000 ms windows start on the minute). */
  origin?: number | undefined;
  name?: string | undefined;
}

export class TimeWindowPartitioner implements Partitioner {
  readonly name: string;
  readonly windowMs: number;
  readonly spread: number;
  readonly origin: number;
  private readonly cursor = new Cursor();

  constructor(options: TimeWindowOptions) {
    const { windowMs, spread = 1, origin = 0 } = options;
    if (!(Number.isFinite(windowMs) && windowMs > 0))
      throw new UsageError(
        `time-window: window must be a positive number of ms, got ${windowMs}`,
        'E_STRATEGY',
      );
    if (!(Number.isInteger(spread) && spread > 0))
      throw new UsageError(`time-window: spread must be a positive integer, got ${spread}`, 'E_STRATEGY');
    if (!Number.isFinite(origin))
      throw new UsageError('time-window: origin must be a finite number', 'E_STRATEGY');
    this.windowMs = windowMs;
    this.spread = spread;
    this.origin = origin;
    this.name =
      options.name ?? (spread === 1 ? `time-window:${windowMs}` : `time-window:${windowMs}:${spread}`);
  }

  /** Window id of a timestamp (may be negative before `origin`). */
  windowOf(timestamp: number): number {
    return Math.floor((timestamp - this.origin) / this.windowMs);
  }

  /** First partition of a window's slots. */
  basePartition(window: number, partitionCount: number): number {
    return ((window % partitionCount) + partitionCount) % partitionCount;
  }

  private timestamp(record: RecordInfo, ctx: PartitionContext): number {
    const ts = record.timestamp ?? ctx.now ?? Date.now();
    if (!Number.isFinite(ts)) throw new UsageError(`time-window: bad timestamp ${ts}`, 'E_TIMESTAMP');
    return ts;
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    const n = ctx.partitionCount;
    checkPartitionCount(n);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    const base = this.basePartition(this.windowOf(this.timestamp(record, ctx)), n);
    const k = this.spread < n ? this.spread : n;
    if (k === 1) return base;
    const slot = isNullKey(record.key) ? this.cursor.nextIn(k) : toPositive(murmur2(record.key)) % k;
    return (base + slot) % n;
  }

  /**
   * Scores for the weighted composite: 1 on the partition chosen, 0.5 on the window's other slots (still
   * "right window"), 0 elsewhere.
   */
  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    const n = ctx.partitionCount;
    const chosen = this.partition(record, ctx);
    if (record.partition !== undefined && record.partition !== null) return oneHot(n, chosen);
    const s = new Float64Array(n);
    const base = this.basePartition(this.windowOf(this.timestamp(record, ctx)), n);
    const k = this.spread < n ? this.spread : n;
    for (let i = 0; i < k; i++) s[(base + i) % n] = 0.5;
    s[chosen] = 1;
    return s;
  }
}
