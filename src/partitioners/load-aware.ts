/**
 * Load-aware partitioning: a metrics source (consumer lag, producer queue depth, broker latency — anything where
 * higher = more loaded) pushes per-partition loads in with `updateLoad`; keyless records (and, if allowed,
 * keyed ones) are steered away from hot partitions.
 *
 * Selection (per record, O(1), no allocation):
 *   - `p2c` (default): power of two choices (Mitzenmacher, "The Power of Two Choices in Randomized Load
 *     Balancing", 2001): draw two distinct eligible partitions at random, take the less loaded one. Exponentially
 *     better max load than uniform random, and robust to slightly stale signals because it never herds all
 *     traffic onto the single least-loaded partition.
 *   - `weighted`: random choice with probability ∝ 1 / (1 + load / meanLoad) (inverse load, KIP-794 in spirit),
 *     via a cumulative table and binary search, rebuilt only on refresh.
 * Stale signals decay toward `neutral`: effective = neutral + (raw − neutral) · 2^(−age / halfLifeMs). The
 * default neutral is the mean of the latest readings, so a stale signal loses its *differences* from the
 * fleet average (decaying toward 0 would not help: p2c and inverse-load weights are scale-invariant, so
 * shrinking all loads alike changes no decision). Loads within `tolerance` × mean load of each other count as
 * equal, so once the differences have decayed below that the spread is uniform again, and small noise in a
 * metric does not starve the partition that happens to read highest.
 * A circuit breaker (circuit-breaker.ts) excludes a partition whose (effective) load reaches a threshold for a
 * recovery period, then half-opens it; if every eligible partition is excluded, the least-loaded available one
 * is used, so records always have a partition.
 * Effective loads, exclusions and the eligible list are recomputed at most every `refreshMs` (and after each
 * update), keeping the per-record path to a clock read, two random draws and two array reads.
 * Keyed records: `hash` (default) keeps Java's murmur2 placement (ordering per key); `avoid-excluded` keeps it
 * unless the key's partition is excluded, then re-hashes the key over the eligible partitions; `steer` treats
 * keyed records like keyless ones (only for topics where key order does not matter).
 */
import { UsageError } from '../errors.js';
import { murmur2, toPositive } from '../hash/index.js';
import { checkPartitionCount, explicitPartition, isNullKey, type RandomSource } from './common.js';
import { CircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

export const LoadSelection = { p2c: 'p2c', weighted: 'weighted' } as const;
export type LoadSelection = (typeof LoadSelection)[keyof typeof LoadSelection];

export const KeyedLoadPolicy = { hash: 'hash', avoidExcluded: 'avoid-excluded', steer: 'steer' } as const;
export type KeyedLoadPolicy = (typeof KeyedLoadPolicy)[keyof typeof KeyedLoadPolicy];

export interface LoadAwareOptions {
  selection?: LoadSelection | undefined;
  keyed?: KeyedLoadPolicy | undefined;
  /** Half-life of a load reading, ms (default 30 000). Infinity = readings never decay. */
  halfLifeMs?: number | undefined;
  /** Load readings decay to, and partitions without readings start at: a number, or 'mean' (default) = the
   * mean of the latest readings. */
  neutral?: number | 'mean' | undefined;
  /** Loads closer than tolerance × mean load are ties in p2c (default 0.05). */
  tolerance?: number | undefined;
  /** Maximum age of the cached effective loads, ms (default min(halfLifeMs / 32, 250)). */
  refreshMs?: number | undefined;
  /** Circuit breaker settings, or a breaker instance; omit for none. */
  breaker?: CircuitBreakerOptions | CircuitBreaker | undefined;
  random?: RandomSource | undefined;
  name?: string | undefined;
}

export interface PartitionLoadStats {
  partition: number;
  /** Load after decay at `at`. */
  load: number;
  /** Last reading (undefined if none). */
  raw: number | undefined;
  updatedAt: number | undefined;
  state: BreakerState;
}

export interface LoadAwareStats {
  at: number;
  partitionCount: number;
  /** Effective (decayed) load per partition, index = partition. */
  loads: number[];
  partitions: PartitionLoadStats[];
  /** Partitions the breaker currently excludes (open). */
  excluded: number[];
  halfOpen: number[];
  /** Readings ignored by updateLoad (negative, NaN, bad partition). */
  rejected: number;
  updates: number;
}

const MAX_PARTITIONS = 1 << 20;

export class LoadAwarePartitioner implements Partitioner {
  readonly name: string;
  readonly selection: LoadSelection;
  readonly keyed: KeyedLoadPolicy;
  readonly halfLifeMs: number;
  readonly neutral: number | 'mean';
  readonly tolerance: number;
  readonly refreshMs: number;
  readonly breaker: CircuitBreaker | null;
  private readonly random: RandomSource;

  private raw = new Float64Array(16);
  private rawAt = new Float64Array(16);
  private has = new Uint8Array(16);
  private eff = new Float64Array(16);
  private eligible = new Int32Array(16);
  private eligibleCount = 0;
  private cumulative = new Float64Array(16);
  /** Partition count the cached arrays were built for (-1 = none yet, so the first call validates it). */
  private n = -1;
  private slack = 0;
  /** Earliest time an excluded partition half-opens: the eligible list must be rebuilt then. */
  private nextTransition = Number.POSITIVE_INFINITY;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private lastAvailable: readonly number[] | undefined = undefined;
  private dirty = true;
  private rejected = 0;
  private updates = 0;

  constructor(options: LoadAwareOptions = {}) {
    const {
      selection = 'p2c',
      keyed = 'hash',
      halfLifeMs = 30_000,
      neutral = 'mean',
      tolerance = 0.05,
    } = options;
    if (!(selection in LoadSelection))
      throw new UsageError(
        `load-aware: selection must be p2c or weighted, got ${String(selection)}`,
        'E_STRATEGY_OPTION',
      );
    if (!Object.values(KeyedLoadPolicy).includes(keyed))
      throw new UsageError(
        `load-aware: keyed must be hash, avoid-excluded or steer, got ${String(keyed)}`,
        'E_STRATEGY_OPTION',
      );
    if (!(halfLifeMs > 0))
      throw new UsageError(`load-aware: halfLifeMs must be > 0, got ${halfLifeMs}`, 'E_STRATEGY_OPTION');
    if (neutral !== 'mean' && !(Number.isFinite(neutral) && neutral >= 0))
      throw new UsageError("load-aware: neutral must be 'mean' or a finite number >= 0", 'E_STRATEGY_OPTION');
    if (!(Number.isFinite(tolerance) && tolerance >= 0))
      throw new UsageError('load-aware: tolerance must be a finite number >= 0', 'E_STRATEGY_OPTION');
    this.tolerance = tolerance;
    const refreshMs = options.refreshMs ?? Math.min(halfLifeMs / 32, 250);
    if (!(Number.isFinite(refreshMs) && refreshMs >= 0))
      throw new UsageError('load-aware: refreshMs must be >= 0', 'E_STRATEGY_OPTION');
    this.selection = selection;
    this.keyed = keyed;
    this.halfLifeMs = halfLifeMs;
    this.neutral = neutral;
    this.refreshMs = refreshMs;
    const b = options.breaker;
    this.breaker = b === undefined ? null : b instanceof CircuitBreaker ? b : new CircuitBreaker(b);
    this.random = options.random ?? Math.random;
    this.name = options.name ?? 'load-aware';
  }

  private grow(size: number): void {
    if (size <= this.raw.length) return;
    let cap = this.raw.length;
    while (cap < size) cap *= 2;
    const f = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.raw = f(this.raw);
    this.rawAt = f(this.rawAt);
    this.eff = f(this.eff);
    this.cumulative = new Float64Array(cap);
    const h = new Uint8Array(cap);
    h.set(this.has);
    this.has = h;
    this.eligible = new Int32Array(cap);
  }

  /**
   * Pushes load readings (higher = more loaded): an array indexed by partition, or a Map partition → load for a
   * partial update. `at` is when they were measured (default now). Negative / non-finite readings are ignored.
   */
  updateLoad(loads: ReadonlyArray<number> | ReadonlyMap<number, number>, at: number = Date.now()): void {
    if (!Number.isFinite(at)) throw new UsageError(`load-aware: bad reading time ${at}`, 'E_STRATEGY_OPTION');
    const set = (p: number, load: number): void => {
      if (!(
        Number.isInteger(p) &&
        p >= 0 &&
        p < MAX_PARTITIONS &&
        typeof load === 'number' &&
        Number.isFinite(load) &&
        load >= 0
      )) {
        this.rejected++;
        return;
      }
      this.grow(p + 1);
      // An older reading never overwrites a newer one (metrics sources may deliver out of order).
      if (this.has[p] === 1 && this.rawAt[p]! > at) return;
      this.raw[p] = load;
      this.rawAt[p] = at;
      this.has[p] = 1;
      this.breaker?.record(p, load, at);
    };
    if (loads instanceof Map) for (const [p, load] of loads as ReadonlyMap<number, number>) set(p, load);
    else {
      // Arrays and typed arrays (a Float64Array of lags is common): index = partition.
      const arr = loads as ArrayLike<number>;
      for (let p = 0; p < arr.length; p++) set(p, arr[p] as number);
    }
    this.updates++;
    this.dirty = true;
  }

  /** The level readings decay toward: the configured number, or the mean of the latest readings. */
  neutralLevel(): number {
    if (this.neutral !== 'mean') return this.neutral;
    let sum = 0;
    let count = 0;
    for (let p = 0; p < this.has.length; p++) {
      if (this.has[p] === 1) {
        sum += this.raw[p]!;
        count++;
      }
    }
    return count === 0 ? 0 : sum / count;
  }

  private decayed(p: number, now: number, neutral: number): number {
    if (p < 0 || p >= this.raw.length || this.has[p] !== 1) return neutral;
    const age = now - this.rawAt[p]!;
    const raw = this.raw[p]!;
    if (age <= 0 || this.halfLifeMs === Infinity) return raw;
    return neutral + (raw - neutral) * Math.pow(2, -age / this.halfLifeMs);
  }

  /** Effective load of partition p at `now` (decayed toward neutral). */
  effectiveLoad(p: number, now: number): number {
    return this.decayed(p, now, this.neutralLevel());
  }

  /** Recomputes effective loads, breaker states, the eligible list and (weighted) the cumulative table. */
  private refresh(now: number, ctx: PartitionContext): void {
    const n = ctx.partitionCount;
    if (n !== this.n) {
      checkPartitionCount(n);
      if (n > MAX_PARTITIONS) throw new UsageError(`load-aware: too many partitions (${n})`, 'E_PARTITIONS');
      this.grow(n);
      this.n = n;
    }
    const br = this.breaker;
    const neutral = this.neutralLevel();
    for (let p = 0; p < n; p++) {
      const e = this.decayed(p, now, neutral);
      this.eff[p] = e;
      // Decayed readings feed the breaker too, so a half-open partition whose signal went stale (and decayed
      // below the reset level) closes instead of waiting for a reading that may never come.
      if (br !== null && this.has[p] === 1) br.record(p, e, now);
    }
    const avail = ctx.available;
    let m = 0;
    let best = -1;
    let next = Number.POSITIVE_INFINITY;
    const consider = (p: number): void => {
      if (p < 0 || p >= n) return;
      if (best < 0 || this.eff[p]! < this.eff[best]!) best = p;
      const until = br === null ? undefined : br.reopensAt(p, now);
      if (until === undefined) this.eligible[m++] = p;
      else if (until < next) next = until;
    };
    if (avail === undefined || avail.length === 0) for (let p = 0; p < n; p++) consider(p);
    else for (const p of avail) consider(p);
    if (m === 0) {
      // Never exclude everything: the least-loaded available partition keeps taking traffic.
      this.eligible[0] = best < 0 ? 0 : best;
      m = 1;
    }
    this.eligibleCount = m;
    this.nextTransition = next;
    let mean = 0;
    for (let i = 0; i < m; i++) mean += this.eff[this.eligible[i]!]!;
    mean /= m;
    this.slack = this.tolerance * mean;
    if (this.selection === 'weighted') {
      let acc = 0;
      for (let i = 0; i < m; i++) {
        acc += mean > 0 ? 1 / (1 + this.eff[this.eligible[i]!]! / mean) : 1;
        this.cumulative[i] = acc;
      }
    }
    this.lastRefresh = now;
    this.lastAvailable = avail;
    this.dirty = false;
  }

  private ensureFresh(ctx: PartitionContext, now: number): void {
    if (
      this.dirty ||
      ctx.partitionCount !== this.n ||
      ctx.available !== this.lastAvailable ||
      now - this.lastRefresh >= this.refreshMs ||
      now >= this.nextTransition ||
      now < this.lastRefresh
    ) {
      this.refresh(now, ctx);
    }
  }

  private choose(): number {
    const m = this.eligibleCount;
    const e = this.eligible;
    if (m === 1) return e[0]!;
    if (this.selection === 'p2c') {
      const i = Math.floor(this.random() * m) % m;
      let j = Math.floor(this.random() * (m - 1)) % (m - 1);
      if (j >= i) j++;
      const a = e[i]!;
      const b = e[j]!;
      return this.eff[b]! < this.eff[a]! - this.slack ? b : a;
    }
    const c = this.cumulative;
    const x = this.random() * c[m - 1]!;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return e[lo]!;
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    const key = record.key;
    if (!isNullKey(key) && this.keyed !== 'steer') {
      checkPartitionCount(ctx.partitionCount);
      const h = toPositive(murmur2(key));
      const p = h % ctx.partitionCount;
      if (this.keyed === 'hash' || this.breaker === null) return p;
      const now = ctx.now ?? Date.now();
      this.ensureFresh(ctx, now);
      if (!this.breaker.isExcluded(p, now)) return p;
      return this.eligible[h % this.eligibleCount]!;
    }
    const now = ctx.now ?? Date.now();
    this.ensureFresh(ctx, now);
    return this.choose();
  }

  /**
   * Scores for the weighted composite: eligible partitions score 1 / (1 + load / meanLoad) scaled to max 1,
   * excluded or unavailable ones 0.
   */
  score(_record: RecordInfo, ctx: PartitionContext): Float64Array {
    const now = ctx.now ?? Date.now();
    this.ensureFresh(ctx, now);
    const s = new Float64Array(ctx.partitionCount);
    let mean = 0;
    for (let i = 0; i < this.eligibleCount; i++) mean += this.eff[this.eligible[i]!]!;
    mean /= this.eligibleCount;
    let max = 0;
    for (let i = 0; i < this.eligibleCount; i++) {
      const p = this.eligible[i]!;
      const v = mean > 0 ? 1 / (1 + this.eff[p]! / mean) : 1;
      s[p] = v;
      if (v > max) max = v;
    }
    if (max > 0) for (let p = 0; p < s.length; p++) s[p] = s[p]! / max;
    return s;
  }

  /** Current effective load per partition and the breaker's exclusions, at `now` (default: the clock). */
  stats(now: number = Date.now(), partitionCount?: number): LoadAwareStats {
    let n = partitionCount ?? Math.max(this.n, 0);
    if (partitionCount === undefined)
      for (let p = this.has.length - 1; p >= n; p--)
        if (this.has[p] === 1) {
          n = p + 1;
          break;
        }
    const neutral = this.neutralLevel();
    const loads: number[] = [];
    const partitions: PartitionLoadStats[] = [];
    const excluded: number[] = [];
    const halfOpen: number[] = [];
    for (let p = 0; p < n; p++) {
      const load = this.decayed(p, now, neutral);
      const known = p < this.has.length && this.has[p] === 1;
      const state: BreakerState = this.breaker?.stateOf(p, now) ?? 'closed';
      if (state === 'open') excluded.push(p);
      else if (state === 'half-open') halfOpen.push(p);
      loads.push(load);
      partitions.push({
        partition: p,
        load,
        raw: known ? this.raw[p] : undefined,
        updatedAt: known ? this.rawAt[p] : undefined,
        state,
      });
    }
    return {
      at: now,
      partitionCount: n,
      loads,
      partitions,
      excluded,
      halfOpen,
      rejected: this.rejected,
      updates: this.updates,
    };
  }
}
