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
