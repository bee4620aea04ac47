// Keyless placement at the edges of `ctx.available`: no leader at all (`[]`), ids outside the topic,
// duplicates, any order; and sticky draws with a random source that keeps answering the same value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createStrategy } from '../../src/partitioners/registry.js';
import { StickyPartitioner } from '../../src/partitioners/sticky.js';
import { AdaptivePartitioner } from '../../src/partitioners/adaptive.js';
import { LibrdkafkaPartitioner } from '../../src/partitioners/librdkafka.js';
import { withCache } from '../../src/partitioners/wrappers.js';
import type { PartitionContext } from '../../src/partitioners/types.js';
import { seeded } from '../support/prng.js';
import { CORE_STRATEGIES } from '../support/strategies.js';

const CORE = CORE_STRATEGIES;

/** A constant random source that fails loudly instead of letting a draw-until-different loop spin forever. */
function constant(v: number, limit = 100_000): () => number {
  let calls = 0;
  return () => {
    if (++calls > limit) throw new Error(`random source called ${calls} times: endless draw loop`);
    return v;
  };
}

test('sticky: with no leader at all, one draw among all partitions (Java StickyPartitionCache), no endless loop', () => {
  const p = new StickyPartitioner({ batchRecords: 1, random: constant(0.5) });
  const ctx: PartitionContext = { topic: 't', partitionCount: 3, available: [] };
  // toPositive(nextInt) = 2^30 every time: 2^30 % 3 = 1, also when it equals the previous partition.
  const got = Array.from({ length: 6 }, () => p.partition({ key: null }, ctx));
  assert.deepEqual(got, [1, 1, 1, 1, 1, 1]);
});

test('sticky: a constant random source cannot hang the switch; the next partition still differs', () => {
  for (const ctx of [
    { topic: 't', partitionCount: 4 },
    { topic: 't', partitionCount: 5, available: [1, 3, 4] },
  ] as PartitionContext[]) {
    const p = new StickyPartitioner({ batchRecords: 1, random: constant(0.5) });
    const got = Array.from({ length: 8 }, () => p.partition({ key: null }, ctx));
    for (let i = 1; i < got.length; i++)
      assert.notEqual(got[i], got[i - 1], `${JSON.stringify(ctx)}: ${got}`);
    for (const g of got) assert.ok(ctx.available === undefined || ctx.available.includes(g), `${g}`);
  }
});

test('sticky/adaptive/default: with no leader at all the sticky partition is kept for its batch, not re-drawn per record', () => {
  for (const spec of ['sticky', 'adaptive', 'default']) {
    const p = createStrategy(spec, { batchRecords: 4, batchSize: 0, random: seeded(7) });
    const ctx: PartitionContext = { topic: 't', partitionCount: 16, available: [] };
    const got = Array.from({ length: 12 }, () => p.partition({ key: null }, ctx));
    for (let b = 0; b < 12; b += 4) {
      assert.equal(new Set(got.slice(b, b + 4)).size, 1, `${spec}: ${got}`);
    }
  }
});

test('adaptive: with no leader at all, Java has no load stats and draws uniformly among all partitions', () => {
  const p = new AdaptivePartitioner({ batchRecords: 1, random: constant(0.9) });
  p.updateLoad({ queueSizes: [0, 100, 100, 100] }, 't');
  // toPositive(nextInt) = 1932735283: uniform 1932735283 % 4 = 3 (the weighted table would give 0).
  assert.equal(p.partition({ key: null }, { topic: 't', partitionCount: 4, available: [] }), 3);
  // With leaders, the queue depths weigh in: 1932735283 % 104 = 11 < 101 → partition 0.
  const q = new AdaptivePartitioner({ batchRecords: 1, random: constant(0.9) });
  q.updateLoad({ queueSizes: [0, 100, 100, 100] }, 't');
  assert.equal(q.partition({ key: null }, { topic: 't', partitionCount: 4 }), 0);
});

test('every core strategy answers in range when `available` lists ids outside the topic or duplicates', () => {
  const contexts: PartitionContext[] = [
    { topic: 't', partitionCount: 3, available: [5, 7] },
    { topic: 't', partitionCount: 3, available: [2, 2] },
    { topic: 't', partitionCount: 4, available: [0, 1, 2, 9] },
    { topic: 't', partitionCount: 3, available: [1, 1, 1, 1] },
    { topic: 't', partitionCount: 1, available: [0, 3] },
    { topic: 't', partitionCount: 2, available: [-1, 1.5, 1] },
  ];
  for (const spec of CORE) {
    for (const ctx of contexts) {
      const p = createStrategy(spec, { batchRecords: 1, random: seeded(3) });
      for (let i = 0; i < 60; i++) {
        const key = i % 3 === 0 ? null : i % 3 === 1 ? '' : `k${i}`;
        const got = p.partition({ key, size: 10 }, ctx);
        assert.ok(
          Number.isInteger(got) && got >= 0 && got < ctx.partitionCount,
          `${spec} ${JSON.stringify(ctx)}: ${got}`,
        );
        // Keyless traffic only goes to partitions that exist and have a leader (when some do).
        if (key === null && ['sticky', 'adaptive', 'default', 'roundrobin', 'legacy'].includes(spec)) {
          const valid = ctx.available!.filter((a) => Number.isInteger(a) && a >= 0 && a < ctx.partitionCount);
          if (valid.length > 0) assert.ok(valid.includes(got), `${spec} ${JSON.stringify(ctx)}: ${got}`);
        }
      }
    }
  }
});

test('property: keyless placement does not depend on the order, duplicates or stray ids of `available`', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 0, maxLength: 50 }),
      fc.integer(),
      fc.constantFrom('roundrobin', 'legacy', 'sticky', 'adaptive', 'default', 'murmur2_random', 'random'),
      (n, raw, seed, spec) => {
        const clean = [...new Set(raw.filter((p) => p < n))].sort((a, b) => a - b);
        const shuffled = [...raw].reverse().concat(raw);
        const a = createStrategy(spec, {
          batchRecords: 2,
          batchSize: 0,
          stickyLingerMs: 0,
          random: seeded(seed),
        });
        const b = createStrategy(spec, {
          batchRecords: 2,
          batchSize: 0,
          stickyLingerMs: 0,
          random: seeded(seed),
        });
        for (let i = 0; i < 20; i++) {
          const x = a.partition({ key: null }, { topic: 't', partitionCount: n, available: clean });
          const y = b.partition({ key: null }, { topic: 't', partitionCount: n, available: shuffled });
          if (x !== y) return false;
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
});

test('librdkafka random: availability is looked up by id, whatever the order of `available`', () => {
  // First draw 0 (available), second would be 3: the first is kept when 0 counts as available.
  const seq = [0.0, 0.9];
  let i = 0;
  const p = new LibrdkafkaPartitioner('random', { random: () => seq[i++ % seq.length]! });
  assert.equal(p.partition({ key: 'k' }, { topic: 't', partitionCount: 4, available: [2, 0] }), 0);
});

test('withCache: an empty string key is not cached (consistent_random places it like no key)', () => {
  const c = withCache(createStrategy('consistent_random', { stickyLingerMs: 0, random: seeded(11) }));
  const ctx: PartitionContext = { topic: 't', partitionCount: 64 };
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) seen.add(c.partition({ key: '' }, ctx));
  assert.ok(seen.size > 1, `always ${[...seen]}`);
  assert.equal(c.stats().size, 0);
  assert.equal(c.partition({ key: 'user-1' }, ctx), c.partition({ key: 'user-1' }, ctx));
  assert.equal(c.stats().hits, 1);
});
