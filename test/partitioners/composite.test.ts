import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compositeKeyBytes,
  compositePartition,
  CompositeKeyPartitioner,
} from '../../src/partitioners/composite.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { partitionForKey } from '../../src/hash/index.js';

test('canonical encoding: 4-byte big-endian length + UTF-8, null as length -1', () => {
  assert.deepEqual(
    [...compositeKeyBytes(['ab', null, 42, 'é'])],
    [0, 0, 0, 2, 97, 98, 255, 255, 255, 255, 0, 0, 0, 2, 52, 50, 0, 0, 0, 2, 0xc3, 0xa9],
  );
  assert.deepEqual(
    [...compositeKeyBytes([true, new Uint8Array([7])])],
    [0, 0, 0, 4, 116, 114, 117, 101, 0, 0, 0, 1, 7],
  );
  assert.throws(() => compositeKeyBytes([{}]), { code: 'E_COMPOSITE' });
  assert.throws(() => compositeKeyBytes([Infinity]), { code: 'E_COMPOSITE' });
});

test('partition = Java murmur2 placement of the encoded bytes', () => {
  const c = createStrategy('composite:tenant,user.id');
  const rec = { key: 'ignored', value: { tenant: 'acme', user: { id: 17 } } };
  const want = partitionForKey(compositeKeyBytes(['acme', 17]), 12);
  assert.equal(c.partition(rec, { partitionCount: 12 }), want);
  assert.equal(compositePartition(['acme', 17], 12), want);
  assert.equal(
    c.partition({ ...rec, key: 'other' }, { partitionCount: 12 }),
    want,
    'the message key does not matter',
  );
  const withHeader = new CompositeKeyPartitioner({ fields: ['header:tenant', 'key'] });
  assert.equal(
    withHeader.partition({ key: 'u1', headers: { tenant: 'acme' } }, { partitionCount: 5 }),
    partitionForKey(compositeKeyBytes(['acme', 'u1']), 5),
  );
});

test('property: injective encoding, deterministic, in range', () => {
  fc.assert(
    fc.property(
      fc.array(fc.option(fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 4 }),
      fc.array(fc.option(fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 500 }),
      (a, b, n) => {
        const ea = Buffer.from(compositeKeyBytes(a));
        const eb = Buffer.from(compositeKeyBytes(b));
        assert.equal(ea.equals(eb), JSON.stringify(a) === JSON.stringify(b));
        const p = compositePartition(a, n);
        assert.ok(p >= 0 && p < n);
        assert.equal(compositePartition(a, n), p);
      },
    ),
  );
  assert.notDeepEqual(compositeKeyBytes(['ab', 'c']), compositeKeyBytes(['a', 'bc']));
});

test('spec errors', () => {
  assert.throws(() => createStrategy('composite'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('composite:a,,b'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('composite:header:'), { code: 'E_STRATEGY' });
  assert.equal(createStrategy('composite', { fields: ['a', 'b'] }).name, 'composite:a,b');
});
