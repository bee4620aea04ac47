/**
 * librdkafka's built-in partitioners, by their `partitioner` config names, with librdkafka's exact null and
 * empty key rules (src/rdkafka_msg.c, `rd_kafka_msg_partitioner_*`, and `rd_kafka_msg_partitioner()`):
 *
 *   name               keyed                     empty key ("")       null key
 *   random             random                    random               sticky (or random when linger 0)
 *   consistent         crc32 % n                 crc32("") % n = 0    crc32("") % n = 0   (single partition)
 *   consistent_random  crc32 % n                 sticky / random      sticky / random
 *   murmur2            murmur2 & 0x7fffffff % n  hashed               murmur2("") (single partition)
 *   murmur2_random     murmur2 & 0x7fffffff % n  hashed               sticky / random
 *   fnv1a              abs(fnv1a) % n            hashed               fnv1a("") (single partition)
 *   fnv1a_random       abs(fnv1a) % n            hashed               sticky / random
 *
 * "sticky": since librdkafka 1.5, `sticky.partitioning.linger.ms` (default 10, 0 = off) makes every record
 * that would be partitioned randomly (null key; also an empty key under consistent_random) stick to one
 * randomly chosen partition for that many milliseconds (`rd_kafka_msg_sticky_partition`). rdkafka_topic.c
 * disables it for the three "single partition" partitioners (consistent, murmur2, fnv1a), where a null key is
 * hashed as zero bytes. The sticky partition is re-drawn early when it becomes unavailable.
 *
 * `random` (`rd_kafka_msg_partitioner_random`) draws over *all* partitions and, when the draw is unavailable,
 * draws once more (and keeps the second draw whatever it is): reproduced exactly.
 */
import { crc32 } from '../hash/crc32.js';
import { fnv1a, fnv1aPartition } from '../hash/fnv1a.js';
import { murmur2 } from '../hash/murmur2.js';
import {
  availabilityScores,
  checkPartitionCount,
  explicitPartition,
  isAvailable,
  isNullKey,
  oneHot,
  randomBelow,
  topicKey,
  type RandomSource,
} from './common.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

export const LibrdkafkaPartitionerName = {
  random: 'random',
  consistent: 'consistent',
  consistent_random: 'consistent_random',
  murmur2: 'murmur2',
  murmur2_random: 'murmur2_random',
  fnv1a: 'fnv1a',
  fnv1a_random: 'fnv1a_random',
} as const;
export type LibrdkafkaPartitionerName =
  (typeof LibrdkafkaPartitionerName)[keyof typeof LibrdkafkaPartitionerName];

export interface LibrdkafkaOptions {
  /** librdkafka `sticky.partitioning.linger.ms`: default 10; 0 turns keyless stickiness off (random per record). */
  stickyLingerMs?: number;
  /** Uniform [0, 1) source for random draws (default Math.random). */
  random?: RandomSource;
}

const EMPTY = new Uint8Array(0);

/** librdkafka's "single partition" partitioners hash a null key as zero bytes and never go random. */
const HASHES_NULL = new Set<string>(['consistent', 'murmur2', 'fnv1a']);

interface StickyState {
  partition: number;
  /** ms at which the sticky partition was chosen; -Infinity = never. */
  chosenAt: number;
}

const murmur2Partition = (key: string | Uint8Array, n: number): number => (murmur2(key) & 0x7fffffff) % n;
const fnv1aKeyPartition = (key: string | Uint8Array, n: number): number => fnv1aPartition(fnv1a(key), n);
const crc32Partition = (key: string | Uint8Array, n: number): number => crc32(key) % n;

function hashPartition(algo: 'crc32' | 'murmur2' | 'fnv1a', key: string | Uint8Array, n: number): number {
  switch (algo) {
    case 'crc32':
      return crc32(key) % n;
    case 'murmur2':
      return (murmur2(key) & 0x7fffffff) % n;
    case 'fnv1a':
      return fnv1aPartition(fnv1a(key), n);
  }
}

export class LibrdkafkaPartitioner implements Partitioner {
  readonly name: LibrdkafkaPartitionerName;
  private readonly algo: 'crc32' | 'murmur2' | 'fnv1a' | null;
  /** rdkafka_topic.c `rkt_conf.random_partitioner`: true = never use the sticky path. */
  private readonly randomPartitioner: boolean;
  private readonly lingerMs: number;
  private readonly random: RandomSource;
  private readonly sticky = new Map<string, StickyState>();
  /** The keyed rule as a direct function (null for `random`), so the hot path is one call. */
  private readonly hash: ((key: string | Uint8Array, n: number) => number) | null;

  constructor(name: LibrdkafkaPartitionerName, options: LibrdkafkaOptions = {}) {
    this.name = name;
    this.algo =
      name === 'random'
        ? null
        : name.startsWith('consistent')
          ? 'crc32'
          : name.startsWith('murmur2')
            ? 'murmur2'
            : 'fnv1a';
    this.lingerMs = options.stickyLingerMs ?? 10;
    if (!(this.lingerMs >= 0)) throw new RangeError(`stickyLingerMs must be >= 0, got ${this.lingerMs}`);
    this.random = options.random ?? Math.random;
    this.randomPartitioner = !(this.lingerMs > 0) || HASHES_NULL.has(name);
    this.hash =
      this.algo === 'murmur2'
        ? murmur2Partition
        : this.algo === 'fnv1a'
          ? fnv1aKeyPartition
          : this.algo === 'crc32'
            ? crc32Partition
            : null;
  }

  /** Whether this record takes the keyless (random or sticky) path rather than a hash. */
  private goesRandom(key: RecordInfo['key']): boolean {
    switch (this.name) {
      case 'random':
        return true;
      case 'consistent':
      case 'murmur2':
      case 'fnv1a':
        return false;
      case 'consistent_random':
        // `if (keylen == 0)`: null and empty keys alike.
        return isNullKey(key) || key.length === 0;
      default:
        // murmur2_random / fnv1a_random: `if (!key)`: only a null key; an empty key is hashed.
        return isNullKey(key);
    }
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    if (record.partition !== undefined) {
      const explicit = explicitPartition(record, ctx);
      if (explicit >= 0) return explicit;
    }
    const n = ctx.partitionCount;
    if (!(n > 0 && n <= 0x7fffffff && (n | 0) === n)) checkPartitionCount(n);
    const key = record.key;
    // Hot path: a non-empty key under a hashing partitioner (every name but `random`).
    if (this.hash !== null && key !== null && key !== undefined && key.length > 0) return this.hash(key, n);
    if (!this.goesRandom(key)) return hashPartition(this.algo!, isNullKey(key) ? EMPTY : key, n);
    // rd_kafka_msg_partitioner(): `!random_partitioner && (!key || (keylen == 0 && consistent_random))`.
    // For `random` a non-null key goes to the random partitioner per record, never sticky.
    const keyless = isNullKey(key) || (this.name === 'consistent_random' && key.length === 0);
    if (!this.randomPartitioner && keyless) return this.stickyPartition(ctx);
    return this.randomPartition(ctx);
  }

  /** `rd_kafka_msg_partitioner_random`: one draw over all partitions, a second one if it is unavailable. */
  private randomPartition(ctx: PartitionContext): number {
    const n = ctx.partitionCount;
    const p = randomBelow(this.random, n);
    if (!isAvailable(ctx, p)) return randomBelow(this.random, n);
    return p;
  }

  /** `rd_kafka_msg_sticky_partition`: keep the partition for `lingerMs`, re-draw early when unavailable. */
  private stickyPartition(ctx: PartitionContext): number {
    const now = ctx.now ?? Date.now();
    const topic = topicKey(ctx);
    let s = this.sticky.get(topic);
    if (s === undefined) {
      s = { partition: -1, chosenAt: -Infinity };
      this.sticky.set(topic, s);
    }
    const expired = now - s.chosenAt >= this.lingerMs;
    if (expired || s.partition < 0 || s.partition >= ctx.partitionCount || !isAvailable(ctx, s.partition)) {
      s.partition = this.randomPartition(ctx);
      s.chosenAt = now;
    }
    return s.partition;
  }

  /** Keyed/hashed records: 1 on their partition. Random/sticky records: no preference among available ones. */
  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return oneHot(ctx.partitionCount, explicit);
    checkPartitionCount(ctx.partitionCount);
    const key = record.key;
    if (this.goesRandom(key)) return availabilityScores(ctx);
    return oneHot(
      ctx.partitionCount,
      hashPartition(this.algo!, isNullKey(key) ? EMPTY : key, ctx.partitionCount),
    );
  }
}

export function librdkafkaPartitioner(
  name: LibrdkafkaPartitionerName,
  options: LibrdkafkaOptions = {},
): LibrdkafkaPartitioner {
  return new LibrdkafkaPartitioner(name, options);
}
