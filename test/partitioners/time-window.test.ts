import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimeWindowPartitioner } from '../../src/partitioners/time-window.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { murmur2, toPositive } from '../../src/hash/index.js';
import { keyArb } from './routing-helpers.js';

test('window id → partition: consecutive windows walk the partitions', () => {
  const tw = createStrategy('time-window:60000');
  const ctx = { partitionCount: 4 };
  const at = (minute: number, s = 0): number =>
    tw.partition({ key: 'k', timestamp: minute * 60_000 + s * 1000 }, ctx);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((m) => at(m)),
    [0, 1, 2, 3, 0, 1],
  );
  assert.equal(at(7, 59), at(7, 0), 'same window, same partition');
  assert.equal(tw.partition({ timestamp: -1 }, ctx), 3, 'window -1 wraps to the last partition');
  assert.equal(
    tw.partition({ key: null }, { partitionCount: 4, now: 120_000 }),
    2,
    'ctx.now when no timestamp',
  );
});

test('spread k: a window covers k consecutive partitions, keyed by murmur2(key) % k, keyless round-robin', () => {
  const tw = new TimeWindowPartitioner({ windowMs: 1000, spread: 3 });
  const ctx = { partitionCount: 10 };
  for (let i = 0; i < 50; i++) {
    const key = `user-${i}`;
    assert.equal(tw.partition({ key, timestamp: 9_500 }, ctx), (9 + (toPositive(murmur2(key)) % 3)) % 10);
  }
  assert.deepEqual(
    Array.from({ length: 4 }, () => tw.partition({ timestamp: 2000 }, ctx)),
    [2, 3, 4, 2],
  );
  const s = tw.score({ key: null, timestamp: 9_000 }, ctx);
  assert.deepEqual(
    [...s].map((x) => (x > 0 ? 1 : 0)),
    [1, 1, 0, 0, 0, 0, 0, 0, 0, 1],
  );
  assert.equal(Math.max(...s), 1);
});

test('property: in range and deterministic for keyed records; a window never leaves its k slots', () => {
  fc.assert(
    fc.property(
      keyArb,
      fc.integer({ min: -1e13, max: 1e13 }),
      fc.integer({ min: 1, max: 1e7 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 64 }),
      (key, ts, windowMs, spread, n) => {
        const tw = new TimeWindowPartitioner({ windowMs, spread });
        const p = tw.partition({ key, timestamp: ts }, { partitionCount: n });
        assert.equal(tw.partition({ key, timestamp: ts }, { partitionCount: n }), p);
        assert.ok(Number.isInteger(p) && p >= 0 && p < n);
        const base = tw.basePartition(tw.windowOf(ts), n);
        assert.ok((p - base + n) % n < Math.min(spread, n));
      },
    ),
  );
});

test('spec errors', () => {
  assert.equal(
    (createStrategy('time-window') as TimeWindowPartitioner).windowMs,
    60_000,
    'one-minute default',
  );
  assert.throws(() => createStrategy('time-window:0'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('time-window:1m'), { code: 'E_STRATEGY' });
  assert.throws(() => createStrategy('time-window:1000:0'), { code: 'E_STRATEGY' });
  assert.throws(
    () => createStrategy('time-window:1000').partition({ timestamp: NaN }, { partitionCount: 2 }),
    { code: 'E_TIMESTAMP' },
  );
  assert.equal(createStrategy('time-window', { windowMs: 10, spread: 2 }).name, 'time-window:10:2');
});
