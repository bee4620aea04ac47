/**
 * Wrappers that add operational behaviour around any Partitioner without changing its decisions:
 *   withCache     bounded LRU of (partition count, string key) → partition for deterministic keyed strategies;
 *   withFallback  never throws in the send path: a throwing strategy or an out-of-range answer is replaced by
 *                 a fallback strategy's answer (default murmur2_random-like Java keyed rule), and counted;
 *   withCounters  per-strategy counters: calls, total/max selection time, per-partition counts.
 * Each returns a Partitioner that also exposes its statistics.
 */
import { murmur2 } from '../hash/murmur2.js';
import { availableOrNull } from './common.js';
import { validateFor, type Partitioner, type PartitionContext, type RecordInfo } from './types.js';

// ---------------------------------------------------------------------------------------------- cache

export interface CacheOptions {
  /** Maximum cached decisions (default 10000); least recently used ones are evicted. */
  maxEntries?: number;
  /**
   * Which records may be cached. Default: string keys without an explicit partition. Only safe for strategies
   * whose answer depends on nothing but the key and the partition count (murmur2, fnv1a, consistent...). The
   * empty key is never stored (it is counted as a miss).
   */
  cacheable?: (record: RecordInfo, ctx: PartitionContext) => boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  size: number;
}

export interface CachedPartitioner extends Partitioner {
  readonly inner: Partitioner;
  stats(): CacheStats;
  clear(): void;
}

const defaultCacheable = (record: RecordInfo): boolean =>
  typeof record.key === 'string' && record.partition === undefined;

export function withCache(inner: Partitioner, options: CacheOptions = {}): CachedPartitioner {
  const max = options.maxEntries ?? 10_000;
  if (!(Number.isInteger(max) && max > 0))
    throw new RangeError(`maxEntries must be a positive integer, got ${max}`);
  const cacheable = options.cacheable ?? defaultCacheable;
  // One map per partition count (a topic resize must not serve stale answers); a Map iterates in insertion
  // order, so re-inserting on hit and evicting the first key gives LRU.
  const maps = new Map<number, Map<string, number>>();
  let size = 0;
  const stats = { hits: 0, misses: 0, evictions: 0 };
  const wrapper: CachedPartitioner = {
    name: inner.name,
    inner,
    partition(record, ctx) {
      if (!cacheable(record, ctx) || typeof record.key !== 'string') return inner.partition(record, ctx);
      const n = ctx.partitionCount;
      let m = maps.get(n);
      if (m === undefined) {
        m = new Map();
        maps.set(n, m);
      }
      const key = record.key;
      if (key.length === 0) {
        // Never stored: `consistent_random` (and `random`) place the empty key like no key (random / sticky),
        // so a cached first answer would pin it to whichever partition came first.
        stats.misses++;
        return inner.partition(record, ctx);
      }
      const hit = m.get(key);
      if (hit !== undefined) {
        stats.hits++;
        m.delete(key);
        m.set(key, hit);
        return hit;
      }
      stats.misses++;
      const p = inner.partition(record, ctx);
      if (size >= max) {
        // Evict from the largest map's oldest entry (normally there is a single partition count).
        let victim: Map<string, number> | undefined;
        for (const mm of maps.values()) if (victim === undefined || mm.size > victim.size) victim = mm;
        const oldest = victim?.keys().next();
        if (victim !== undefined && oldest !== undefined && !oldest.done) {
          victim.delete(oldest.value);
          size--;
          stats.evictions++;
        }
      }
      m.set(key, p);
      size++;
      return p;
    },
    stats: () => ({ ...stats, size }),
    clear() {
      maps.clear();
      size = 0;
    },
  };
  if (inner.score) wrapper.score = inner.score.bind(inner);
  if (inner.validate) wrapper.validate = inner.validate.bind(inner);
  return wrapper;
}

// ---------------------------------------------------------------------------------------------- fallback

export interface FallbackStats {
  /** Decisions the wrapped strategy made. */
  ok: number;
  /** Decisions replaced because the strategy threw or answered out of range. */
  fallbacks: number;
  /** Fallbacks where the fallback strategy failed too and the last-resort rule answered. */
  lastResort: number;
  lastError: unknown;
}

export interface FallbackOptions {
  /** Strategy used when the primary fails (default: Java's keyed rule, keyless to the first available partition). */
  fallback?: Partitioner;
  /** Called on every fallback (errors thrown by it are swallowed). */
  onFallback?: (error: unknown, record: RecordInfo, ctx: PartitionContext) => void;
}

export interface FallbackPartitioner extends Partitioner {
  readonly inner: Partitioner;
  stats(): FallbackStats;
}

function inRange(p: unknown, n: number): p is number {
  return typeof p === 'number' && Number.isInteger(p) && p >= 0 && p < n;
}

/** Last resort, cannot throw: explicit partition if valid, keyed murmur2 over all, else first available, else 0. */
function lastResort(record: RecordInfo, ctx: PartitionContext): number {
  const n = ctx.partitionCount;
  if (!(Number.isInteger(n) && n > 0)) return 0;
  if (inRange(record.partition, n)) return record.partition;
  const key = record.key;
  if (typeof key === 'string' || key instanceof Uint8Array) {
    try {
      return (murmur2(key) & 0x7fffffff) % n;
    } catch {
      // fall through
    }
  }
  const avail = availableOrNull(ctx);
  const first = avail?.[0];
  return inRange(first, n) ? first : 0;
}

export function withFallback(inner: Partitioner, options: FallbackOptions = {}): FallbackPartitioner {
  const stats: FallbackStats = { ok: 0, fallbacks: 0, lastResort: 0, lastError: undefined };
  const fallback = options.fallback;
  const onFallback = options.onFallback;
  const wrapper: FallbackPartitioner = {
    name: inner.name,
    inner,
    partition(record, ctx) {
      let error: unknown;
      try {
        const p = inner.partition(record, ctx);
        if (inRange(p, ctx.partitionCount)) {
          stats.ok++;
          return p;
        }
        error = new RangeError(
          `strategy ${inner.name} returned ${String(p)} for ${String(ctx.partitionCount)} partitions`,
        );
      } catch (e) {
        error = e;
      }
      stats.fallbacks++;
      stats.lastError = error;
      if (onFallback) {
        try {
          onFallback(error, record, ctx);
        } catch {
          // a faulty listener must not break the send path either
        }
      }
      if (fallback) {
        try {
          const p = fallback.partition(record, ctx);
          if (inRange(p, ctx.partitionCount)) return p;
        } catch {
          // use the last resort below
        }
      }
      stats.lastResort++;
      return lastResort(record, ctx);
    },
    stats: () => ({ ...stats }),
  };
  if (inner.score) {
    const score = inner.score.bind(inner);
    wrapper.score = (record, ctx) => {
      try {
        const s = score(record, ctx);
        if (s.length === ctx.partitionCount) return s;
      } catch {
        // neutral scores below
      }
      return new Float64Array(Math.max(0, ctx.partitionCount | 0));
    };
  }
  // Outside the send path a misconfiguration should surface (the fallback only covers records).
  wrapper.validate = (partitionCount) => {
    validateFor(inner, partitionCount);
    validateFor(fallback, partitionCount);
  };
  return wrapper;
}

// ---------------------------------------------------------------------------------------------- counters

export interface CounterStats {
  name: string;
  calls: number;
  errors: number;
  /** Total and maximum wall time spent in the strategy's partition(), in nanoseconds. */
  totalNs: number;
  maxNs: number;
  meanNs: number;
  /** Records per partition (index = partition). */
  perPartition: number[];
}

export interface CountingPartitioner extends Partitioner {
  readonly inner: Partitioner;
  stats(): CounterStats;
  reset(): void;
}

/**
 * Counts decisions. Timing uses `performance.now()` (sub-microsecond resolution on Node); set
 * `timing: false` to count only (timing costs ~50 ns per call).
 */
export function withCounters(inner: Partitioner, options: { timing?: boolean } = {}): CountingPartitioner {
  const timing = options.timing ?? true;
  let calls = 0;
  let errors = 0;
  let totalMs = 0;
  let maxMs = 0;
  let perPartition: number[] = [];
  const wrapper: CountingPartitioner = {
    name: inner.name,
    inner,
    partition(record, ctx) {
      calls++;
      const t0 = timing ? performance.now() : 0;
      let p: number;
      try {
        p = inner.partition(record, ctx);
      } catch (e) {
        errors++;
        throw e;
      } finally {
        if (timing) {
          const dt = performance.now() - t0;
          totalMs += dt;
          if (dt > maxMs) maxMs = dt;
        }
      }
      if (Number.isInteger(p) && p >= 0) {
        while (perPartition.length <= p) perPartition.push(0);
        perPartition[p]!++;
      }
      return p;
    },
    stats: () => ({
      name: inner.name,
      calls,
      errors,
      totalNs: Math.round(totalMs * 1e6),
      maxNs: Math.round(maxMs * 1e6),
      meanNs: calls > 0 ? Math.round((totalMs * 1e6) / calls) : 0,
      perPartition: [...perPartition],
    }),
    reset() {
      calls = 0;
      errors = 0;
      totalMs = 0;
      maxMs = 0;
      perPartition = [];
    },
  };
  if (inner.score) wrapper.score = inner.score.bind(inner);
  if (inner.validate) wrapper.validate = inner.validate.bind(inner);
  return wrapper;
}
