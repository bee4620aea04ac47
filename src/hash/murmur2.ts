/**
 * Kafka's murmur2, exactly as Java `org.apache.kafka.common.utils.Utils.murmur2(byte[])` and librdkafka's
 * `rd_murmur2` compute it: seed 0x9747b28c, m = 0x5bd1e995, r = 24, h = seed ^ length, little-endian 4-byte
 * blocks, tail bytes, final mix. Returns Java's signed 32-bit int.
 *
 * ASCII strings are hashed straight from charCodeAt (their UTF-8 bytes), skipping the encoder: that is the
 * hot path for string keys and why kpart is far faster than KafkaJS (which builds a Buffer per key).
 */
import { isAscii, keyBytes } from './bytes.js';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

function murmur2Bytes(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocks = length & ~3;
  let i = 0;
  for (; i < blocks; i += 4) {
    let k = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3; // Java's switch with fall-through over the tail bytes
  if (rest === 3) h ^= data[i + 2]! << 16;
  if (rest >= 2) h ^= data[i + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[i]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

function murmur2Ascii(s: string): number {
  const length = s.length;
  let h = SEED ^ length;
  const blocks = length & ~3;
  let i = 0;
  for (; i < blocks; i += 4) {
    let k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= s.charCodeAt(i + 2) << 16;
  if (rest >= 2) h ^= s.charCodeAt(i + 1) << 8;
  if (rest >= 1) h = Math.imul(h ^ s.charCodeAt(i), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java `Utils.murmur2`: signed 32-bit hash of the key's bytes (strings as UTF-8). */
export function murmur2(key: string | Uint8Array): number {
  if (typeof key === 'string') return isAscii(key) ? murmur2Ascii(key) : murmur2Bytes(keyBytes(key));
  return murmur2Bytes(key);
}

/** Java `Utils.toPositive`: a sign-bit mask, not Math.abs (so -1 maps to 0x7fffffff, not 1). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
