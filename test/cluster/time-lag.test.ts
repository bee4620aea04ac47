// Offset→time interpolation as kafka-lag-exporter's LookupTable does it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetTimeTable } from '../../src/cluster/time-lag.js';

test('interpolates between the two points around the committed offset', () => {
  const t = new OffsetTimeTable();
  t.add({ offset: 100, time: 10_000 });
  t.add({ offset: 200, time: 20_000 });
  t.add({ offset: 400, time: 30_000 });
  // 300 lies halfway between 200@20s and 400@30s → produced at 25 s; now = 30 s → 5 s behind.
  assert.deepEqual(t.lookup(300), { time: 25_000, extrapolated: false });
  assert.equal(t.lagSeconds(300, 30_000), 5);
  assert.equal(t.lagSeconds(150, 30_000), 15);
});

test('extrapolates along the whole table when the offset is older than the table', () => {
  const t = new OffsetTimeTable();
  t.add({ offset: 1000, time: 100_000 });
  t.add({ offset: 2000, time: 110_000 });
  const r = t.lookup(500);
  assert.ok(r !== undefined && r !== 'zero');
  assert.equal(r.extrapolated, true);
  assert.equal(r.time, 95_000);
  assert.equal(t.lagSeconds(500, 110_000), 15);
});

test('committed offset at the newest end offset is zero lag; one point alone gives no estimate', () => {
  const t = new OffsetTimeTable();
  t.add({ offset: 50, time: 1000 });
  assert.equal(t.lagSeconds(50, 9000), 0);
  assert.equal(t.lagSeconds(40, 9000), undefined);
});

test('flat lines are compressed to their first and latest point; out-of-order and decreasing points dropped', () => {
  const t = new OffsetTimeTable();
  t.add({ offset: 100, time: 1000 });
  t.add({ offset: 200, time: 2000 });
  t.add({ offset: 200, time: 3000 });
  t.add({ offset: 200, time: 4000 });
  t.add({ offset: 200, time: 5000 });
  assert.deepEqual(t.dump(), [
    { offset: 100, time: 1000 },
    { offset: 200, time: 2000 },
    { offset: 200, time: 5000 },
  ]);
  t.add({ offset: 300, time: 4500 }); // older than the newest point
  t.add({ offset: 150, time: 6000 }); // end offset went down
  assert.equal(t.length, 3);
  // A table that never moved cannot be extrapolated.
  const flat = new OffsetTimeTable();
  flat.add({ offset: 7, time: 1 });
  flat.add({ offset: 7, time: 2 });
  assert.equal(flat.lagSeconds(3, 10), undefined);
});

test('the table slides: the oldest point leaves at the limit', () => {
  const t = new OffsetTimeTable(3);
  for (let i = 1; i <= 5; i++) t.add({ offset: i * 10, time: i * 1000 });
  assert.deepEqual(
    t.dump().map((p) => p.offset),
    [30, 40, 50],
  );
});
