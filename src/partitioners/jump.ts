/**
 * Repartition-stable hashing: jump consistent hash (Lamport & Veach, "A Fast, Minimal Memory, Consistent
 * Hash Algorithm", 2014). When a topic grows from N to M partitions, a key moves only if its new bucket is one
 * of the added ones — an expected (M − N) / M of the keys — while murmur2 % n moves almost all of them when
 * M is not a multiple of N (12 → 13: ~92 %).
 *
 * Exact variant (so a Java service can reproduce placements): Guava's
 * `com.google.common.hash.Hashing.consistentHash(long input, int buckets)` with its
 * `LinearCongruentialGenerator`: state = 2862933555777941757 · state + 1 (mod 2^64);
 * nextDouble = ((int)(state >>> 33) + 1) / 2^31; candidate' = (int)((candidate + 1) / nextDouble), accepted while
 * in [0, buckets). This is the paper's loop with the division written as Guava writes it (one rounding).
 * The 64-bit input is the key's Java murmur2 read as an unsigned 32-bit value (hi = 0), i.e. in Java
 *   Hashing.consistentHash(Integer.toUnsignedLong(Utils.murmur2(keyBytes)), numPartitions)
 * Checked against Guava's own golden values (HashingTest.testConsistentHash_linearCongruentialGeneratorCompatibility).
 *
 * The 64-bit LCG runs on two uint32 halves without BigInt: the low×low product is split into 16-bit limbs
 * so every partial product stays below 2^53; cross terms only matter mod 2^32 (Math.imul).
 */
import { UsageError } from '../errors.js';
import { murmur2 } from '../hash/index.js';
import { checkPartitionCount, explicitPartition, isNullKey, oneHot } from './common.js';
import { fallbackOption } from './routing-common.js';
import { validateFor, type Partitioner, type PartitionContext, type RecordInfo } from './types.js';

const C_HI = 0x27bb2ee6; // 2862933555777941757 = 0x27BB2EE6_87B0B0FD
const C_LO = 0x87b0b0fd;
const C_LO_0 = C_LO & 0xffff;
const C_LO_1 = C_LO >>> 16;
const TWO_31 = 2147483648;
const TWO_32 = 4294967296;

/**
 * Guava `Hashing.consistentHash(long, int)` for the 64-bit input (hi:lo as uint32 halves). Returns a bucket in
 * [0, buckets).
 */
export function jumpHash64(hi: number, lo: number, buckets: number): number {
  if (!(Number.isInteger(buckets) && buckets > 0 && buckets <= 0x7fffffff)) {
    throw new UsageError(
      `jump hash: buckets must be a positive 32-bit integer, got ${buckets}`,
      'E_PARTITIONS',
    );
  }
  let h = hi >>> 0;
  let l = lo >>> 0;
  let candidate = 0;
  for (;;) {
    // state = state * C + 1 (mod 2^64)
    const a0 = l & 0xffff;
    const a1 = l >>> 16;
    const mid = a1 * C_LO_0 + a0 * C_LO_1; // < 2^33
    const low = a0 * C_LO_0 + (mid % 65536) * 65536; // < 2^33
    const newLo = low % TWO_32;
    const carry = (low - newLo) / TWO_32;
    const high = a1 * C_LO_1 + Math.floor(mid / 65536) + carry + Math.imul(h, C_LO) + Math.imul(l, C_HI);
    h = high >>> 0; // ToUint32 reduces mod 2^32
    l = newLo + 1;
    if (l === TWO_32) {
      l = 0;
      h = (h + 1) >>> 0;
    }
    const nextDouble = ((h >>> 1) + 1) / TWO_31; // (int)(state >>> 33) + 1, over 2^31
    const next = Math.floor((candidate + 1) / nextDouble);
    if (next >= 0 && next < buckets) candidate = next;
    else return candidate;
  }
}

/** Jump bucket of a key: Guava consistentHash over the key's murmur2 as an unsigned 32-bit long. */
export function jumpPartition(key: string | Uint8Array, partitionCount: number): number {
  return jumpHash64(0, murmur2(key) >>> 0, partitionCount);
}

export interface JumpOptions {
  /** Keyless records (default: round-robin over available partitions). */
  fallback?: Partitioner | undefined;
  name?: string | undefined;
}

export class JumpPartitioner implements Partitioner {
  readonly name: string;
  private readonly fallback: Partitioner;
  constructor(options: JumpOptions = {}) {
    this.name = options.name ?? 'jump';
    this.fallback = fallbackOption(options.fallback);
  }
  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    if (isNullKey(record.key)) return this.fallback.partition(record, ctx);
    return jumpHash64(0, murmur2(record.key) >>> 0, ctx.partitionCount);
  }
  validate(partitionCount: number): void {
    validateFor(this.fallback, partitionCount);
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return oneHot(ctx.partitionCount, this.partition(record, ctx));
  }
}

/** Places a key on n partitions: a partitioner (called with a keyed record) or a plain function. */
export type KeyPlacement = Partitioner | ((key: string | Uint8Array, partitionCount: number) => number);

export interface KeyMovement {
  keys: number;
  from: number;
  to: number;
  /** Keys whose partition differs between `from` and `to` partitions. */
  moved: number;
  /** moved / keys (0 when there are no keys). */
  share: number;
  /** The least share any placement that stays balanced must move: |to − from| / max(from, to). */
  minimalShare: number;
  /** For growth: how many moved keys landed on an old partition (0 for a consistent scheme like jump). */
  movedBetweenOldPartitions: number;
}

/**
 * Measures how many keys change partition when a topic goes from `from` to `to` partitions under a strategy
 * (e.g. createStrategy('jump') vs createStrategy('murmur2')). Each key is placed twice; keys are not retained.
 */
export function keyMovement(
  keys: Iterable<string | Uint8Array>,
  from: number,
  to: number,
  strategy: KeyPlacement,
): KeyMovement {
  checkPartitionCount(from);
  checkPartitionCount(to);
  const place: (key: string | Uint8Array, n: number) => number =
    typeof strategy === 'function'
      ? strategy
      : (key, n) => strategy.partition({ key }, { partitionCount: n });
  let total = 0;
  let moved = 0;
  let between = 0;
  for (const key of keys) {
    total++;
    const a = place(key, from);
    const b = place(key, to);
    if (a !== b) {
      moved++;
      if (b < from && a < to) between++;
    }
  }
  return {
    keys: total,
    from,
    to,
    moved,
    share: total === 0 ? 0 : moved / total,
    minimalShare: Math.abs(to - from) / Math.max(from, to),
    movedBetweenOldPartitions: between,
  };
}
