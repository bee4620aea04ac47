/**
 * CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) as librdkafka's `rd_crc32` used by its `consistent`
 * partitioner: `crc32(key) % partition_cnt` on the unsigned value. Table-driven, one byte at a time.
 */
import { isAscii, utf8At, utf8Count, type KeyInput } from './bytes.js';

const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** Unsigned 32-bit CRC-32 of the key's bytes (strings as UTF-8); a null/undefined key is zero bytes (→ 0). */
export function crc32(key: KeyInput): number {
  if (key == null) return 0;
  let c = -1;
  if (typeof key === 'string' && isAscii(key)) {
    for (let i = 0; i < key.length; i++) c = TABLE[(c ^ key.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  } else if (typeof key === 'string') {
    // Non-ASCII string: stream its UTF-8 bytes, no allocation.
    for (let i = 0; i < key.length; i++) {
      let b = utf8At(key, i);
      const n = utf8Count(b);
      if (n === 4) i++;
      for (let j = 0; j < n; j++, b >>>= 8) c = TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
    }
  } else {
    for (let i = 0; i < key.length; i++) c = TABLE[(c ^ key[i]!) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ -1) >>> 0;
}
