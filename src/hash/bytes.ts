/**
 * Key normalisation shared by the hashes. Kafka hashes the serialized key bytes; a JS string key is
 * serialized as UTF-8 (KafkaJS, Java's StringSerializer). Null/undefined means "no key".
 */
export type KeyInput = string | Uint8Array | null | undefined;

const encoder = new TextEncoder();

/** UTF-8 bytes of a key; strings that are pure ASCII skip the encoder. */
export function keyBytes(key: string | Uint8Array): Uint8Array {
  if (typeof key !== 'string') return key;
  return encoder.encode(key);
}

/** True when every UTF-16 unit is < 0x80, so charCodeAt(i) is the i-th UTF-8 byte. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The UTF-8 encoding of the code point starting at s[i], packed little-endian (first byte in the low 8 bits),
 * exactly as TextEncoder writes it (a lone surrogate becomes U+FFFD). The byte count follows from the first
 * byte (`utf8Count`); 4 bytes means a surrogate pair, i.e. two UTF-16 units were consumed. Lets the hashes
 * stream a string's UTF-8 bytes without allocating.
 */
export function utf8At(s: string, i: number): number {
  let c = s.charCodeAt(i);
  if (c < 0x80) return c;
  if (c < 0x800) return 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
  if (c >= 0xd800 && c <= 0xdfff) {
    const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (d >= 0xdc00 && d <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      return (
        (0xf0 |
          (c >> 18) |
          ((0x80 | ((c >> 12) & 0x3f)) << 8) |
          ((0x80 | ((c >> 6) & 0x3f)) << 16) |
          ((0x80 | (c & 0x3f)) << 24)) >>>
        0
      );
    }
    c = 0xfffd;
  }
  return 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
}

/** Number of bytes in a `utf8At` result, from its first byte. */
export function utf8Count(packed: number): number {
  const lead = packed & 0xff;
  return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}
