// String keys are hashed without encoding them (murmur2 streams UTF-8 from code points): for every string,
// including lone surrogates (which TextEncoder / Buffer.from write as U+FFFD), hashing the string equals
// hashing its UTF-8 bytes, for all three algorithms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32, fnv1a, murmur2, partitionForKey } from '../../src/hash/index.js';

const enc = new TextEncoder();

test('property: murmur2/fnv1a/crc32 of a string equal those of its UTF-8 bytes', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.string({ maxLength: 40 }),
      ),
      (s) => {
        const bytes = enc.encode(s);
        assert.equal(murmur2(s), murmur2(bytes), JSON.stringify(s));
        assert.equal(fnv1a(s), fnv1a(bytes));
        assert.equal(crc32(s), crc32(bytes));
      },
    ),
    { numRuns: 3000 },
  );
});

test('murmur2 of mixed ASCII / non-ASCII strings at every block offset', () => {
  for (let pre = 0; pre < 9; pre++) {
    for (const tail of ['ü', '東', '😀', '\ud800', '\udc00x', 'a\u07ff\u0800']) {
      const s = 'k'.repeat(pre) + tail + 'z'.repeat(pre % 4);
      assert.equal(murmur2(s), murmur2(Buffer.from(s)), JSON.stringify(s));
      assert.equal(partitionForKey(s, 97), partitionForKey(Buffer.from(s), 97));
    }
  }
});
