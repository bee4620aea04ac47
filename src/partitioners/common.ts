/**
 * Small pieces shared by the core strategies (core-strategies.ts and the files it registers): explicit
 * partition handling, key classification, availability lists, random draws, option parsing and scores.
 * Pure functions only.
 */
import { InputError, UsageError } from '../errors.js';
import type { PartitionContext, RecordInfo } from './types.js';

/** A source of uniform doubles in [0, 1). Injectable so tests (and simulations) can be reproducible. */
export type RandomSource = () => number;

/** Throws unless `n` is a positive integer partition count. */
export function checkPartitionCount(n: number): void {
  if (!(Number.isInteger(n) && n > 0)) {
    throw new InputError(`partition count must be a positive integer, got ${String(n)}`, 'E_PARTITIONS');
  }
}

/**
 * The record's explicit partition if it has one, else -1. Java `KafkaProducer.partition()` returns
 * `record.partition()` before any partitioner runs, and rejects one outside the topic ("Invalid partition
 * given with record") — mirrored by the throw, which `withFallback` turns into a counted fallback.
 */
export function explicitPartition(record: RecordInfo, ctx: PartitionContext): number {
  const p = record.partition;
  if (p === undefined || p === null) return -1;
  if (!(Number.isInteger(p) && p >= 0 && p < ctx.partitionCount)) {
    throw new InputError(
      `invalid partition ${String(p)} given with record: topic has ${ctx.partitionCount} partitions`,
      'E_PARTITION',
    );
  }
  return p;
}

/** True for a null/undefined key (Kafka's "no key"), false for any key including the empty one. */
export function isNullKey(key: RecordInfo['key']): key is null | undefined {
  return key === null || key === undefined;
}

/** Byte length is only needed for "is it empty": a string is empty in UTF-8 exactly when it is ''. */
export function isEmptyKey(key: string | Uint8Array): boolean {
  return key.length === 0;
}

// One-entry memo for `normalizedAvailable`: adapters hand the same array for every record until metadata changes.
let memoInput: readonly number[] | null = null;
let memoCount = -1;
let memoLength = -1;
let memoOutput: readonly number[] | null = null;
// Behind it, one entry per array (several topics interleaved each keep their own list).
const normalizedCache = new WeakMap<
  readonly number[],
  { count: number; length: number; out: readonly number[] | null }
>();

/**
 * `ctx.available` as the strategies may rely on it: strictly ascending partition ids within
 * [0, partitionCount), or null when every partition is available (undefined, or the list covers them all).
 * An empty result means no partition has a leader. Ids outside the topic (stale metadata, a caller's list),
 * duplicates and any order are tolerated: they are dropped, merged and sorted, so no strategy answers an
 * out-of-range partition and none depends on the order leaders were listed in.
 */
export function normalizedAvailable(ctx: PartitionContext): readonly number[] | null {
  const a = ctx.available;
  if (a === undefined || a === null) return null;
  const n = ctx.partitionCount;
  if (a === memoInput && n === memoCount && a.length === memoLength) return memoOutput;
  const cached = normalizedCache.get(a);
  if (cached !== undefined && cached.count === n && cached.length === a.length) {
    memoInput = a;
    memoCount = n;
    memoLength = a.length;
    memoOutput = cached.out;
    return cached.out;
  }
  let clean = true;
  let prev = -1;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(Number.isInteger(v) && v > prev && v < n)) {
      clean = false;
      break;
    }
    prev = v;
  }
  const list = clean
    ? a
    : [...new Set(a.filter((v) => Number.isInteger(v) && v >= 0 && v < n))].sort((x, y) => x - y);
  const out = list.length >= n ? null : list;
  memoInput = a;
  memoCount = n;
  memoLength = a.length;
  memoOutput = out;
  normalizedCache.set(a, { count: n, length: a.length, out });
  return out;
}

/**
 * Partitions a keyless record may go to: `ctx.available` (normalized) when it names at least one partition of
 * the topic, else all partitions (Java `BuiltInPartitioner.nextPartition`: "We don't have available
 * partitions, just pick one among all"). Returns null to mean "all of 0..n-1" without allocating.
 */
export function availableOrNull(ctx: PartitionContext): readonly number[] | null {
  const a = normalizedAvailable(ctx);
  return a === null || a.length === 0 ? null : a;
}

/** True when `ctx.available` is given but names no partition of the topic: no leader at all. */
export function noneAvailable(ctx: PartitionContext): boolean {
  const a = normalizedAvailable(ctx);
  return a !== null && a.length === 0;
}

/** True when partition p is available in ctx (undefined `available` = all are). */
export function isAvailable(ctx: PartitionContext, p: number): boolean {
  const a = normalizedAvailable(ctx);
  if (a === null) return true;
  // Normalized `available` is strictly ascending: binary search.
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid]!;
    if (v === p) return true;
    if (v < p) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Java `Utils.toPositive(ThreadLocalRandom.current().nextInt())`: a uniform int in [0, 2^31). */
export function randomInt31(random: RandomSource): number {
  return Math.floor(random() * 0x80000000) & 0x7fffffff;
}

/** librdkafka `rd_jitter(0, n - 1)`: uniform int in [0, n). */
export function randomBelow(random: RandomSource, n: number): number {
  const r = Math.floor(random() * n);
  return r >= n ? n - 1 : r;
}

/** Scores for the weighted composite strategy: 1 on `p`, 0 elsewhere. */
export function oneHot(partitionCount: number, p: number): Float64Array {
  const s = new Float64Array(partitionCount);
  if (p >= 0 && p < partitionCount) s[p] = 1;
  return s;
}

/** Scores that express "no preference among available partitions": 1 on each available, 0 elsewhere. */
export function availabilityScores(ctx: PartitionContext): Float64Array {
  const s = new Float64Array(ctx.partitionCount);
  const a = availableOrNull(ctx);
  if (a === null) s.fill(1);
  else for (const p of a) if (p >= 0 && p < ctx.partitionCount) s[p] = 1;
  return s;
}

/** Reads a numeric option (from StrategyOptions or a spec argument); UsageError when present but invalid. */
export function numberOption(
  options: Readonly<Record<string, unknown>>,
  name: string,
  fallback: number,
  min: number,
  integer = false,
): number {
  const raw = options[name];
  if (raw === undefined || raw === null) return fallback;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `strategy option ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(raw)}`,
      'E_STRATEGY_OPTION',
    );
  }
  return n;
}

export function booleanOption(
  options: Readonly<Record<string, unknown>>,
  name: string,
  fallback: boolean,
): boolean {
  const raw = options[name];
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new UsageError(
    `strategy option ${name} must be true or false, got ${JSON.stringify(raw)}`,
    'E_STRATEGY_OPTION',
  );
}

export function randomOption(options: Readonly<Record<string, unknown>>): RandomSource {
  const r = options['random'];
  if (r === undefined || r === null) return Math.random;
  if (typeof r !== 'function')
    throw new UsageError('strategy option random must be a function returning [0, 1)', 'E_STRATEGY_OPTION');
  return r as RandomSource;
}

/** Throws UsageError when a strategy that takes no spec arguments got some. */
export function noArgs(name: string, args: readonly string[]): void {
  if (args.length > 0)
    throw new UsageError(`strategy "${name}" takes no arguments, got "${args.join(':')}"`, 'E_STRATEGY');
}

/** Topic key for per-topic state (Java keeps sticky state per topic). */
export function topicKey(ctx: PartitionContext): string {
  return ctx.topic ?? '';
}
