// Metrics equal an independent computation written here (not calling metrics.ts), including empty partitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/analyzer.js';
import { computeSkewMetrics, gini, skewAlerts } from '../../src/analysis/metrics.js';
import { partitionForKey } from '../../src/hash/index.js';

/** Independent reference: straightforward textbook formulas over every partition. */
function reference(counts: number[], bytes: number[]) {
  const n = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  const mean = total / n;
  const variance = counts.map((c) => (c - mean) ** 2).reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(variance);
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  // Gini via mean absolute difference: Σi Σj |xi − xj| / (2 n² mean)
  let diff = 0;
  for (const a of counts) for (const b of counts) diff += Math.abs(a - b);
  return {
    loadSkewRatio: max / Math.max(min, 1),
    sizeSkewRatio: Math.max(...bytes) / Math.max(Math.min(...bytes), 1),
    coefficientOfVariation: mean === 0 ? 0 : sd / mean,
    hotspotPercentage: (100 * counts.filter((c) => c > 2 * mean).length) / n,
    partitionUtilization: (100 * counts.filter((c) => c > 0).length) / n,
    maxToMean: mean === 0 ? 0 : max / mean,
    gini: total === 0 ? 0 : diff / (2 * n * n * mean),
  };
}

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('fixed example with empty partitions: the worst skew is not hidden', () => {
  const counts = [10, 0, 0, 30, 5, 0, 15, 0];
  const bytes = [100, 0, 0, 900, 50, 0, 150, 0];
  const m = computeSkewMetrics(counts, bytes);
  assert.equal(m.loadSkewRatio, 30); // min is 0 → divided by 1, not by the smallest non-empty partition
  assert.equal(m.sizeSkewRatio, 900);
  assert.equal(m.partitionUtilization, 50);
  assert.deepEqual(m.empty, [1, 2, 5, 7]);
  // mean 7.5: partitions with > 15 records are hotspots → only partition 3 (15 is not > 15)
  assert.deepEqual(m.hotspots, [3]);
  assert.equal(m.hotspotPercentage, 12.5);
  const r = reference(counts, bytes);
  for (const k of Object.keys(r) as (keyof typeof r)[]) close(m[k], r[k], k);
});

test('metrics equal the reference on random distributions (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat(1000), { minLength: 1, maxLength: 64 }),
      fc.array(fc.nat(100000), { minLength: 64, maxLength: 64 }),
      (counts, b) => {
        const bytes = b.slice(0, counts.length);
        const m = computeSkewMetrics(counts, bytes);
        const r = reference(counts, bytes);
        for (const k of Object.keys(r) as (keyof typeof r)[]) close(m[k], r[k], k);
        close(gini(counts), r.gini, 'gini');
      },
    ),
  );
});

test('Analyzer counts and metrics match a direct murmur2 placement, empty partitions included', () => {
  const partitions = 16;
  const keys = ['a', 'a', 'a', 'b', 'c', 'c', 'user-1', 'user-1', 'user-2'];
  const an = new Analyzer({ partitions, strategies: ['murmur2'] });
  const counts = new Array<number>(partitions).fill(0);
  const bytes = new Array<number>(partitions).fill(0);
  keys.forEach((k, i) => {
    an.add({ key: k, size: 10 + i });
    const p = partitionForKey(k, partitions);
    counts[p]!++;
    bytes[p]! += 10 + i;
  });
  const res = an.result();
  const s = res.strategies[0]!;
  assert.deepEqual(s.counts, counts);
  assert.deepEqual(s.bytes, bytes);
  assert.ok(s.counts.filter((c) => c === 0).length >= 10, 'this case must have empty partitions');
  const r = reference(counts, bytes);
  for (const k of Object.keys(r) as (keyof typeof r)[]) close(s[k], r[k], k);
  assert.equal(res.records, keys.length);
  assert.equal(res.hotKeys[0]!.key, 'a');
  assert.equal(res.hotKeys[0]!.records, 3);
  assert.equal(res.hotKeys[0]!.partition, partitionForKey('a', partitions));
});

test('alerts follow the thresholds: 20% off the mean, stddev 30% of the mean, max 2x min', () => {
  assert.deepEqual(skewAlerts([100, 100, 100, 100]), []);
  // 119 and 81 are within 20% of 100; stddev 13.5 < 30; max/min 1.47 < 2
  assert.deepEqual(skewAlerts([119, 81, 100, 100]), []);
  const codes = (c: number[]) =>
    skewAlerts(c)
      .map((a) => a.code)
      .sort();
  assert.deepEqual(codes([121, 79, 100, 100]), ['PARTITION_DEVIATION']);
  assert.deepEqual(codes([200, 0, 100, 100]), ['HIGH_STDDEV', 'MAX_OVER_MIN', 'PARTITION_DEVIATION']);
  assert.deepEqual(skewAlerts([0, 0, 0]), []);
});
