/**
 * KIP-794 adaptive uniform sticky partitioning, as Java 3.3+ `BuiltInPartitioner` does it (and therefore the
 * Java producer's default for keyless records, see java-default.ts).
 *
 * Keyed records: `toPositive(murmur2(key)) % numPartitions` over all partitions — never affected by load.
 * Keyless records stick to one partition until the batch boundary (batch-boundary.ts; Java: `batch.size`
 * bytes), then `nextPartition` draws the next one:
 *   - without load information (`partitionLoadStats == null`): uniform over available partitions
 *     (`availablePartitions.get(random % size)`), or over all when none is available;
 *   - with load information: partitions without a leader are left out, and so is every partition whose
 *     leader has had data ready but not drained for longer than `partitioner.availability.timeout.ms`
 *     (`RecordAccumulator.partitionReady`: readyTimeMs − drainTimeMs > timeout). The remaining queue sizes
 *     q[i] (batches waiting) become weights `maxQueue + 1 − q[i]` folded into a cumulative frequency table;
 *     `random % cft[last]` is located by binary search for the first entry strictly greater
 *     (`updatePartitionLoadStats` + `nextPartition`). When all queues are equal and nothing was excluded,
 *     Java drops the table and falls back to uniform — same here.
 *
 * Load is pushed in (`updateLoad`), indexed by partition. The table is rebuilt only when a keyless sticky
 * partition ends, so per-record cost stays a few comparisons. Differences from Java, on purpose: a sticky
 * partition whose leader disappears (not in `ctx.available`) is left at once, not after its batch fills.
 */
import { murmur2 } from '../hash/murmur2.js';
import { availableOrNull, noneAvailable, randomInt31 } from './common.js';
import { StickyBase, type StickyOptions } from './sticky.js';
import type { PartitionContext } from './types.js';

export interface AdaptiveOptions extends StickyOptions {
  /** Java `partitioner.adaptive.partitioning.enable` (default true): use queue sizes for the next partition. */
  adaptive?: boolean;
  /** Java `partitioner.availability.timeout.ms` (default 0 = off). */
  availabilityTimeoutMs?: number;
}

/** Per-partition load signals, each indexed by partition id (missing entries count as 0 / unknown). */
export interface PartitionLoad {
  /** Batches (or records) waiting per partition: Java's `deque.size()` per partition. */
  queueSizes?: ArrayLike<number>;
  /** Last time (ms) the partition's leader had data ready to send. */
  readyTimeMs?: ArrayLike<number>;
  /** Last time (ms) data was drained (sent) to the partition's leader. */
  drainTimeMs?: ArrayLike<number>;
}

interface TopicLoad {
  queueSizes: Float64Array;
  readyTimeMs: Float64Array;
  drainTimeMs: Float64Array;
  /** Scratch for the cumulative frequency table and its partition ids (reused across switches). */
  cft: Float64Array;
  ids: Int32Array;
}

function grow(a: Float64Array, n: number): Float64Array {
  if (a.length >= n) return a;
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

export class AdaptivePartitioner extends StickyBase {
  readonly name: string;
  private readonly adaptive: boolean;
  private readonly availabilityTimeoutMs: number;
  private readonly loads = new Map<string, TopicLoad>();

  constructor(options: AdaptiveOptions = {}, name = 'adaptive') {
    super(options);
    this.name = name;
    this.adaptive = options.adaptive ?? true;
    this.availabilityTimeoutMs = options.availabilityTimeoutMs ?? 0;
    if (!(this.availabilityTimeoutMs >= 0))
      throw new RangeError(`availabilityTimeoutMs must be >= 0, got ${this.availabilityTimeoutMs}`);
  }

  private load(topic: string, n: number): TopicLoad {
    let l = this.loads.get(topic);
    if (l === undefined) {
      l = {
        queueSizes: new Float64Array(n),
        readyTimeMs: new Float64Array(n),
        drainTimeMs: new Float64Array(n),
        cft: new Float64Array(n),
        ids: new Int32Array(n),
      };
      this.loads.set(topic, l);
    } else if (l.queueSizes.length < n) {
      l.queueSizes = grow(l.queueSizes, n);
      l.readyTimeMs = grow(l.readyTimeMs, n);
      l.drainTimeMs = grow(l.drainTimeMs, n);
      l.cft = new Float64Array(n);
      l.ids = new Int32Array(n);
    }
    return l;
  }

  /** Pushes load signals for a topic (default '' = applies to every topic without its own), replacing the given arrays' entries. */
  updateLoad(load: PartitionLoad, topic = ''): void {
    const n = Math.max(
      load.queueSizes?.length ?? 0,
      load.readyTimeMs?.length ?? 0,
      load.drainTimeMs?.length ?? 0,
    );
    const l = this.load(topic, n);
    const copy = (src: ArrayLike<number> | undefined, dst: Float64Array): void => {
      if (src === undefined) return;
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        dst[i] = Number.isFinite(v) && v > 0 ? v : 0;
      }
    };
    copy(load.queueSizes, l.queueSizes);
    copy(load.readyTimeMs, l.readyTimeMs);
    copy(load.drainTimeMs, l.drainTimeMs);
  }

  /** Shorthand for `updateLoad({ queueSizes }, topic)`. */
  updateQueueSizes(queueSizes: ArrayLike<number>, topic = ''): void {
    this.updateLoad({ queueSizes }, topic);
  }

  /** Java `BuiltInPartitioner.nextPartition`, with the load table `updatePartitionLoadStats` would build. */
  protected nextPartition(ctx: PartitionContext, topic: string, _previous: number): number {
    const random = randomInt31(this.random);
    const n = ctx.partitionCount;
    const avail = availableOrNull(ctx);
    // Load pushed for the topic, else load pushed without a topic ('' = every topic).
    const l = this.adaptive ? (this.loads.get(topic) ?? this.loads.get('')) : undefined;
    // Java builds load stats only from partitions with a leader: with none at all it has no stats (uniform).
    if (l !== undefined && n >= 2 && !noneAvailable(ctx)) {
      const p = this.weighted(l, avail, n, random);
      if (p >= 0) return p;
    }
    if (avail !== null) return avail[random % avail.length]!;
    return random % n;
  }

  /** Weighted draw, or -1 when Java would have no load stats (uniform instead). */
  private weighted(l: TopicLoad, avail: readonly number[] | null, n: number, random: number): number {
    if (l.cft.length < n) {
      l.cft = new Float64Array(n);
      l.ids = new Int32Array(n);
    }
    const count = avail === null ? n : avail.length;
    const timeout = this.availabilityTimeoutMs;
    let length = 0;
    let max = -1;
    let first = -1;
    let allEqual = true;
    for (let i = 0; i < count; i++) {
      const p = avail === null ? i : avail[i]!;
      if (p < 0 || p >= n) continue;
      if (timeout > 0 && p < l.readyTimeMs.length && l.readyTimeMs[p]! - l.drainTimeMs[p]! > timeout)
        continue;
      const q = p < l.queueSizes.length ? l.queueSizes[p]! : 0;
      if (first < 0) first = q;
      else if (q !== first) allEqual = false;
      if (q > max) max = q;
      l.ids[length] = p;
      l.cft[length] = q;
      length++;
    }
    if (length < 1) return -1;
    if (allEqual && length === count) return -1;
    // Invert and fold: weights maxQueue + 1 − q, running sum.
    const maxPlus1 = max + 1;
    l.cft[0] = maxPlus1 - l.cft[0]!;
    for (let i = 1; i < length; i++) l.cft[i] = maxPlus1 - l.cft[i]! + l.cft[i - 1]!;
    const total = l.cft[length - 1]!;
    const r = random % total;
    // First index whose cumulative value is strictly greater than r (Java: abs(binarySearch + 1)).
    let lo = 0;
    let hi = length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (l.cft[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return l.ids[lo]!;
  }
}

/** KIP-794 adaptive uniform sticky (keyed records murmur2-hashed). */
export function adaptivePartitioner(options: AdaptiveOptions = {}): AdaptivePartitioner {
  return new AdaptivePartitioner(options);
}

/** Re-exported for the Java default and tests: the keyed rule all Java built-ins share. */
export function javaKeyPartition(key: string | Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}
