import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldPartitioner } from '../../src/partitioners/field.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { murmur2, partitionForKey, toPositive } from '../../src/hash/index.js';
import { keyArb } from './routing-helpers.js';

test('field:region: mapped values to their partitions, unknown values hashed by value over all partitions', () => {
  const f = createStrategy('field:region:eu=0-1,us=2');
  const ctx = { partitionCount: 12 };
  assert.equal(f.partition({ key: 'a', value: { region: 'us' } }, ctx), 2);
  const eu = f.partition({ key: 'a', value: { region: 'eu' } }, ctx);
  assert.equal(eu, [0, 1][toPositive(murmur2('a')) % 2]);
  // Unknown value: every record of that value on one partition, whatever the key.
  const apac = toPositive(murmur2('apac')) % 12;
  for (const key of ['a', 'b', 'c', null])
    assert.equal(f.partition({ key, value: { region: 'apac' } }, ctx), apac);
});

test('dotted paths, numbers and headers; unknown values over a configured set', () => {
  const f = new FieldPartitioner({ field: 'customer.dept', mapping: { '7': 4 }, unknown: [5, 6] });
  const ctx = { partitionCount: 8 };
  assert.equal(f.partition({ value: { customer: { dept: 7 } } }, ctx), 4);
  assert.ok([5, 6].includes(f.partition({ value: { customer: { dept: 'sales' } } }, ctx)));
  const h = createStrategy('field:region:header=x-region');
  assert.equal(h.partition({ headers: { 'x-region': 'eu' } }, ctx), toPositive(murmur2('eu')) % 8);
  assert.equal(
    h.partition({ headers: { 'x-region': 'eu' }, value: { region: 'us' } }, ctx),
    toPositive(murmur2('eu')) % 8,
    'header first',
  );
});

test('absent or non-scalar field → fallback (murmur2 keyed, round-robin keyless)', () => {
  const f = createStrategy('field:region') as FieldPartitioner;
  fc.assert(
    fc.property(
      keyArb,
      fc.constantFrom(undefined, null, {}, [1], { region: { nested: 1 } }),
      (key, value) => {
        assert.equal(f.partition({ key, value }, { partitionCount: 7 }), partitionForKey(key, 7));
      },
    ),
  );
  assert.deepEqual(
    Array.from({ length: 3 }, () => f.partition({ value: 'plain' }, { partitionCount: 3 })),
    [0, 1, 2],
  );
  assert.ok(f.fallbacks > 0);
});

test('property: deterministic for keyed records and always in range', () => {
  const f = createStrategy('field:r:a=0+2,b=1');
  fc.assert(
    fc.property(keyArb, fc.string({ maxLength: 6 }), fc.integer({ min: 3, max: 100 }), (key, r, n) => {
      const rec = { key, value: { r } };
      const p = f.partition(rec, { partitionCount: n });
      assert.equal(f.partition(rec, { partitionCount: n }), p);
      assert.ok(p >= 0 && p < n);
      if (r === 'a') assert.ok(p === 0 || p === 2);
    }),
  );
});

test('spec errors', () => {
  assert.throws(() => createStrategy('field'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('field:a..b'), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => createStrategy('field:r:eu'), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => createStrategy('field:r:eu=1:extra'), { code: 'E_STRATEGY' });
  assert.throws(
    () => createStrategy('field:r:eu=5').partition({ value: { r: 'eu' } }, { partitionCount: 5 }),
    { code: 'E_PARTITION' },
  );
});
