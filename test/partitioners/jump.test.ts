import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jumpHash64, jumpPartition, JumpPartitioner, keyMovement } from '../../src/partitioners/jump.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { murmur2 } from '../../src/hash/index.js';
import { countArb, keyArb } from './routing-helpers.js';

const split = (v: bigint): [number, number] => {
  const b = BigInt.asUintN(64, v);
  return [Number(b >> 32n), Number(b & 0xffffffffn)];
};

/** Guava Hashing.consistentHash written with BigInt, straight from the Java source, as an independent oracle. */
function guavaReference(input: bigint, buckets: number): number {
  let state = BigInt.asUintN(64, input);
  let candidate = 0;
  for (;;) {
    state = BigInt.asUintN(64, 2862933555777941757n * state + 1n);
    const nextDouble = (Number(state >> 33n) + 1) / 2 ** 31;
    const next = Math.floor((candidate + 1) / nextDouble);
    if (next >= 0 && next < buckets) candidate = next;
    else return candidate;
  }
}

test("matches Guava's golden consistentHash values (HashingTest)", () => {
  const golden100 = [0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83];
  golden100.forEach((want, i) => assert.equal(jumpHash64(0, i, 100), want, `consistentHash(${i}, 100)`));
  const cases: Array<[bigint, number, number]> = [
    [10863919174838991n, 11, 6],
    [2016238256797177309n, 11, 3],
    [1673758223894951030n, 11, 5],
    [2n, 100001, 80343],
    [2201n, 100001, 22152],
    [2202n, 100001, 15018],
  ];
  for (const [input, n, want] of cases) assert.equal(jumpHash64(...split(input), n), want, `${input} % ${n}`);
});

test('32-bit-safe LCG equals the BigInt oracle on random 64-bit inputs', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.integer({ min: 1, max: 1 << 20 }),
      (v, n) => {
        assert.equal(jumpHash64(...split(v), n), guavaReference(v, n));
      },
    ),
    { numRuns: 300 },
  );
});

test('keyed: in range, deterministic, and equal to consistentHash(toUnsignedLong(murmur2(key)))', () => {
  const jump = createStrategy('jump');
  fc.assert(
    fc.property(keyArb, countArb, (key, n) => {
      const p = jump.partition({ key }, { partitionCount: n });
      assert.ok(Number.isInteger(p) && p >= 0 && p < n);
      assert.equal(jump.partition({ key }, { partitionCount: n }), p);
      assert.equal(p, guavaReference(BigInt(murmur2(key) >>> 0), n));
    }),
    { numRuns: 300 },
  );
});

test('growing by one partition moves a key only onto the new partition (consistency)', () => {
  fc.assert(
    fc.property(keyArb, fc.integer({ min: 1, max: 500 }), (key, n) => {
      const a = jumpPartition(key, n);
      const b = jumpPartition(key, n + 1);
      assert.ok(a === b || b === n, `${a} -> ${b} on ${n}->${n + 1}`);
    }),
  );
});

test('keyMovement: jump moves ~(M-N)/M of the keys, murmur2 almost all on 12 -> 13', () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `order-${i}`);
  const j13 = keyMovement(keys, 12, 13, createStrategy('jump'));
  assert.equal(j13.keys, 20_000);
  assert.ok(Math.abs(j13.share - 1 / 13) < 0.01, `jump 12->13 share ${j13.share}`);
  assert.equal(j13.movedBetweenOldPartitions, 0);
  const m13 = keyMovement(keys, 12, 13, (k, n) => (murmur2(k) & 0x7fffffff) % n);
  assert.ok(m13.share > 0.9, `murmur2 12->13 share ${m13.share}`);
  const j24 = keyMovement(keys, 12, 24, new JumpPartitioner());
  assert.ok(Math.abs(j24.share - 0.5) < 0.02);
  assert.equal(j24.movedBetweenOldPartitions, 0);
  assert.equal(j24.minimalShare, 0.5);
  assert.equal(keyMovement([], 3, 4, new JumpPartitioner()).share, 0);
});

test('balanced: 12 partitions each get ~1/12 of 24k keys', () => {
  const c = new Array<number>(12).fill(0);
  for (let i = 0; i < 24_000; i++) c[jumpPartition(`k${i}`, 12)]!++;
  for (const x of c) assert.ok(x > 1700 && x < 2300, `count ${x}`);
});

test('explicit partition wins; keyless records go round-robin over available partitions', () => {
  const jump = createStrategy('jump');
  assert.equal(jump.partition({ key: 'a', partition: 5 }, { partitionCount: 6 }), 5);
  assert.throws(() => jump.partition({ key: 'a', partition: 6 }, { partitionCount: 6 }));
  const got = Array.from({ length: 6 }, () =>
    jump.partition({ key: null }, { partitionCount: 6, available: [1, 4] }),
  );
  assert.deepEqual(got, [1, 4, 1, 4, 1, 4]);
  assert.throws(() => createStrategy('jump:3'), { code: 'E_STRATEGY' });
  assert.throws(() => jump.partition({ key: 'a' }, { partitionCount: 0 }));
});
