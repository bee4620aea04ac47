// Wrappers: withFallback never throws and counts, withCache is bounded and transparent, withCounters counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withCache, withCounters, withFallback } from '../../src/partitioners/wrappers.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { partitionForKey } from '../../src/hash/index.js';
import type { Partitioner } from '../../src/partitioners/types.js';

/** A strategy that misbehaves in every way a send path could meet. */
function chaos(mode: number): Partitioner {
  return {
    name: 'chaos',
    partition(record, ctx) {
      switch (mode % 6) {
        case 0:
          throw new Error('boom');
        case 1:
          return -1;
        case 2:
          return ctx.partitionCount;
        case 3:
          return NaN;
        case 4:
          return 1.5;
        default:
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw 'not even an Error';
      }
    },
  };
}

test('property: withFallback never throws, always answers in range, and counts each fallback', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5 }),
      fc.oneof(fc.string(), fc.uint8Array(), fc.constant(null)),
      fc.integer({ min: 1, max: 1000 }),
      fc.option(fc.integer({ min: -5, max: 2000 }), { nil: undefined }),
      fc.boolean(),
      (mode, key, n, explicit, withFb) => {
        let heard = 0;
        const p = withFallback(chaos(mode), {
          ...(withFb ? { fallback: chaos(mode + 1) } : {}),
          onFallback: () => {
            heard++;
            throw new Error('listener fails too');
          },
        });
        for (let i = 0; i < 3; i++) {
          const r = p.partition({ key, partition: explicit }, { partitionCount: n });
          assert.ok(Number.isInteger(r) && r >= 0 && r < n, `got ${r}`);
          if (key !== null && (explicit === undefined || explicit < 0 || explicit >= n))
            assert.equal(r, partitionForKey(key, n));
        }
        const s = p.stats();
        assert.equal(s.fallbacks, 3);
        assert.equal(s.ok, 0);
        assert.equal(s.lastResort, 3);
        assert.equal(heard, 3);
        assert.ok(s.lastError !== undefined);
      },
    ),
    { numRuns: 200 },
  );
});

test('withFallback: impossible contexts (0 or NaN partitions) still return 0 without throwing', () => {
  const p = withFallback(createStrategy('murmur2'));
  assert.equal(p.partition({ key: 'a' }, { partitionCount: 0 }), 0);
  assert.equal(p.partition({ key: 'a' }, { partitionCount: NaN }), 0);
  assert.equal(p.stats().fallbacks, 2);
  // A healthy strategy is passed through untouched and not counted as a fallback.
  assert.equal(p.partition({ key: 'a' }, { partitionCount: 12 }), partitionForKey('a', 12));
  assert.equal(p.stats().ok, 1);
  // The configured fallback strategy answers when the primary fails.
  const q = withFallback(chaos(0), { fallback: createStrategy('fnv1a') });
  assert.equal(q.partition({ key: 'zz' }, { partitionCount: 7 }), partitionForKey('zz', 7, 'fnv1a'));
  assert.equal(q.stats().lastResort, 0);
});

test('property: withCache answers exactly like the strategy and stays within maxEntries', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(3, 12, 64)), { maxLength: 300 }),
      fc.integer({ min: 1, max: 50 }),
      (ops, max) => {
        const c = withCache(createStrategy('murmur2'), { maxEntries: max });
        for (const [k, n] of ops)
          assert.equal(c.partition({ key: k }, { partitionCount: n }), partitionForKey(k, n));
        const s = c.stats();
        assert.ok(s.size <= max);
        assert.equal(s.hits + s.misses, ops.length);
      },
    ),
    { numRuns: 100 },
  );
});

test('withCache: hits, LRU eviction, non-string keys bypass', () => {
  const c = withCache(createStrategy('murmur2'), { maxEntries: 2 });
  const ctx = { partitionCount: 10 };
  c.partition({ key: 'a' }, ctx);
  c.partition({ key: 'b' }, ctx);
  c.partition({ key: 'a' }, ctx); // a is now most recent
  c.partition({ key: 'c' }, ctx); // evicts b
  c.partition({ key: 'a' }, ctx);
  assert.deepEqual(c.stats(), { hits: 2, misses: 3, evictions: 1, size: 2 });
  c.partition({ key: 'b' }, ctx);
  assert.equal(c.stats().misses, 4);
  c.partition({ key: new Uint8Array([1]) }, ctx);
  c.partition({ key: 'a', partition: 3 }, ctx);
  assert.equal(c.stats().hits + c.stats().misses, 6, 'bytes keys and explicit partitions are not cached');
});

test('withCounters: per-partition counts, calls, errors and timing', () => {
  const c = withCounters(createStrategy('roundrobin'));
  for (let i = 0; i < 10; i++) c.partition({}, { partitionCount: 4 });
  const s = c.stats();
  assert.deepEqual(s.perPartition, [3, 3, 2, 2]);
  assert.equal(s.calls, 10);
  assert.ok(s.totalNs >= 0 && s.maxNs >= 0 && s.meanNs >= 0);
  const bad = withCounters(chaos(0));
  assert.throws(() => bad.partition({}, { partitionCount: 2 }));
  assert.equal(bad.stats().errors, 1);
  c.reset();
  assert.equal(c.stats().calls, 0);
});
