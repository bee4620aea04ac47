// Space-Saving: exact when it has room, error bounds hold always, merges keep them, JSON round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SpaceSaving } from '../../src/analysis/heavy-hitters.js';
import { murmur2, murmur2Range } from '../../src/hash/index.js';

function trueCounts(stream: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of stream) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function checkBounds(s: SpaceSaving, stream: string[]): void {
  const truth = trueCounts(stream);
  const n = stream.length;
  const top = s.top(s.capacity);
  const monitored = new Map(top.map((h) => [h.key, h]));
  for (const h of top) {
    const t = truth.get(h.key) ?? 0;
    assert.ok(h.count - h.error <= t && t <= h.count, `${h.key}: ${h.count - h.error} <= ${t} <= ${h.count}`);
    assert.ok(h.error <= n / s.capacity + 1e-9);
  }
  for (const [k, t] of truth)
    if (t > n / s.capacity) assert.ok(monitored.has(k), `heavy key ${k} (${t}/${n}) must be monitored`);
}

test('range murmur2 equals src/hash murmur2', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(8), (bytes, pad) => {
      const buf = new Uint8Array(pad + bytes.length + 3);
      buf.set(bytes, pad);
      assert.equal(murmur2Range(buf, pad, pad + bytes.length), murmur2(bytes));
    }),
  );
});

test('exact counts and bytes when capacity >= distinct keys', () => {
  const s = new SpaceSaving(10, 1);
  const stream = ['a', 'b', 'a', 'c', 'a', 'b'];
  stream.forEach((k, i) => s.offer(k, i + 1, [k.charCodeAt(0) % 3]));
  const top = s.top(3);
  assert.deepEqual(
    top.map((h) => [h.key, h.count, h.error, h.bytes, h.partitions[0]]),
    [
      ['a', 3, 0, 1 + 3 + 5, 97 % 3],
      ['b', 2, 0, 2 + 6, 98 % 3],
      ['c', 1, 0, 4, 99 % 3],
    ],
  );
  assert.equal(s.total, 6);
  assert.equal(s.totalBytes, 21);
});

test('a key placed on two partitions is reported as spread (null)', () => {
  const s = new SpaceSaving(4, 2);
  s.offer('k', 1, [3, 1]);
  s.offer('k', 1, [3, 2]);
  assert.deepEqual(s.top(1)[0]!.partitions, [3, null]);
});

test('Space-Saving bounds hold on skewed random streams (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 600 }),
      fc.integer({ min: 1, max: 12 }),
      (xs, cap) => {
        // square the draw to skew the stream towards small ids
        const stream = xs.map((x) => `k${Math.floor((x * x) / 60)}`);
        const s = new SpaceSaving(cap, 0);
        for (const k of stream) s.offer(k);
        checkBounds(s, stream);
      },
    ),
  );
});

test('merged summaries keep the bounds for the combined stream (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 300 }),
      fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 300 }),
      fc.integer({ min: 1, max: 10 }),
      (xa, xb, cap) => {
        const a = xa.map((x) => `k${x % 7 === 0 ? 0 : x}`);
        const b = xb.map((x) => `k${x % 5 === 0 ? 0 : x}`);
        const sa = new SpaceSaving(cap, 0);
        const sb = new SpaceSaving(cap, 0);
        a.forEach((k) => sa.offer(k));
        b.forEach((k) => sb.offer(k));
        // through JSON, as worker processes ship them
        const merged = SpaceSaving.fromJSON(JSON.stringify(sa.toJSON())).merge(
          SpaceSaving.fromJSON(JSON.parse(JSON.stringify(sb))),
        );
        assert.equal(merged.total, a.length + b.length);
        checkBounds(merged, [...a, ...b]);
      },
    ),
  );
});

test('JSON round trip keeps non-UTF-8 keys byte-exact', () => {
  const s = new SpaceSaving(8, 1);
  const bin = new Uint8Array([0xff, 0x00, 0xfe]);
  s.offer(bin, 5, [2]);
  s.offer(bin, 5, [2]);
  s.offer('x'.repeat(100), 1, [1]); // longer than the inline arena slot
  const j = s.toJSON();
  assert.ok(j.entries.some((e) => e.keyBase64 === Buffer.from(bin).toString('base64')));
  const back = SpaceSaving.fromJSON(j);
  back.offer(bin, 1, [2]);
  back.offer('x'.repeat(100), 1, [1]);
  const top = back.top(2);
  assert.equal(top[0]!.count, 3);
  assert.equal(top[1]!.key, 'x'.repeat(100));
  assert.equal(top[1]!.count, 2);
});

test('eviction under churn keeps the table consistent (every monitored key is findable)', () => {
  const s = new SpaceSaving(16, 0);
  for (let i = 0; i < 20000; i++) s.offer(`key-${(i * 7919) % 997}`);
  const before = s.top(16);
  // offering a monitored key again must increment it, not insert a duplicate
  for (const h of before) s.offer(h.key);
  const after = new Map(s.top(16).map((h) => [h.key, h.count]));
  for (const h of before) assert.equal(after.get(h.key), h.count + 1, h.key);
});
