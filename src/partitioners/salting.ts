/**
 * Key salting for hot keys. A hot key K is written as one of S salted keys "K#0" … "K#(S−1)", placed with Java
 * murmur2 like any key, so its load spreads over up to S partitions instead of one. The salt count per key is
 * deterministic: configured hot keys get S, other keys 1 (unsalted, placed exactly as murmur2 would) — or every
 * key gets S when no hot-key set is configured. The salt of one record is chosen either
 *   - round-robin per key (even spread; per-key order is lost across salts), or
 *   - by a sub-key (a header / value field such as user id): salt = murmur2(subKey) % S, so all records of one
 *     sub-key keep their order on one partition.
 * Consumers aggregate a hot key by reading every salted variant: `saltedKeysFor(K)` lists them,
 * `partitionsFor(K, n)` the partitions they live on, and `unsalt("K#3")` maps a consumed key back to K.
 * Keys must not themselves end in `<separator><digits>` for a hot base key (the separator is configurable).
 */
import { UsageError } from '../errors.js';
import { murmur2, toPositive } from '../hash/index.js';
import { checkPartitionCount, explicitPartition, isNullKey, oneHot } from './common.js';
import { compileSource, fallbackOption } from './routing-common.js';
import { validateFor, type Partitioner, type PartitionContext, type RecordInfo } from './types.js';

// Fatal: a byte key that is not valid UTF-8 has no string form to salt; it is placed by its bytes, unsalted.
const decoder = new TextDecoder('utf-8', { fatal: true });

function keyString(k: string | Uint8Array): string | null {
  if (typeof k === 'string') return k;
  try {
    return decoder.decode(k);
  } catch {
    return null;
  }
}

export const SaltSelector = { roundRobin: 'round-robin', subKey: 'sub-key' } as const;
export type SaltSelector = (typeof SaltSelector)[keyof typeof SaltSelector];

export interface SaltingOptions {
  /** Salts per hot key (S ≥ 1). */
  salts: number;
  /** Keys to salt; absent = every key. A function returns the salt count for a key (1 = not salted). */
  hotKeys?: Iterable<string> | ((key: string) => number) | undefined;
  /** How a record's salt is chosen (default round-robin; sub-key when subKeyField/subKeyHeader is set). */
  selector?: SaltSelector | undefined;
  subKeyField?: string | undefined;
  subKeyHeader?: string | undefined;
  /** Between key and salt (default "#"). */
  separator?: string | undefined;
  /** For keyless records (default: round-robin over available partitions). */
  fallback?: Partitioner | undefined;
  name?: string | undefined;
}

/** Per-key round-robin counters are bounded: beyond this many distinct keys the table restarts. */
const MAX_COUNTERS = 65_536;

export class SaltedPartitioner implements Partitioner {
  readonly name: string;
  readonly salts: number;
  readonly separator: string;
  private readonly hot: ((key: string) => number) | null;
  private readonly readSubKey: ((r: RecordInfo) => string | undefined) | null;
  private readonly counters = new Map<string, number>();
  private readonly fallback: Partitioner;

  constructor(options: SaltingOptions) {
    const { salts, separator = '#' } = options;
    if (!(Number.isInteger(salts) && salts >= 1 && salts <= 1_000_000)) {
      throw new UsageError(
        `salted: salt count must be an integer in [1, 1000000], got ${salts}`,
        'E_STRATEGY',
      );
    }
    if (separator === '' || /\d/.test(separator))
      throw new UsageError('salted: separator must be non-empty and contain no digits', 'E_STRATEGY_OPTION');
    this.salts = salts;
    this.separator = separator;
    this.name = options.name ?? `salted:${salts}`;
    const hk = options.hotKeys;
    if (hk === undefined) this.hot = null;
    else if (typeof hk === 'function') this.hot = hk;
    else {
      const set = new Set(hk);
      this.hot = (k) => (set.has(k) ? salts : 1);
    }
    const wantSub =
      options.selector === 'sub-key' ||
      options.subKeyField !== undefined ||
      options.subKeyHeader !== undefined;
    if (
      options.selector === 'round-robin' &&
      (options.subKeyField !== undefined || options.subKeyHeader !== undefined)
    ) {
      throw new UsageError(
        'salted: a sub-key source was given with selector round-robin',
        'E_STRATEGY_OPTION',
      );
    }
    this.readSubKey = wantSub
      ? compileSource({ field: options.subKeyField, header: options.subKeyHeader })
      : null;
    this.fallback = fallbackOption(options.fallback);
  }

  /** Deterministic salt count of a key: S for hot keys (or all keys when no hot set is configured), else 1. */
  saltCount(key: string): number {
    if (this.hot === null) return this.salts;
    const c = this.hot(key);
    if (!(Number.isInteger(c) && c >= 1))
      throw new UsageError(
        `salted: salt count for "${key}" must be a positive integer, got ${c}`,
        'E_STRATEGY_OPTION',
      );
    return c;
  }

  /** The i-th salted form of a key; a key with salt count 1 is its own (only) form. */
  saltedKey(key: string, salt: number): string {
    return this.saltCount(key) === 1 ? key : `${key}${this.separator}${salt}`;
  }

  /** Every salted key that carries records of `key` — what a consumer must read to see all of them. */
  saltedKeysFor(key: string): string[] {
    const s = this.saltCount(key);
    if (s === 1) return [key];
    return Array.from({ length: s }, (_, i) => `${key}${this.separator}${i}`);
  }

  /** Partitions holding `key`'s records on a topic of `partitionCount` partitions (ascending). */
  partitionsFor(key: string, partitionCount: number): number[] {
    checkPartitionCount(partitionCount);
    const set = new Set(this.saltedKeysFor(key).map((k) => toPositive(murmur2(k)) % partitionCount));
    return [...set].sort((a, b) => a - b);
  }

  /**
   * The original key of a (possibly) salted key: "K#3" → "K" when K is salted with more than 3 salts; any other
   * key is returned unchanged. Inverse of `saltedKey` for keys that do not end in separator+digits themselves.
   */
  unsalt(saltedKey: string): string {
    const at = saltedKey.lastIndexOf(this.separator);
    if (at < 0) return saltedKey;
    const digits = saltedKey.slice(at + this.separator.length);
    if (!/^(0|[1-9]\d{0,6})$/.test(digits)) return saltedKey;
    const base = saltedKey.slice(0, at);
    return Number(digits) < this.saltCount(base) && this.saltCount(base) > 1 ? base : saltedKey;
  }

  /** Salt of the record for its key: by sub-key hash when configured (and present), else per-key round-robin. */
  private saltFor(key: string, count: number, record: RecordInfo): number {
    if (this.readSubKey !== null) {
      const sub = this.readSubKey(record);
      if (sub !== undefined) return toPositive(murmur2(sub)) % count;
    }
    const c = this.counters.get(key) ?? 0;
    if (this.counters.size >= MAX_COUNTERS && c === 0) this.counters.clear();
    this.counters.set(key, (c + 1) % count);
    return c;
  }

  /**
   * Salts one record: the key to send it under (null for keyless records and non-UTF-8 byte keys, which are
   * sent unchanged) and its partition, in one step (the
   * round-robin salt advances once). Producers that rewrite the message key use this; `partition()` alone
   * places the record the same way but leaves the key as it is.
   */
  route(record: RecordInfo, ctx: PartitionContext): { key: string | null; partition: number } {
    checkPartitionCount(ctx.partitionCount);
    const key = this.keyFor(record);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return { key, partition: explicit };
    if (key === null) {
      const k = record.key;
      return {
        key,
        partition: isNullKey(k)
          ? this.fallback.partition(record, ctx)
          : toPositive(murmur2(k)) % ctx.partitionCount,
      };
    }
    return { key, partition: toPositive(murmur2(key)) % ctx.partitionCount };
  }

  private keyFor(record: RecordInfo): string | null {
    const k = record.key;
    if (isNullKey(k)) return null;
    const key = keyString(k);
    if (key === null) return null;
    const count = this.saltCount(key);
    if (count === 1) return key;
    return `${key}${this.separator}${this.saltFor(key, count, record)}`;
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    const k = record.key;
    if (isNullKey(k)) return this.fallback.partition(record, ctx);
    const salted = this.keyFor(record);
    // Byte keys that are not UTF-8 are placed by their exact bytes (murmur2), unsalted.
    return toPositive(murmur2(salted ?? k)) % ctx.partitionCount;
  }

  validate(partitionCount: number): void {
    validateFor(this.fallback, partitionCount);
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return oneHot(ctx.partitionCount, this.partition(record, ctx));
  }
}
