// Every line of ../shared/golden/hash-vectors.jsonl (placements computed by librdkafka itself, see
// ../shared/tools/hash-vectors.c) must match for murmur2, fnv1a and crc32 (librdkafka "consistent"),
// for the key given as bytes and, when it is valid UTF-8, as a JS string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { partitionForKey } from '../../src/hash/index.js';
import { sharedCopy, sharedFile, sharedOriginal } from '../support/shared.js';

const GOLDEN = 'golden/hash-vectors.jsonl';
const path = sharedFile(GOLDEN);
interface Vector {
  key_hex: string;
  partitions: number;
  murmur2: number;
  fnv1a: number;
  consistent: number;
}
const vectors: Vector[] = readFileSync(path, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Vector);
const utf8 = new TextDecoder('utf-8', { fatal: true });

test('golden file is the full 3000-vector set', (t) => {
  assert.equal(vectors.length, 3000);
  t.diagnostic(`read ${path}`);
});

test("the repository's copy of the golden file is byte-identical to ../shared's", (t) => {
  if (!existsSync(sharedOriginal(GOLDEN)))
    return t.skip('no ../shared beside this clone: the copy is the source');
  assert.ok(
    readFileSync(sharedOriginal(GOLDEN)).equals(readFileSync(sharedCopy(GOLDEN))),
    'refresh test/fixtures/shared',
  );
});

for (const algo of ['murmur2', 'fnv1a', 'crc32'] as const) {
  test(`${algo} matches every librdkafka golden vector (bytes and strings)`, () => {
    let strings = 0;
    for (const v of vectors) {
      const bytes = Buffer.from(v.key_hex, 'hex');
      const expected = algo === 'crc32' ? v.consistent : v[algo];
      assert.equal(
        partitionForKey(bytes, v.partitions, algo),
        expected,
        `${algo} bytes ${v.key_hex} % ${v.partitions}`,
      );
      assert.equal(partitionForKey(new Uint8Array(bytes), v.partitions, algo), expected);
      let s: string | undefined;
      try {
        s = utf8.decode(bytes);
      } catch {
        s = undefined;
      }
      if (s !== undefined) {
        strings++;
        assert.equal(
          partitionForKey(s, v.partitions, algo),
          expected,
          `${algo} string ${JSON.stringify(s)} % ${v.partitions}`,
        );
      }
    }
    assert.ok(strings > 1000, 'most vectors are valid UTF-8 and were also checked as strings');
  });
}

test('null and undefined keys hash as zero bytes (librdkafka), matching the golden empty-key placements', () => {
  const empties = vectors.filter((v) => v.key_hex === '');
  assert.ok(empties.length > 0, 'the golden file has empty-key vectors');
  for (const v of empties) {
    for (const key of [null, undefined]) {
      assert.equal(partitionForKey(key, v.partitions, 'murmur2'), v.murmur2);
      assert.equal(partitionForKey(key, v.partitions, 'fnv1a'), v.fnv1a);
      assert.equal(partitionForKey(key, v.partitions, 'crc32'), v.consistent);
    }
  }
});

test('"consistent" is accepted as librdkafka\'s name for crc32', () => {
  for (const v of vectors.slice(0, 200)) {
    assert.equal(partitionForKey(Buffer.from(v.key_hex, 'hex'), v.partitions, 'consistent'), v.consistent);
  }
});
