import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SaltedPartitioner } from '../../src/partitioners/salting.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { partitionForKey } from '../../src/hash/index.js';

const saltFree = fc.string({ maxLength: 16 }).filter((k) => !/#\d+$/.test(k));

test('salted:8 spreads a hot key over its 8 salted keys, round-robin, each placed like murmur2', () => {
  const s = createStrategy('salted:8') as SaltedPartitioner;
  const ctx = { partitionCount: 24 };
  const got = Array.from({ length: 16 }, () => s.partition({ key: 'hot' }, ctx));
  const want = Array.from({ length: 16 }, (_, i) => partitionForKey(`hot#${i % 8}`, 24));
  assert.deepEqual(got, want);
  assert.deepEqual(
    s.saltedKeysFor('hot'),
    Array.from({ length: 8 }, (_, i) => `hot#${i}`),
  );
  assert.deepEqual(
    s.partitionsFor('hot', 24),
    [...new Set(want)].sort((a, b) => a - b),
  );
  assert.ok(s.partitionsFor('hot', 24).length > 3, 'a hot key lands on several partitions');
});

test('only configured hot keys are salted; others place exactly as murmur2 (strings and bytes)', () => {
  const s = new SaltedPartitioner({ salts: 4, hotKeys: ['celebrity'] });
  const ctx = { partitionCount: 12 };
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 })), (key) => {
      if (key === 'celebrity') return;
      assert.equal(s.partition({ key }, ctx), partitionForKey(key, 12));
    }),
  );
  assert.equal(s.saltCount('celebrity'), 4);
  const notUtf8 = new Uint8Array([0xff, 0xfe]);
  assert.equal(
    new SaltedPartitioner({ salts: 4 }).partition({ key: notUtf8 }, ctx),
    partitionForKey(notUtf8, 12),
  );
  const hotBytes = new TextEncoder().encode('celebrity');
  assert.ok(
    s.partitionsFor('celebrity', 12).includes(s.partition({ key: hotBytes }, ctx)),
    'UTF-8 byte keys are salted like strings',
  );
  assert.equal(s.saltCount('nobody'), 1);
  assert.deepEqual(s.saltedKeysFor('nobody'), ['nobody']);
  const hot = new Set(Array.from({ length: 8 }, () => s.partition({ key: 'celebrity' }, ctx)));
  assert.deepEqual(
    [...hot].sort((a, b) => a - b),
    s.partitionsFor('celebrity', 12),
  );
});

test('sub-key selection is deterministic per sub-key (keeps per-user order)', () => {
  const s = createStrategy('salted:6:sub-key=user', { hotKeys: ['tenant-a'] }) as SaltedPartitioner;
  const ctx = { partitionCount: 30 };
  const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
  const first = users.map((user) => s.partition({ key: 'tenant-a', value: { user } }, ctx));
  const again = users.map((user) => s.partition({ key: 'tenant-a', value: { user } }, ctx));
  assert.deepEqual(again, first);
  assert.ok(new Set(first).size > 2);
  const routed = s.route({ key: 'tenant-a', value: { user: 'u1' } }, ctx);
  assert.match(routed.key!, /^tenant-a#[0-5]$/);
  assert.equal(routed.partition, partitionForKey(routed.key!, 30));
  assert.equal(s.unsalt(routed.key!), 'tenant-a');
});

test('property: salting round-trips — every salted key unsalts to its key, and route() keys are among saltedKeysFor', () => {
  fc.assert(
    fc.property(saltFree, fc.integer({ min: 1, max: 20 }), fc.boolean(), (key, salts, onlyHot) => {
      const s = new SaltedPartitioner({ salts, hotKeys: onlyHot ? [key] : undefined });
      const all = s.saltedKeysFor(key);
      assert.equal(all.length, salts);
      for (const k of all) assert.equal(s.unsalt(k), key);
      for (let i = 0; i < salts + 1; i++) {
        const r = s.route({ key }, { partitionCount: 7 });
        assert.ok(all.includes(r.key!));
        assert.ok(s.partitionsFor(key, 7).includes(r.partition));
      }
      // Not a salted form: out-of-range salt, or a key without a hot base.
      assert.equal(s.unsalt(`${key}#${salts}`), `${key}#${salts}`);
      if (onlyHot) assert.equal(s.unsalt(`${key}x#0`), `${key}x#0`);
    }),
  );
});

test('keyless records use the fallback; bad specs are usage errors', () => {
  const s = createStrategy('salted:3');
  assert.deepEqual(
    Array.from({ length: 3 }, () => s.partition({ key: null }, { partitionCount: 3 })),
    [0, 1, 2],
  );
  assert.equal(s.partition({ key: 'x', partition: 1 }, { partitionCount: 3 }), 1);
  assert.throws(() => createStrategy('salted'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('salted:0'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('salted:x'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('salted:2', { hotKeys: 5 }), { code: 'E_STRATEGY_OPTION' });
  assert.throws(() => new SaltedPartitioner({ salts: 2, separator: '1' }), { code: 'E_STRATEGY_OPTION' });
  assert.equal(createStrategy('salted', { salts: 4 }).name, 'salted:4');
});
