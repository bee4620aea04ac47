import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExplicitPartitioner } from '../../src/partitioners/explicit.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { partitionForKey } from '../../src/hash/index.js';
import { countArb, keyArb } from './routing-helpers.js';

const ctx = { partitionCount: 8 };

test('record.partition wins over header and field', () => {
  const e = new ExplicitPartitioner({ header: 'x-partition', field: 'route.p' });
  assert.equal(
    e.partition({ partition: 2, headers: { 'x-partition': '5' }, value: { route: { p: 6 } } }, ctx),
    2,
  );
  assert.equal(e.partition({ headers: { 'x-partition': '5' }, value: { route: { p: 6 } } }, ctx), 5);
  assert.equal(e.partition({ headers: { 'x-partition': Buffer.from('7') } }, ctx), 7);
  assert.equal(e.partition({ value: { route: { p: 6 } } }, ctx), 6);
  assert.equal(e.partition({ value: { route: { p: '03' } } }, ctx), 3);
});

test('invalid explicit values are rejected (Java semantics) or routed to the fallback on request', () => {
  const strict = createStrategy('explicit:header=p');
  for (const bad of ['8', '-1', '1.5', 'x', '0x3', '']) {
    assert.throws(() => strict.partition({ headers: { p: bad } }, ctx), { code: 'E_PARTITION' }, bad);
  }
  assert.throws(() => strict.partition({ partition: 9 }, ctx), { code: 'E_PARTITION' });
  const lenient = createStrategy('explicit:header=p:invalid=fallback') as ExplicitPartitioner;
  assert.equal(lenient.partition({ key: 'k', headers: { p: '99' } }, ctx), partitionForKey('k', 8));
  assert.equal(lenient.fallbacks, 1);
});

test('absent → fallback: murmur2 for keyed, round-robin over available for keyless, or a given partitioner', () => {
  const e = new ExplicitPartitioner({ field: 'p' });
  fc.assert(
    fc.property(keyArb, countArb, (key, n) => {
      assert.equal(e.partition({ key, value: {} }, { partitionCount: n }), partitionForKey(key, n));
    }),
  );
  const rr = Array.from({ length: 4 }, () =>
    e.partition({ key: null }, { partitionCount: 8, available: [2, 6] }),
  );
  assert.deepEqual(rr, [2, 6, 2, 6]);
  const fixed = { name: 'zero', partition: () => 0 };
  assert.equal(createStrategy('explicit', { fallback: fixed }).partition({ key: 'a' }, ctx), 0);
  assert.throws(() => createStrategy('explicit', { fallback: 'murmur2' }), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => createStrategy('explicit:oops'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('explicit:invalid=maybe'), { code: 'E_STRATEGY_OPTION' });
});

test('property: result always in range; an in-range header is honoured exactly', () => {
  const e = createStrategy('explicit:header=p');
  fc.assert(
    fc.property(countArb, fc.nat(400), keyArb, (n, p, key) => {
      if (p < n) assert.equal(e.partition({ key, headers: { p: String(p) } }, { partitionCount: n }), p);
      const q = e.partition({ key }, { partitionCount: n });
      assert.ok(q >= 0 && q < n);
    }),
  );
});
