// Repartition: measured moves match the theory for modulo hashing and jump hashing; advice is concrete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedMovedShare, RepartitionAnalyzer } from '../../src/analysis/repartition.js';
import { createWorkload, feedWorkload } from '../../src/analysis/workloads.js';
import { partitionForKey } from '../../src/hash/index.js';
import { strategyNames } from '../../src/partitioners/registry.js';

test('expected share: modulo keeps min(a,b)/lcm(a,b) of keys; jump moves |a-b|/max(a,b)', () => {
  assert.ok(Math.abs(expectedMovedShare('murmur2', 12, 13)! - (1 - 12 / 156)) < 1e-12);
  assert.equal(expectedMovedShare('murmur2', 12, 24), 0.5);
  assert.equal(expectedMovedShare('jump', 12, 13), 1 / 13);
  assert.equal(expectedMovedShare('roundrobin', 12, 13), null);
  assert.equal(expectedMovedShare('murmur2', 5, 5), 0);
});

test('murmur2 12 -> 13: exact count of moved keys and records over a uniform workload', () => {
  const ra = new RepartitionAnalyzer({ from: 12, to: 13, strategies: ['murmur2'] });
  const w = createWorkload('uniform', { keys: 5000, seed: 4 });
  const recs = Array.from({ length: 20000 }, () => w.next());
  recs.forEach((r) => ra.add(r));
  const res = ra.result();
  const s = res.strategies[0]!;
  const movedRecords = recs.filter((r) => partitionForKey(r.key, 12) !== partitionForKey(r.key, 13)).length;
  const keys = new Set(recs.map((r) => r.key));
  const movedKeys = [...keys].filter((k) => partitionForKey(k, 12) !== partitionForKey(k, 13)).length;
  assert.equal(s.recordsMoved, movedRecords);
  assert.equal(s.keysSampled, keys.size);
  assert.equal(s.keysMoved, movedKeys);
  assert.ok(Math.abs(s.keysMovedPercent - s.expectedKeysMovedPercent!) < 2);
  assert.ok(res.advice.some((a) => /new topic \+ dual write/.test(a)));
  assert.ok(res.advice.some((a) => /in place/.test(a)));
});

test('key sampling stays bounded and unbiased on a large key space', () => {
  const ra = new RepartitionAnalyzer({ from: 8, to: 16, strategies: ['murmur2'], maxSampledKeys: 1000 });
  feedWorkload(ra, createWorkload('uniform', { keys: 1_000_000, seed: 9 }), 30000);
  const r = ra.result();
  assert.ok(r.keySampleRate < 1);
  assert.ok(r.strategies[0]!.keysSampled <= 1000);
  assert.ok(Math.abs(r.strategies[0]!.keysMovedPercent - 50) < 6, String(r.strategies[0]!.keysMovedPercent)); // 8 → 16 moves half
});

test(
  'jump (when registered) moves about 1/13 of keys where murmur2 moves 92%',
  { skip: !strategyNames().includes('jump') },
  () => {
    const ra = new RepartitionAnalyzer({ from: 12, to: 13, strategies: ['murmur2', 'jump'] });
    feedWorkload(ra, createWorkload('uniform', { keys: 20000, seed: 5 }), 40000);
    const [m, j] = ra.result().strategies;
    assert.ok(Math.abs(m!.keysMovedPercent - 92.3) < 2, String(m!.keysMovedPercent));
    assert.ok(Math.abs(j!.keysMovedPercent - 7.7) < 1.5, String(j!.keysMovedPercent));
  },
);
