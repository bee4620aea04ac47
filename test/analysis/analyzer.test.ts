// The library Analyzer: split input analysed by several analyzers and merged (also through JSON) equals one
// analyzer over everything; hot partitions are explained by the keys that land there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyzer.js';
import { createWorkload } from '../../src/analysis/workloads.js';
import { partitionForKey } from '../../src/hash/index.js';

test('merging worker analyzers equals a single pass (counts exact, hot keys within bounds)', () => {
  const w = createWorkload('zipf:1.2', { keys: 3000, seed: 11 });
  const recs = Array.from({ length: 30000 }, () => w.next());
  const opts = { partitions: 10, strategies: ['murmur2', 'fnv1a'], topK: 5, sketchCapacity: 200 };
  const whole = new Analyzer(opts);
  recs.forEach((r) => whole.add(r));
  const parts = [new Analyzer(opts), new Analyzer(opts), new Analyzer(opts)];
  recs.forEach((r, i) => parts[i % 3]!.add(r));
  parts[1]!.addMalformed(7, 'bad JSON');
  const merged = Analyzer.fromJSON(JSON.stringify(parts[0]!.toJSON()));
  merged.merge(parts[1]!).merge(JSON.parse(JSON.stringify(parts[2]!.toJSON())));
  const a = whole.result();
  const b = merged.result();
  assert.equal(b.records, a.records);
  assert.equal(b.malformed, 1);
  assert.deepEqual(b.malformedLines, [7]);
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(b.strategies[i]!.counts, a.strategies[i]!.counts);
    assert.deepEqual(b.strategies[i]!.bytes, a.strategies[i]!.bytes);
    assert.equal(b.strategies[i]!.coefficientOfVariation, a.strategies[i]!.coefficientOfVariation);
  }
  const truth = new Map<string, number>();
  for (const r of recs) truth.set(r.key, (truth.get(r.key) ?? 0) + 1);
  assert.deepEqual(
    b.hotKeys.slice(0, 3).map((h) => h.key),
    ['user-1', 'user-2', 'user-3'],
  );
  for (const h of b.hotKeys) {
    const t = truth.get(h.key)!;
    assert.ok(h.records - h.error <= t && t <= h.records, h.key);
    assert.equal(h.partitions['murmur2'], partitionForKey(h.key, 10, 'murmur2'));
    assert.equal(h.partitions['fnv1a'], partitionForKey(h.key, 10, 'fnv1a'));
  }
  assert.throws(() => merged.merge(new Analyzer({ ...opts, partitions: 11 })), /cannot merge/);
});

test('a hot partition is explained by the hot keys on it', () => {
  const an = new Analyzer({ partitions: 8, strategies: ['murmur2'] });
  const hot = ['h1', 'h2'];
  for (let i = 0; i < 2000; i++) an.add({ key: `u${i}`, size: 10 });
  for (let i = 0; i < 3000; i++) an.add({ key: hot[i % 2]!, size: 10 });
  const s = an.result().strategies[0]!;
  const top = s.hotPartitions[0]!;
  assert.ok([partitionForKey('h1', 8), partitionForKey('h2', 8)].includes(top.partition));
  assert.ok(top.keys.some((k) => hot.includes(k)));
  assert.ok(top.keysPercentOfPartition > 50);
  assert.ok(top.timesMeanWithoutKeys < top.timesMean);
});

test('keyless records are counted and placed by the strategy, not offered as hot keys', () => {
  const an = new Analyzer({ partitions: 4, strategies: ['murmur2'] });
  an.add({ key: null, size: 3 });
  an.add({ key: 'k', size: 3 });
  const r = an.result();
  assert.equal(r.keyless, 1);
  assert.equal(r.records, 2);
  assert.equal(
    r.strategies[0]!.counts.reduce((x, y) => x + y, 0),
    2,
  );
  assert.deepEqual(
    r.hotKeys.map((h) => h.key),
    ['k'],
  );
});

test('a strategy configured beyond the partition count fails at construction; per-record errors keep their first message', () => {
  assert.throws(
    () => new Analyzer({ partitions: 4, strategies: ['murmur2', 'field:region:eu=7'] }),
    (e: Error & { code?: string }) =>
      e.code === 'E_PARTITION' && /partition 7 does not exist \(topic has 4\)/.test(e.message),
  );
  // explicit with invalid=throw: only records naming a bad partition fail; the first message is kept.
  const a = new Analyzer({ partitions: 4, strategies: ['explicit:field=p', 'murmur2'] });
  a.add({ key: 'k1', size: 1, value: { p: 1 } });
  a.add({ key: 'k2', size: 1, value: { p: 9 } });
  a.add({ key: 'k3', size: 1, value: { p: 'x' } });
  const r = a.result();
  const explicit = r.strategies[0]!;
  assert.equal(explicit.errors, 2);
  assert.match(explicit.errorSample ?? '', /9/);
  assert.equal(r.strategies[1]!.errors, 0);
  assert.equal('errorSample' in r.strategies[1]!, false);
  // The sample survives the mergeable state.
  const b = Analyzer.fromJSON(a.toJSON());
  assert.equal(b.result().strategies[0]!.errorSample, explicit.errorSample);
});
