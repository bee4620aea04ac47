import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LoadAwarePartitioner } from '../../src/partitioners/load-aware.js';
import { CircuitBreaker } from '../../src/partitioners/circuit-breaker.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { partitionForKey } from '../../src/hash/index.js';
import { counts } from './routing-helpers.js';
import { seeded } from '../support/prng.js';

const pick = (
  la: LoadAwarePartitioner,
  n: number,
  times: number,
  now: number,
  available?: number[],
): number[] =>
  Array.from({ length: times }, () => la.partition({ key: null }, { partitionCount: n, now, available }));

test('p2c never picks the single most loaded partition and favours lightly loaded ones', () => {
  const la = new LoadAwarePartitioner({ random: seeded(1) });
  la.updateLoad([1000, 10, 10, 10, 500, 10], 0);
  const c = counts(6, pick(la, 6, 6000, 0));
  assert.equal(c[0], 0);
  assert.ok(c[4]! < c[1]! / 2, `loaded partition 4 got ${c[4]} vs ${c[1]}`);
});

test('p2c with a fixed signal: the i-th least loaded of m gets 2(m-i)/(m(m-1)) of the records', () => {
  const la = new LoadAwarePartitioner({ random: seeded(11) });
  la.updateLoad([400, 0, 300, 100, 200], 0); // ranks: p1, p3, p4, p2, p0
  const total = 20_000;
  const c = counts(5, pick(la, 5, total, 0));
  const byRank = [1, 3, 4, 2, 0];
  byRank.forEach((p, i) => {
    const want = (2 * (5 - (i + 1))) / (5 * 4);
    assert.ok(
      Math.abs(c[p]! / total - want) < 0.015,
      `rank ${i + 1} (partition ${p}): ${c[p]! / total} vs ${want}`,
    );
  });
});

test('weighted selection: shares follow inverse load', () => {
  const la = new LoadAwarePartitioner({ selection: 'weighted', random: seeded(2) });
  la.updateLoad([300, 0, 0], 0); // mean 100: weights 1/(1+3)=0.25, 1, 1
  const c = counts(3, pick(la, 3, 9000, 0));
  const share0 = c[0]! / 9000;
  assert.ok(Math.abs(share0 - 0.25 / 2.25) < 0.02, `share ${share0}`);
});

test('no signal: uniform spread over the available partitions only', () => {
  const la = new LoadAwarePartitioner({ random: seeded(3) });
  const c = counts(8, pick(la, 8, 8000, 0, [1, 3, 5, 7]));
  for (const p of [0, 2, 4, 6]) assert.equal(c[p], 0);
  for (const p of [1, 3, 5, 7]) assert.ok(c[p]! > 1700 && c[p]! < 2300, `partition ${p}: ${c[p]}`);
});

test('stale signals decay toward neutral with the configured half-life', () => {
  const la = new LoadAwarePartitioner({ halfLifeMs: 1000, neutral: 10 });
  la.updateLoad(new Map([[0, 170]]), 5000);
  assert.equal(la.effectiveLoad(0, 5000), 170);
  assert.ok(Math.abs(la.effectiveLoad(0, 6000) - 90) < 1e-9);
  assert.ok(Math.abs(la.effectiveLoad(0, 7000) - 50) < 1e-9);
  assert.equal(la.effectiveLoad(1, 7000), 10);
  const s = la.stats(7000, 2);
  assert.deepEqual(
    s.loads.map((x) => Math.round(x)),
    [50, 10],
  );
  assert.equal(s.partitions[0]!.raw, 170);
  assert.equal(s.partitions[0]!.updatedAt, 5000);
});

test('property: decay is monotone toward neutral and never overshoots', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.integer({ min: 1, max: 1e6 }),
      fc.array(fc.integer({ min: 0, max: 1e7 }), { minLength: 2, maxLength: 6 }),
      (raw, neutral, half, ages) => {
        const la = new LoadAwarePartitioner({ halfLifeMs: half, neutral });
        assert.equal(la.neutralLevel(), neutral);
        la.updateLoad([raw], 0);
        const sorted = [...ages].sort((a, b) => a - b);
        let prev = Math.abs(raw - neutral);
        for (const age of sorted) {
          const d = Math.abs(la.effectiveLoad(0, age) - neutral);
          assert.ok(d <= prev + 1e-6 * Math.max(1, prev));
          prev = d;
        }
      },
    ),
    { numRuns: 200 },
  );
});

test("default neutral is the readings' mean: differences from it decay", () => {
  const la = new LoadAwarePartitioner({ halfLifeMs: 1000 });
  la.updateLoad([100, 300], 0);
  assert.equal(la.neutralLevel(), 200);
  assert.equal(la.effectiveLoad(0, 1000), 150);
  assert.equal(la.effectiveLoad(1, 1000), 250);
  assert.equal(la.effectiveLoad(5, 1000), 200);
});

test('after decay the spread returns to even (a silent metrics source stops steering)', () => {
  const la = new LoadAwarePartitioner({ halfLifeMs: 100, random: seeded(4) });
  la.updateLoad([1e6, 0, 0, 0], 0);
  assert.equal(counts(4, pick(la, 4, 2000, 0))[0], 0);
  const later = counts(4, pick(la, 4, 8000, 100 * 60)); // 60 half-lives: 1e6 → ~1e-12
  for (const x of later) assert.ok(x > 1700 && x < 2300, `count ${x}`);
});

test('circuit breaker excludes a hot partition, then restores it after recovery', () => {
  const la = new LoadAwarePartitioner({
    breaker: { threshold: 100, recoveryMs: 1000 },
    halfLifeMs: 1e9,
    random: seeded(5),
  });
  la.updateLoad([0, 150, 0, 0], 0);
  assert.deepEqual(la.stats(0).excluded, [1]);
  assert.equal(counts(4, pick(la, 4, 4000, 10))[1], 0);
  la.updateLoad([20, 20, 20, 20], 500);
  assert.equal(counts(4, pick(la, 4, 4000, 900))[1], 0, 'still open before the recovery period ends');
  const after = counts(4, pick(la, 4, 4000, 1000));
  assert.ok(after[1]! > 500, `restored partition got ${after[1]}`);
  assert.equal(la.stats(1000).excluded.length, 0);
  assert.equal(la.breaker!.restores, 1);
});

test('a stale high reading that decays below the threshold lets a half-open partition close', () => {
  const la = new LoadAwarePartitioner({
    breaker: new CircuitBreaker({ threshold: 100, recoveryMs: 1000 }),
    halfLifeMs: 200,
    neutral: 0,
  });
  la.updateLoad([0, 400], 0);
  pick(la, 2, 1, 1500); // refresh at 1500: decayed 400 · 2^-7.5 ≈ 2 → closes
  assert.equal(la.breaker!.stateOf(1, 1500), 'closed');
});

test('never excludes every partition: falls back to the least loaded one', () => {
  const la = new LoadAwarePartitioner({
    breaker: { threshold: 10, recoveryMs: 1e6 },
    halfLifeMs: 1e9,
    random: seeded(6),
  });
  la.updateLoad([50, 30, 40], 0);
  assert.deepEqual(la.stats(1).excluded, [0, 1, 2]);
  assert.deepEqual([...new Set(pick(la, 3, 100, 1))], [1]);
  // With availability: least loaded among the available ones.
  assert.deepEqual([...new Set(pick(la, 3, 100, 1, [0, 2]))], [2]);
});

test('keyed policies: hash keeps Java placement, avoid-excluded re-hashes off excluded partitions, steer ignores keys', () => {
  const opts = { breaker: { threshold: 100, recoveryMs: 1e6 }, halfLifeMs: 1e9, random: seeded(7) } as const;
  const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
  const hash = new LoadAwarePartitioner({ ...opts });
  const avoid = new LoadAwarePartitioner({ ...opts, keyed: 'avoid-excluded' });
  const steer = new LoadAwarePartitioner({ ...opts, keyed: 'steer' });
  for (const la of [hash, avoid, steer]) la.updateLoad([500, 0, 0, 0, 0, 0], 0);
  const ctx = { partitionCount: 6, now: 1 };
  for (const key of keys) {
    const java = partitionForKey(key, 6);
    assert.equal(hash.partition({ key }, ctx), java);
    const a = avoid.partition({ key }, ctx);
    if (java !== 0) assert.equal(a, java);
    else assert.notEqual(a, 0);
    assert.equal(avoid.partition({ key }, ctx), a, 'avoid-excluded stays deterministic per key');
    assert.notEqual(steer.partition({ key }, ctx), 0);
  }
});

test('property: always in range and on an available partition, whatever the loads', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 64 }),
      fc.array(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(NaN), fc.constant(-1)), {
        maxLength: 70,
      }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.constantFrom('p2c', 'weighted'),
      (n, loads, seed, selection) => {
        const la = new LoadAwarePartitioner({
          selection: selection as 'p2c' | 'weighted',
          random: seeded(seed),
          breaker: { threshold: 5e5, recoveryMs: 100 },
        });
        la.updateLoad(loads, 0);
        const available = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1);
        for (let t = 0; t < 20; t++) {
          const p = la.partition({ key: null }, { partitionCount: n, now: t * 10, available });
          assert.ok(Number.isInteger(p) && p >= 0 && p < n);
          if (available.length > 0) assert.ok(available.includes(p));
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('updateLoad: rejects bad readings, keeps newer readings, grows for new partitions', () => {
  const la = new LoadAwarePartitioner();
  la.updateLoad([5, -1, NaN], 100);
  la.updateLoad(new Map([[0, 99]]), 50); // older than the stored reading: ignored
  la.updateLoad(new Map([[40, 7]]), 100);
  const s = la.stats(100);
  assert.equal(s.rejected, 2);
  assert.equal(s.partitionCount, 41);
  assert.equal(s.partitions[0]!.raw, 5);
  assert.equal(s.partitions[1]!.raw, undefined);
  assert.equal(s.loads[40], 7);
  assert.throws(() => la.updateLoad([1], NaN), { code: 'E_STRATEGY_OPTION' });
  la.updateLoad(Float64Array.from([1, 2, 3]) as unknown as number[], 200);
  assert.deepEqual(la.stats(200, 3).loads, [1, 2, 3]);
  assert.throws(() => new LoadAwarePartitioner().partition({ key: null }, { partitionCount: 0 }), {
    code: 'E_PARTITIONS',
  });
});

test('registry spec: load-aware:weighted:threshold=100:recovery=500 builds a breaker', () => {
  const la = createStrategy(
    'load-aware:weighted:threshold=100:recovery=500:half-life=1000',
  ) as LoadAwarePartitioner;
  assert.ok(la instanceof LoadAwarePartitioner);
  assert.equal(la.selection, 'weighted');
  assert.equal(la.halfLifeMs, 1000);
  assert.equal(la.breaker?.recoveryMs, 500);
  assert.throws(() => createStrategy('load-aware:fastest'), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => createStrategy('load-aware:threshold=abc'), { code: 'E_STRATEGY_OPTION' });
  const s = la.score({ key: null }, { partitionCount: 3, now: 0 });
  assert.deepEqual([...s], [1, 1, 1]);
});
