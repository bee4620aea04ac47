// Workloads are seeded and reproducible; Zipf frequencies follow k^-s; specs are validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, ZipfSampler } from '../../src/analysis/prng.js';
import { createWorkload, parseWorkloadSpec } from '../../src/analysis/workloads.js';
import { UsageError } from '../../src/errors.js';

const take = (spec: string, n: number, seed: number, keys = 1000) => {
  const w = createWorkload(spec, { keys, seed });
  return Array.from({ length: n }, () => w.next());
};

test('every workload is reproducible under a seed and differs across seeds', () => {
  for (const spec of ['uniform', 'zipf:1.1', 'hot:3:0.5', 'bursty:10:0.2', 'tenants:5:1.2']) {
    assert.deepEqual(take(spec, 500, 7), take(spec, 500, 7), spec);
    assert.notDeepEqual(
      take(spec, 500, 7).map((r) => r.key),
      take(spec, 500, 8).map((r) => r.key),
      spec,
    );
  }
});

test('Rng: uniform doubles in [0,1) with a sane mean', () => {
  const r = new Rng(1);
  let sum = 0;
  for (let i = 0; i < 100000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 100000 - 0.5) < 0.01);
});

test('Zipf sampler matches P(k) ∝ k^-s (100k keys, seeded so not flaky)', () => {
  for (const s of [0.8, 1, 1.1, 2]) {
    const n = 100_000;
    const z = new ZipfSampler(n, s);
    const rng = new Rng(3);
    const draws = 200_000;
    const freq = new Map<number, number>();
    for (let i = 0; i < draws; i++) {
      const k = z.sample(rng);
      assert.ok(k >= 1 && k <= n);
      freq.set(k, (freq.get(k) ?? 0) + 1);
    }
    let h = 0;
    for (let k = 1; k <= n; k++) h += k ** -s;
    for (const k of [1, 2, 3, 10]) {
      const p = k ** -s / h;
      const expected = p * draws;
      const sd = Math.sqrt(draws * p * (1 - p));
      const got = freq.get(k) ?? 0;
      assert.ok(Math.abs(got - expected) < 5 * sd + 1, `s=${s} k=${k}: ${got} vs ${expected.toFixed(0)}`);
    }
  }
});

test('hot keys take their share; tenants are dominated by the first few', () => {
  const hot = take('hot:2:0.6', 20000, 1, 10000);
  const share = hot.filter((r) => r.key === 'user-1' || r.key === 'user-2').length / hot.length;
  assert.ok(Math.abs(share - 0.6) < 0.02, String(share));
  const ten = take('tenants:10:1.5', 20000, 1, 10000);
  const first = ten.filter((r) => (r.value as { tenant: string }).tenant === 'tenant-01').length / ten.length;
  assert.ok(first > 0.3, String(first));
});

test('bursty: some 1 s windows carry many more records than the base rate', () => {
  const recs = take('bursty:10:0.3', 30000, 2, 1000);
  const perWindow = new Map<number, number>();
  for (const r of recs)
    perWindow.set(Math.floor(r.timestamp / 1000), (perWindow.get(Math.floor(r.timestamp / 1000)) ?? 0) + 1);
  const sizes = [...perWindow.values()];
  assert.ok(Math.max(...sizes) >= 5 * Math.min(...sizes.slice(0, -1)));
  assert.ok(
    recs.every((r, i) => i === 0 || r.timestamp >= recs[i - 1]!.timestamp),
    'timestamps ascend',
  );
});

test('bad workload specs are usage errors', () => {
  for (const bad of ['nope', 'zipf:0', 'zipf:x', 'hot:0', 'hot:2:1.5', 'uniform:3', 'tenants:1.5']) {
    assert.throws(() => parseWorkloadSpec(bad), UsageError, bad);
  }
});

test('workload aliases (hot-keys, multi-tenant, burst...) name the same generators', () => {
  const same = (a: string, b: string): void => {
    assert.deepEqual(parseWorkloadSpec(a), parseWorkloadSpec(b), `${a} = ${b}`);
    const wa = createWorkload(a, { keys: 50, seed: 3 });
    const wb = createWorkload(b, { keys: 50, seed: 3 });
    const ra = Array.from({ length: 200 }, () => wa.next());
    const rb = Array.from({ length: 200 }, () => wb.next());
    assert.deepEqual(ra, rb, `${a} generates what ${b} does`);
  };
  same('hot-keys:3:0.5', 'hot:3:0.5');
  same('HotKeys', 'hot');
  same('multi-tenant:5', 'tenants:5');
  same('burst:10:0.1', 'bursty:10:0.1');
});
