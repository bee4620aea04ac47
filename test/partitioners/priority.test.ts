import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PriorityPartitioner } from '../../src/partitioners/priority.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { murmur2, toPositive } from '../../src/hash/index.js';
import { keyArb } from './routing-helpers.js';

test('levels go to their reserved partitions; the rest is murmur2-hashed over the remaining ones', () => {
  const p = createStrategy('priority:high=0-1,urgent=2');
  const ctx = { partitionCount: 10 };
  const remaining = [3, 4, 5, 6, 7, 8, 9];
  for (let i = 0; i < 200; i++) {
    const key = `k${i}`;
    const hi = p.partition({ key, headers: { priority: 'high' } }, ctx);
    assert.equal(hi, [0, 1][toPositive(murmur2(key)) % 2]);
    assert.equal(p.partition({ key, headers: { priority: 'urgent' } }, ctx), 2);
    const low = p.partition({ key, headers: { priority: 'low' } }, ctx);
    assert.equal(low, remaining[toPositive(murmur2(key)) % remaining.length]);
    assert.equal(p.partition({ key }, ctx), low, 'no level = unknown level');
  }
});

test('keyless: round-robin inside a level and over the remaining available partitions', () => {
  const p = new PriorityPartitioner({ levels: { high: [0, 1] }, field: 'meta.prio' });
  const ctx = { partitionCount: 6, available: [0, 1, 2, 4, 5] };
  const hi = Array.from({ length: 4 }, () => p.partition({ value: { meta: { prio: 'high' } } }, ctx));
  assert.deepEqual(hi, [0, 1, 0, 1]);
  const rest = Array.from({ length: 6 }, () => p.partition({ value: {} }, ctx));
  assert.deepEqual(rest, [2, 4, 5, 2, 4, 5]);
});

test('property: never lands an unprioritised keyed record on a reserved partition; deterministic', () => {
  const p = createStrategy('priority:high=0+3,low=5');
  fc.assert(
    fc.property(
      keyArb,
      fc.integer({ min: 6, max: 200 }),
      fc.constantFrom(undefined, 'high', 'low', 'other'),
      (key, n, level) => {
        const rec = { key, headers: level === undefined ? {} : { priority: level } };
        const got = p.partition(rec, { partitionCount: n });
        assert.equal(p.partition(rec, { partitionCount: n }), got);
        assert.ok(got >= 0 && got < n);
        if (level === 'high') assert.ok(got === 0 || got === 3);
        else if (level === 'low') assert.equal(got, 5);
        else assert.ok(![0, 3, 5].includes(got));
      },
    ),
  );
});

test('bad configurations are usage errors; reserved partitions beyond the topic are rejected at send time', () => {
  assert.throws(() => createStrategy('priority'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('priority:high=1-0'), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => createStrategy('priority:high=a'), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => createStrategy('priority:high=0,low=0'), { code: 'E_STRATEGY_OPTION' });
  const p = createStrategy('priority:high=4');
  assert.throws(() => p.partition({ key: 'a' }, { partitionCount: 4 }), { code: 'E_PARTITION' });
  // Every partition reserved: unprioritised traffic is hashed over all of them.
  const all = createStrategy('priority:a=0,b=1');
  assert.equal(all.partition({ key: 'x' }, { partitionCount: 2 }), toPositive(murmur2('x')) % 2);
  assert.equal(
    createStrategy('priority:high=1:header=prio').partition(
      { key: 'a', headers: { prio: 'high' } },
      { partitionCount: 3 },
    ),
    1,
  );
});
