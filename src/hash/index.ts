/**
 * Byte-exact Kafka key hashing. `partitionForKey` applies each algorithm's own reduction to a partition:
 *   murmur2: (murmur2(key) & 0x7fffffff) % n      Java BuiltInPartitioner.partitionForKey / librdkafka murmur2
 *   fnv1a:   abs(int32 fnv1a(key)) % n            librdkafka fnv1a (Sarama-compatible)
 *   crc32:   crc32(key) % n (unsigned)            librdkafka consistent
 */
import { UsageError } from '../errors.js';
import { crc32 } from './crc32.js';
import { fnv1a, fnv1aPartition } from './fnv1a.js';
import { murmur2, toPositive } from './murmur2.js';
import type { KeyInput } from './bytes.js';

export { murmur2, murmur2Range, toPositive } from './murmur2.js';
export { fnv1a } from './fnv1a.js';
export { crc32 } from './crc32.js';
export { keyBytes, type KeyInput } from './bytes.js';

/** Hash algorithms; `consistent` is librdkafka's name for crc32 and is accepted as an alias. */
export const HashAlgorithm = {
  murmur2: 'murmur2',
  fnv1a: 'fnv1a',
  crc32: 'crc32',
  consistent: 'consistent',
} as const;
export type HashAlgorithm = (typeof HashAlgorithm)[keyof typeof HashAlgorithm];

/**
 * Partition of a key under `algorithm`, exactly as Java/librdkafka place it. A null/undefined key is hashed
 * as zero bytes, which is where librdkafka's murmur2/fnv1a/consistent partitioners put null keys.
 */
export function partitionForKey(
  key: KeyInput,
  partitionCount: number,
  algorithm: HashAlgorithm = 'murmur2',
): number {
  if (!(Number.isInteger(partitionCount) && partitionCount > 0)) {
    throw new UsageError(`partition count must be a positive integer, got ${partitionCount}`, 'E_PARTITIONS');
  }
  switch (algorithm) {
    case 'murmur2':
      return toPositive(murmur2(key)) % partitionCount;
    case 'fnv1a':
      return fnv1aPartition(fnv1a(key), partitionCount);
    case 'crc32':
    case 'consistent':
      return crc32(key) % partitionCount;
    default:
      throw new UsageError(`unknown hash algorithm "${String(algorithm)}"`, 'E_ALGORITHM');
  }
}
