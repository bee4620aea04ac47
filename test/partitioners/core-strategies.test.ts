// Core strategies: librdkafka names and null/empty-key rules, Java default, sticky (KIP-480), adaptive
// (KIP-794), round-robin; properties over arbitrary keys, partition counts and availability.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createStrategy, strategyNames } from '../../src/partitioners/registry.js';
import { partitionForKey } from '../../src/hash/index.js';
import { LibrdkafkaPartitioner } from '../../src/partitioners/librdkafka.js';
import { StickyPartitioner } from '../../src/partitioners/sticky.js';
import { AdaptivePartitioner } from '../../src/partitioners/adaptive.js';
import { javaDefaultPartitioner } from '../../src/partitioners/java-default.js';
import { LegacyPartitioner, RoundRobinPartitioner } from '../../src/partitioners/round-robin.js';
import type { PartitionContext, RecordInfo } from '../../src/partitioners/types.js';
import { UsageError } from '../../src/errors.js';
import { seeded } from '../support/prng.js';
import { CORE_STRATEGIES } from '../support/strategies.js';

const CORE = CORE_STRATEGIES;

/** A random source whose draws give randomInt31() exactly the listed ints (then repeats the last). */
function ints(...values: number[]): () => number {
  let i = 0;
  return () => (values[Math.min(i++, values.length - 1)]! + 0.5) / 0x80000000;
}

const keyArb = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 40 }),
  fc.constant(null),
  fc.constant(''),
  fc.constant(new Uint8Array(0)),
);

const ctxArb = fc.integer({ min: 1, max: 300 }).chain((n) =>
  fc.record({
    partitionCount: fc.constant(n),
    available: fc.option(
      fc
        .uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n })
        .map((a) => a.sort((x, y) => x - y)),
      { nil: undefined },
    ),
    now: fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined }),
  }),
);

test('every core strategy is registered', () => {
  const names = strategyNames();
  for (const n of CORE) assert.ok(names.includes(n), `${n} registered`);
});

test('property: every core strategy returns an integer partition in range, and honours an explicit partition', () => {
  for (const name of CORE) {
    const p = createStrategy(name, { random: seeded(7) });
    fc.assert(
      fc.property(
        keyArb,
        ctxArb,
        fc.integer({ min: 0, max: 5000 }),
        fc.boolean(),
        (key, ctx, size, explicit) => {
          const c: PartitionContext = {
            partitionCount: ctx.partitionCount,
            available: ctx.available,
            now: ctx.now,
          };
          const rec: RecordInfo = { key, size };
          if (explicit) rec.partition = size % ctx.partitionCount;
          const r = p.partition(rec, c);
          assert.ok(
            Number.isInteger(r) && r >= 0 && r < ctx.partitionCount,
            `${name} gave ${r} for ${ctx.partitionCount}`,
          );
          if (explicit) assert.equal(r, size % ctx.partitionCount, `${name} explicit`);
          const s = p.score?.(rec, c);
          if (s) assert.equal(s.length, ctx.partitionCount);
        },
      ),
      { numRuns: 200 },
    );
  }
});

test('an explicit partition outside the topic is rejected (Java: "Invalid partition given with record")', () => {
  for (const name of CORE) {
    assert.throws(
      () => createStrategy(name).partition({ key: 'k', partition: 12 }, { partitionCount: 12 }),
      /invalid partition 12/,
    );
  }
});

test('property: keyed strategies are deterministic and match the hash exactly', () => {
  const expectations: Record<string, 'murmur2' | 'fnv1a' | 'crc32'> = {
    murmur2: 'murmur2',
    murmur2_random: 'murmur2',
    default: 'murmur2',
    sticky: 'murmur2',
    adaptive: 'murmur2',
    legacy: 'murmur2',
    fnv1a: 'fnv1a',
    fnv1a_random: 'fnv1a',
    consistent: 'crc32',
    consistent_random: 'crc32',
  };
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 1, maxLength: 64 })),
      fc.integer({ min: 1, max: 4096 }),
      (key, n) => {
        for (const [name, algo] of Object.entries(expectations)) {
          const a = createStrategy(name).partition({ key }, { partitionCount: n });
          const b = createStrategy(name).partition({ key }, { partitionCount: n, available: [0] });
          const want = partitionForKey(key, n, algo);
          assert.equal(a, want, `${name} ${String(key)} % ${n}`);
          // Keys hash over all partitions, whatever is available (Java, librdkafka).
          assert.equal(b, want, `${name} ignores availability for keys`);
          const s = createStrategy(name).score!({ key }, { partitionCount: n });
          assert.equal(s[want], 1);
          assert.equal(
            s.reduce((x, y) => x + y, 0),
            1,
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('librdkafka: consistent, murmur2 and fnv1a send null and empty keys to one fixed partition', () => {
  for (const n of [1, 3, 12, 100]) {
    const cases: Array<[string, number]> = [
      ['consistent', 0], // crc32 of zero bytes is 0
      ['murmur2', partitionForKey('', n, 'murmur2')],
      ['fnv1a', partitionForKey('', n, 'fnv1a')],
    ];
    for (const [name, want] of cases) {
      const p = createStrategy(name, { random: seeded(1) });
      for (let i = 0; i < 50; i++) {
        assert.equal(
          p.partition({ key: null }, { partitionCount: n, now: i * 100 }),
          want,
          `${name} null key`,
        );
        assert.equal(
          p.partition({ key: undefined }, { partitionCount: n, now: i * 100 }),
          want,
          `${name} undefined key`,
        );
        assert.equal(
          p.partition({ key: '' }, { partitionCount: n, now: i * 100 }),
          want,
          `${name} empty key`,
        );
        assert.equal(p.partition({ key: new Uint8Array(0) }, { partitionCount: n, now: i * 100 }), want);
      }
    }
  }
});

test('librdkafka: murmur2_random and fnv1a_random hash an empty key but spread null keys', () => {
  for (const [name, algo] of [
    ['murmur2_random', 'murmur2'],
    ['fnv1a_random', 'fnv1a'],
  ] as const) {
    const p = new LibrdkafkaPartitioner(name, { stickyLingerMs: 0, random: seeded(3) });
    for (let i = 0; i < 20; i++)
      assert.equal(p.partition({ key: '' }, { partitionCount: 12 }), partitionForKey('', 12, algo));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(p.partition({ key: null }, { partitionCount: 12 }));
    assert.ok(seen.size >= 10, `${name} null keys random: saw ${seen.size}`);
  }
});

test('librdkafka: consistent_random spreads both null and empty keys (keylen == 0)', () => {
  const p = new LibrdkafkaPartitioner('consistent_random', { stickyLingerMs: 0, random: seeded(4) });
  for (const key of [null, '', new Uint8Array(0)]) {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(p.partition({ key }, { partitionCount: 12 }));
    assert.ok(seen.size >= 10, `key ${String(key)}: saw ${seen.size}`);
  }
  assert.equal(p.partition({ key: 'abc' }, { partitionCount: 12 }), partitionForKey('abc', 12, 'crc32'));
});

test('librdkafka: random ignores keys; its draw is retried once when unavailable', () => {
  const p = new LibrdkafkaPartitioner('random', { stickyLingerMs: 0, random: seeded(5) });
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(p.partition({ key: 'same-key' }, { partitionCount: 8 }));
  assert.ok(seen.size >= 7);
  // rd_jitter(0, n-1) draws: first 3 (unavailable) then 5 -> 5.
  const q = new LibrdkafkaPartitioner('random', {
    stickyLingerMs: 0,
    random: (() => {
      const v = [3.5 / 8, 5.5 / 8];
      let i = 0;
      return () => v[i++ % 2]!;
    })(),
  });
  assert.equal(q.partition({ key: 'k' }, { partitionCount: 8, available: [0, 1, 5] }), 5);
});

test('librdkafka: null keys stick to one partition for sticky.partitioning.linger.ms, then re-draw', () => {
  const p = new LibrdkafkaPartitioner('murmur2_random', { stickyLingerMs: 10, random: seeded(6) });
  const first = p.partition({ key: null }, { partitionCount: 64, now: 1000 });
  for (let t = 1000; t < 1010; t++)
    assert.equal(p.partition({ key: null }, { partitionCount: 64, now: t }), first);
  const later = new Set<number>();
  for (let t = 1010; t < 3000; t += 10) later.add(p.partition({ key: null }, { partitionCount: 64, now: t }));
  assert.ok(later.size > 10, 're-drawn every linger period');
  // The sticky partition is left as soon as it becomes unavailable.
  const cur = p.partition({ key: null }, { partitionCount: 64, now: 5000 });
  const others = Array.from({ length: 64 }, (_, i) => i).filter((i) => i !== cur);
  let moved = -1;
  for (let i = 0; i < 20 && (moved < 0 || moved === cur); i++)
    moved = p.partition({ key: null }, { partitionCount: 64, available: others, now: 5001 });
  assert.notEqual(moved, cur);
});

test('sticky (KIP-480): switches after batch.size bytes, never back to the same partition', () => {
  const p = new StickyPartitioner({ random: seeded(8) });
  const ctx = { partitionCount: 6, topic: 't' };
  const seq: number[] = [];
  for (let i = 0; i < 17 * 30; i++) seq.push(p.partition({ key: null, size: 1000 }, ctx));
  // 17 records of 1000 bytes reach 16384: each run is exactly 17 long.
  for (let b = 0; b < 30; b++) {
    const run = seq.slice(b * 17, b * 17 + 17);
    assert.ok(
      run.every((x) => x === run[0]),
      `batch ${b} stays on one partition`,
    );
    if (b > 0) assert.notEqual(run[0], seq[b * 17 - 1], 'StickyPartitionCache picks a different partition');
  }
  // Keyed records do not count towards the batch and are hashed.
  const q = new StickyPartitioner({ random: seeded(9), batchSize: 100 });
  const a = q.partition({ key: null, size: 60 }, ctx);
  assert.equal(q.partition({ key: 'k', size: 1000 }, ctx), partitionForKey('k', 6));
  assert.equal(q.partition({ key: null, size: 30 }, ctx), a);
});

test('sticky: batchRecords and lingerMs boundaries, ignoreKeys, assumed size for unknown sizes', () => {
  const byCount = new StickyPartitioner({ random: seeded(10), batchSize: 0, batchRecords: 5 });
  const s1 = Array.from({ length: 20 }, () => byCount.partition({ key: null }, { partitionCount: 4 }));
  for (let b = 0; b < 4; b++) assert.equal(new Set(s1.slice(b * 5, b * 5 + 5)).size, 1);
  assert.notEqual(s1[4], s1[5]);

  const byTime = new StickyPartitioner({ random: seeded(11), batchSize: 0, lingerMs: 10 });
  const t0 = byTime.partition({ key: null }, { partitionCount: 4, now: 0 });
  assert.equal(byTime.partition({ key: null }, { partitionCount: 4, now: 9 }), t0);
  assert.notEqual(byTime.partition({ key: null }, { partitionCount: 4, now: 10 }), t0);

  const ignore = new StickyPartitioner({ random: seeded(12), ignoreKeys: true });
  const k = Array.from({ length: 50 }, (_, i) =>
    ignore.partition({ key: `k${i}`, size: 10 }, { partitionCount: 16 }),
  );
  assert.equal(new Set(k).size, 1, 'UniformStickyPartitioner: keys ignored');

  const assumed = new StickyPartitioner({ random: seeded(13), assumedRecordSize: 4096 });
  const u = Array.from({ length: 8 }, () => assumed.partition({ key: null }, { partitionCount: 8 }));
  assert.equal(new Set(u.slice(0, 4)).size, 1);
  assert.notEqual(u[3], u[4]);
});

test('java default: partitioner.ignore.keys sends keyed records to the sticky partition', () => {
  const keyed = javaDefaultPartitioner({ random: seeded(14) });
  const ignoring = createStrategy('default', { ignoreKeys: true, random: seeded(14) });
  const ctx = { partitionCount: 32 };
  const hashed = new Set(
    Array.from({ length: 40 }, (_, i) => keyed.partition({ key: `user-${i}`, size: 10 }, ctx)),
  );
  assert.ok(hashed.size > 10);
  const sticky = new Set(
    Array.from({ length: 40 }, (_, i) => ignoring.partition({ key: `user-${i}`, size: 10 }, ctx)),
  );
  assert.equal(sticky.size, 1);
  assert.equal(keyed.name, 'default');
});

/** Counts records per partition for `batches` batches of keyless records. */
function spread(
  p: { partition(r: RecordInfo, c: PartitionContext): number },
  ctx: PartitionContext,
  batches: number,
  perBatch: number,
): number[] {
  const counts = new Array<number>(ctx.partitionCount).fill(0);
  for (let i = 0; i < batches * perBatch; i++)
    counts[p.partition({ key: null, size: 16384 / perBatch }, ctx)]!++;
  return counts;
}

test('property: sticky and adaptive spread keyless records evenly over many batches, only on available partitions', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 24 }),
      fc.integer(),
      fc.integer({ min: 0, max: 3 }),
      (n, seed, holes) => {
        const available = Array.from({ length: n }, (_, i) => i).filter(
          (i) => holes === 0 || i % (holes + 1) !== 1,
        );
        for (const make of [
          () => new StickyPartitioner({ random: seeded(seed) }),
          () => new AdaptivePartitioner({ random: seeded(seed) }),
          () => javaDefaultPartitioner({ random: seeded(seed) }),
        ]) {
          const p = make();
          const ctx: PartitionContext = {
            partitionCount: n,
            available: available.length < n ? available : undefined,
            topic: 't',
          };
          const counts = spread(p, ctx, 300 * available.length, 8);
          const on = available.map((i) => counts[i]!);
          const mean = on.reduce((a, b) => a + b, 0) / on.length;
          for (let i = 0; i < n; i++)
            if (!available.includes(i)) assert.equal(counts[i], 0, `${p.name}: unavailable ${i} got records`);
          assert.ok(
            Math.max(...on) / mean < 1.35 && Math.min(...on) / mean > 0.65,
            `${p.name} n=${n}: ${on.join(',')}`,
          );
        }
      },
    ),
    { numRuns: 15 },
  );
});

test('adaptive (KIP-794): queue sizes 0 3 1 give the cumulative table 4 5 8 (Java BuiltInPartitioner example)', () => {
  // random % 8: 0..3 -> partition 0, 4 -> partition 1, 5..7 -> partition 2; each draw starts a new batch.
  const want = [0, 0, 0, 0, 1, 2, 2, 2];
  for (let r = 0; r < 8; r++) {
    const p = new AdaptivePartitioner({ random: ints(r + 8 * 1000) });
    p.updateQueueSizes([0, 3, 1]);
    assert.equal(p.partition({ key: null }, { partitionCount: 3 }), want[r], `random ${r}`);
  }
});

test('adaptive: draws follow maxQueue + 1 - queue weights and skip leaderless partitions', () => {
  const p = new AdaptivePartitioner({ random: seeded(21), batchRecords: 1, batchSize: 0 });
  p.updateQueueSizes([0, 9, 4, 0], 't');
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 20000; i++)
    counts[p.partition({ key: null }, { partitionCount: 4, topic: 't', available: [0, 1, 2] })]!++;
  // Available 0,1,2 with queues 0,9,4: weights 10,1,6 (partition 3 has no leader).
  assert.equal(counts[3], 0);
  assert.ok(Math.abs(counts[0]! / 20000 - 10 / 17) < 0.03, counts.join(','));
  assert.ok(Math.abs(counts[1]! / 20000 - 1 / 17) < 0.02, counts.join(','));
  assert.ok(Math.abs(counts[2]! / 20000 - 6 / 17) < 0.03, counts.join(','));
  // Keyed records are never affected by load.
  assert.equal(
    p.partition({ key: 'abc' }, { partitionCount: 4, topic: 't', available: [0] }),
    partitionForKey('abc', 4),
  );
});

test('adaptive: partitioner.availability.timeout.ms leaves out partitions whose leader stopped draining', () => {
  const p = new AdaptivePartitioner({
    random: seeded(22),
    batchRecords: 1,
    batchSize: 0,
    availabilityTimeoutMs: 100,
  });
  p.updateLoad({ readyTimeMs: [1000, 1000, 1000, 1000], drainTimeMs: [990, 800, 1000, 950] });
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[p.partition({ key: null }, { partitionCount: 4 })]!++;
  assert.equal(counts[1], 0, 'ready - drain = 200 > 100: excluded');
  assert.ok(counts[0]! > 1000 && counts[2]! > 1000 && counts[3]! > 1000, counts.join(','));
  // With adaptive disabled (default strategy, adaptive=false) load is ignored.
  const off = createStrategy('default', {
    adaptive: false,
    batchRecords: 1,
    batchSize: 0,
    availabilityTimeoutMs: 100,
    random: seeded(23),
  }) as AdaptivePartitioner;
  off.updateLoad({ readyTimeMs: [1000, 1000], drainTimeMs: [0, 0] });
  const c2 = [0, 0];
  for (let i = 0; i < 1000; i++) c2[off.partition({ key: null }, { partitionCount: 2 })]!++;
  assert.ok(c2[0]! > 300 && c2[1]! > 300);
});

test('roundrobin (Java RoundRobinPartitioner) cycles over available partitions, ignoring keys; legacy hashes keys', () => {
  const rr = new RoundRobinPartitioner();
  const got = Array.from({ length: 8 }, (_, i) =>
    rr.partition({ key: `k${i}` }, { partitionCount: 6, available: [1, 3, 4] }),
  );
  assert.deepEqual(got, [1, 3, 4, 1, 3, 4, 1, 3]);
  const rr2 = new RoundRobinPartitioner();
  assert.deepEqual(
    Array.from({ length: 5 }, () => rr2.partition({}, { partitionCount: 3 })),
    [0, 1, 2, 0, 1],
  );
  const legacy = new LegacyPartitioner({ random: ints(5) });
  assert.equal(legacy.partition({ key: 'abc' }, { partitionCount: 7 }), partitionForKey('abc', 7));
  assert.deepEqual(
    Array.from({ length: 4 }, () => legacy.partition({ key: null }, { partitionCount: 4 })),
    [1, 2, 3, 0],
  );
});

test('registry specs: sticky:<batchSize>, librdkafka :<lingerMs>, bad arguments are UsageErrors', () => {
  const p = createStrategy('sticky:2000', { random: seeded(30) });
  const s = Array.from({ length: 6 }, () => p.partition({ key: null, size: 1000 }, { partitionCount: 9 }));
  assert.equal(s[0], s[1]);
  assert.notEqual(s[1], s[2]);
  assert.ok(createStrategy('murmur2_random:0'));
  for (const bad of ['sticky:x', 'murmur2:1:2', 'roundrobin:3', 'sticky:0', 'nope']) {
    assert.throws(() => createStrategy(bad), UsageError, bad);
  }
  assert.throws(() => createStrategy('adaptive', { batchSize: -1 }), UsageError);
});

test('strategy aliases (crc32, round-robin, uniform-sticky, ...) build the strategy they name', async () => {
  const { STRATEGY_ALIASES, canonicalStrategyName } = await import('../../src/partitioners/registry.js');
  const names = new Set(strategyNames());
  for (const [alias, target] of Object.entries(STRATEGY_ALIASES)) {
    assert.ok(names.has(target), `${alias} -> ${target} is registered`);
    assert.ok(!names.has(alias), `${alias} does not shadow a strategy`);
    assert.equal(canonicalStrategyName(alias), target);
  }
  assert.equal(canonicalStrategyName('nope'), undefined);
  // crc32 is librdkafka's "consistent": the CRC32 placement of every key, the same as partitionForKey.
  const crc = createStrategy('crc32');
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: 1, max: 500 }), (key, n) => {
      assert.equal(crc.partition({ key }, { partitionCount: n }), partitionForKey(key, n, 'crc32'));
    }),
  );
  // Keyed aliases place like their targets; round-robin cycles like roundrobin.
  for (const [alias, target] of [
    ['crc32_random', 'consistent_random'],
    ['murmur2-random', 'murmur2_random'],
    ['java-default', 'default'],
    ['jump-hash', 'jump'],
  ] as const) {
    const a = createStrategy(alias);
    const b = createStrategy(target);
    for (const key of ['a', 'user-42', 'ünï']) {
      const ctx = { partitionCount: 12 };
      assert.equal(a.partition({ key }, ctx), b.partition({ key }, ctx), `${alias} ${key}`);
    }
  }
  const rr = createStrategy('round-robin');
  assert.deepEqual(
    Array.from({ length: 6 }, () => rr.partition({ key: null }, { partitionCount: 3 })),
    [0, 1, 2, 0, 1, 2],
  );
});
