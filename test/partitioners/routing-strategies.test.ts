// Registry-level checks over every routing strategy: spec names registered, help text present, and the shared
// properties (result in range for any record; keyed strategies deterministic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createStrategy, strategyDefinitions } from '../../src/partitioners/registry.js';
import { routingStrategies } from '../../src/partitioners/routing-strategies.js';
import { seeded } from '../support/prng.js';

const specs: Array<[string, Record<string, unknown>, boolean]> = [
  // spec, options, deterministic for keyed records (given the same record)
  ['explicit:header=p:invalid=fallback', {}, true],
  ['priority:high=0,low=1-2', {}, true],
  ['field:region:eu=0', {}, true],
  ['geo', { lookup: (ip: string) => (ip.startsWith('1.') ? 'eu' : undefined), regions: { eu: 0 } }, true],
  ['time-window:1000:3', {}, true],
  ['salted:4', {}, false], // round-robin salts: in range, not deterministic per record
  ['salted:4:sub-key=user', {}, true],
  ['composite:tenant,user', {}, true],
  ['jump', {}, true],
  ['load-aware', { random: seeded(9) }, true], // keyed = Java murmur2
  ['load-aware:weighted:keyed=steer:threshold=50:recovery=100', { random: seeded(10) }, false],
  ['weighted:time-window:1000=0.5,jump=0.5', {}, true],
];

test('every routing strategy is registered with a description', () => {
  const names = new Set(strategyDefinitions().map((d) => d.name));
  for (const d of routingStrategies) {
    assert.ok(names.has(d.name), d.name);
    assert.ok(d.description.length > 10);
  }
  for (const name of [
    'explicit',
    'priority',
    'field',
    'geo',
    'time-window',
    'salted',
    'composite',
    'weighted',
    'load-aware',
    'jump',
  ]) {
    assert.ok(names.has(name), `missing ${name}`);
  }
});

const recordArb = fc.record({
  key: fc.option(fc.oneof(fc.string({ maxLength: 10 }), fc.uint8Array({ maxLength: 10 })), { nil: null }),
  timestamp: fc.integer({ min: 0, max: 1e12 }),
  value: fc.record({
    region: fc.constantFrom('eu', 'us', undefined),
    tenant: fc.string({ maxLength: 4 }),
    user: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
    ip: fc.constantFrom('1.2.3.4', '10.0.0.1', 'bogus'),
  }),
  headers: fc.record({
    priority: fc.constantFrom('high', 'low', 'none'),
    p: fc.constantFrom('0', '2', '99', 'x'),
  }),
});

for (const [spec, options, deterministic] of specs) {
  test(`${spec}: always in range${deterministic ? ', deterministic for keyed records' : ''}`, () => {
    const s = createStrategy(spec, options);
    fc.assert(
      fc.property(
        recordArb,
        fc.integer({ min: 3, max: 64 }),
        fc.integer({ min: 0, max: 1e6 }),
        (rec, n, load) => {
          if ('updateLoad' in s)
            (s as unknown as { updateLoad(l: number[], at: number): void }).updateLoad(
              [load, 0, load / 2],
              0,
            );
          const ctx = { partitionCount: n, now: 1 };
          const p = s.partition(rec, ctx);
          assert.ok(Number.isInteger(p) && p >= 0 && p < n, `${p} of ${n}`);
          if (deterministic && rec.key !== null) assert.equal(s.partition(rec, ctx), p);
          if (s.score) assert.equal(s.score(rec, ctx).length, n);
        },
      ),
      { numRuns: 150 },
    );
  });
}

test('the registry knows which strategies read record fields beyond the key (the analyzer parses records only for those)', async () => {
  const { specsReadRecordFields } = await import('../../src/partitioners/registry.js');
  for (const keyOnly of [
    'murmur2',
    'murmur2_random:0',
    'consistent_random',
    'fnv1a',
    'random',
    'default',
    'sticky',
    'adaptive',
    'roundrobin',
    'legacy',
    'salted:8',
    'jump',
  ]) {
    assert.equal(specsReadRecordFields([keyOnly]), false, keyOnly);
  }
  for (const reads of [
    'field:region',
    'geo',
    'explicit',
    'priority',
    'composite:tenant',
    'time-window:60000',
    'weighted:murmur2=1',
  ]) {
    assert.equal(specsReadRecordFields([reads]), true, reads);
    assert.equal(specsReadRecordFields(['murmur2', reads]), true, `murmur2 + ${reads}`);
  }
  assert.equal(specsReadRecordFields(['no-such-strategy']), true, 'unknown: assume it reads fields');
});

test('validate: a configuration naming partitions beyond the topic is one InputError up front, through wrappers too', async () => {
  const { withCache, withFallback, withCounters } = await import('../../src/partitioners/wrappers.js');
  const { validateFor } = await import('../../src/partitioners/types.js');
  const geoOpts = { lookup: () => 'eu', regions: { eu: 6 } };
  const cases: Array<[string, Record<string, unknown>, number]> = [
    // spec, options, the highest partition the configuration names
    ['field:region:eu=0-1,us=5', {}, 5],
    ['field:region:eu=0:unknown=2-7', {}, 7],
    ['priority:high=0,low=3', {}, 3],
    ['geo', geoOpts, 6],
    ['weighted:priority:high=4=0.5,murmur2=0.5', {}, 4],
  ];
  for (const [spec, options, highest] of cases) {
    const p = createStrategy(spec, options);
    for (const wrapped of [p, withCache(p), withFallback(p), withCounters(p)]) {
      assert.doesNotThrow(() => validateFor(wrapped, highest + 1), spec);
      assert.throws(
        () => validateFor(wrapped, highest),
        (e: Error & { code?: string }) =>
          e.code === 'E_PARTITION' &&
          e.message.includes(`partition ${highest} does not exist (topic has ${highest})`),
        spec,
      );
    }
  }
  // A fallback strategy is checked as well.
  const fb = withFallback(createStrategy('murmur2'), { fallback: createStrategy('priority:high=9') });
  assert.throws(() => validateFor(fb, 4), /partition 9 does not exist/);
  // Strategies without partition lists accept any count.
  for (const spec of ['murmur2', 'sticky', 'time-window:1000:3', 'jump', 'salted:4'])
    assert.doesNotThrow(() => validateFor(createStrategy(spec), 1), spec);
});
