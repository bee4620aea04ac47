import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WeightedPartitioner, parseWeightedSpec } from '../../src/partitioners/weighted.js';
import { createStrategy, strategyNames } from '../../src/partitioners/registry.js';
import type { Partitioner } from '../../src/partitioners/types.js';
import { murmur2, toPositive } from '../../src/hash/index.js';

const fixed = (p: number): Partitioner => ({ name: `fixed${p}`, partition: () => p });
const scored = (s: number[]): Partitioner => ({
  name: 'scored',
  partition: () => 0,
  score: () => Float64Array.from(s),
});

test('the heavier vote wins; agreeing lighter votes outweigh a single heavier one', () => {
  const ctx = { partitionCount: 6 };
  assert.equal(
    new WeightedPartitioner([
      { strategy: fixed(1), weight: 0.6 },
      { strategy: fixed(4), weight: 0.4 },
    ]).partition({ key: 'k' }, ctx),
    1,
  );
  const w = new WeightedPartitioner([
    { strategy: fixed(2), weight: 0.4 },
    { strategy: fixed(5), weight: 0.4 },
    { strategy: fixed(5), weight: 0.2 },
  ]);
  assert.equal(w.partition({ key: 'k' }, ctx), 5);
  assert.deepEqual(
    [...w.combinedScores({ key: 'k' }, ctx)].map((x) => Math.round(x * 10) / 10),
    [0, 0, 0.4, 0, 0, 0.6],
  );
});

test('scores are scaled per strategy, so a weight means the same whatever the score range', () => {
  const w = new WeightedPartitioner([
    { strategy: scored([1000, 0, 0]), weight: 0.3 },
    { strategy: scored([0, 0.01, 0]), weight: 0.7 },
  ]);
  assert.equal(w.partition({ key: null }, { partitionCount: 3 }), 1);
});

test('ties are broken deterministically: by key hash for keyed records, round-robin for keyless', () => {
  const w = new WeightedPartitioner([
    { strategy: fixed(1), weight: 1 },
    { strategy: fixed(3), weight: 1 },
  ]);
  const ctx = { partitionCount: 4 };
  for (const key of ['a', 'b', 'c', 'd', 'e']) {
    const want = [1, 3][toPositive(murmur2(key)) % 2];
    assert.equal(w.partition({ key }, ctx), want);
    assert.equal(w.partition({ key }, ctx), want);
  }
  assert.deepEqual(
    Array.from({ length: 4 }, () => w.partition({ key: null }, ctx)),
    [1, 3, 1, 3],
  );
});

test('property: the result maximises the weighted sum of the (one-hot) votes', () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 12 })
        .chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(
              fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.double({ min: 0.01, max: 10, noNaN: true })),
              { minLength: 1, maxLength: 5 },
            ),
          ),
        ),
      fc.string({ maxLength: 8 }),
      ([n, votes], key) => {
        const w = new WeightedPartitioner(votes.map(([p, weight]) => ({ strategy: fixed(p), weight })));
        const got = w.partition({ key }, { partitionCount: n });
        const sums = new Array<number>(n).fill(0);
        for (const [p, weight] of votes) sums[p]! += weight;
        assert.ok(
          sums[got]! >= Math.max(...sums) - 1e-9,
          `chose ${got} with ${sums[got]} < ${Math.max(...sums)}`,
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('spec form: time-window 0.4, hash 0.4, round-robin 0.2 (each consulted once per record)', () => {
  const hash = strategyNames().includes('murmur2') ? 'murmur2' : 'jump';
  const rr = strategyNames().includes('roundrobin') ? 'roundrobin' : 'salted:1';
  const w = createStrategy(`weighted:time-window=0.4,${hash}=0.4,${rr}=0.2`) as WeightedPartitioner;
  assert.equal(w.parts.length, 3);
  assert.deepEqual(
    w.parts.map((p) => p.weight),
    [0.4, 0.4, 0.2],
  );
  const ctx = { partitionCount: 12 };
  for (let i = 0; i < 100; i++) {
    const p = w.partition({ key: `k${i}`, timestamp: 61_000 }, ctx);
    assert.ok(p >= 0 && p < 12);
  }
  // The window's partition and the key's hash agree → that partition wins whatever round-robin says.
  const tw = createStrategy('time-window:60000');
  const h = createStrategy(hash);
  const key = Array.from({ length: 500 }, (_, i) => `x${i}`).find(
    (k) => h.partition({ key: k }, ctx) === tw.partition({ key: k, timestamp: 61_000 }, ctx),
  )!;
  for (let i = 0; i < 12; i++) assert.equal(w.partition({ key, timestamp: 61_000 }, ctx), 1);
  assert.equal(w.partition({ key: 'a', partition: 7 }, ctx), 7);
});

test('options form and errors', () => {
  const w = createStrategy('weighted', {
    parts: [
      { strategy: 'composite:a', weight: 1 },
      { strategy: fixed(2), weight: 0 },
    ],
  });
  assert.ok(w.partition({ value: { a: 'x' } }, { partitionCount: 3 }) >= 0);
  assert.deepEqual(parseWeightedSpec('time-window:1000:2=0.5, jump=1'), [
    { strategy: 'time-window:1000:2', weight: 0.5 },
    { strategy: 'jump', weight: 1 },
  ]);
  assert.throws(() => createStrategy('weighted'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('weighted:jump'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('weighted:jump=-1'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('weighted:jump=0'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('weighted:nosuch=1'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('weighted:weighted:jump=1=1'), { code: 'E_STRATEGY' });
});
