/**
 * FNV-1a 32-bit as librdkafka's `rd_fnv1a` (offset basis 0x811c9dc5, prime 0x01000193), returned as a
 * signed 32-bit int. librdkafka's `fnv1a` partitioner then takes abs() of it before the modulo (Sarama's
 * hash partitioner does the same) — see `fnv1aPartition`.
 */
import { isAscii, utf8At, utf8Count, type KeyInput } from './bytes.js';

const OFFSET = 0x811c9dc5 | 0;
const PRIME = 0x01000193;

/** A null/undefined key hashes as zero bytes (librdkafka `rd_fnv1a(NULL, 0)`). */
export function fnv1a(key: KeyInput): number {
  let h = OFFSET;
  if (key == null) return h;
  if (typeof key === 'string' && isAscii(key)) {
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), PRIME);
    return h | 0;
  }
  if (typeof key === 'string') {
    // Non-ASCII string: stream its UTF-8 bytes, no allocation.
    for (let i = 0; i < key.length; i++) {
      let b = utf8At(key, i);
      const n = utf8Count(b);
      if (n === 4) i++;
      for (let j = 0; j < n; j++, b >>>= 8) h = Math.imul(h ^ (b & 0xff), PRIME);
    }
    return h | 0;
  }
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, PRIME);
  return h | 0;
}

/** librdkafka `rd_kafka_msg_partitioner_fnv1a`: abs(int32 hash) % n. abs(INT32_MIN) stays INT32_MIN in C;
 * its modulo is taken on the negative value's magnitude, which Math.abs reproduces exactly in doubles. */
export function fnv1aPartition(hash: number, partitionCount: number): number {
  return Math.abs(hash) % partitionCount;
}
