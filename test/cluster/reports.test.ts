// inspect/lag reports over a fake admin and clock: counts, shares, skew, samples, Burrow statuses (incl. STOP
// from DescribeGroups), hot-partition call-outs, and the printed tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectTopic } from '../../src/cluster/inspect.js';
import { findHotPartitions, watchGroupLag, type LagRow } from '../../src/cluster/lag.js';
import { renderInspect } from '../../src/cli/commands/inspect.js';
import { renderLag } from '../../src/cli/commands/lag.js';
import { ClusterError } from '../../src/errors.js';
import { FakeAdmin, clock } from './fake-admin.js';

test('inspect without interval: retained records, rate 0, skew and alerts over all partitions', async () => {
  const fake = new FakeAdmin('t', 4);
  fake.start = [0, 10, 0, 0];
  fake.end = [100, 110, 300, 0];
  const r = await inspectTopic(fake.admin(), 't', { timeoutMs: 1000, probeLeaders: false });
  assert.equal(r.countBasis, 'retained');
  assert.deepEqual(
    r.partitions.map((p) => p.records),
    [100, 100, 300, 0],
  );
  assert.deepEqual(
    r.partitions.map((p) => p.rate),
    [0, 0, 0, 0],
  );
  assert.deepEqual(
    r.partitions.map((p) => p.share),
    [0.2, 0.2, 0.6, 0],
  );
  assert.equal(r.skew.max, 300);
  assert.deepEqual(r.skew.empty, [3]);
  assert.deepEqual(r.skew.hotspots, [2]);
  assert.deepEqual(r.leadersPerBroker, { '1': 4 });
  assert.ok(r.alerts.some((a) => a.code === 'MAX_OVER_MIN'));
  const text = renderInspect(r);
  assert.match(text, /^topic t: 4 partitions, counts = records retained/);
  assert.match(text, /\n\s+2\s+1\s+0\s+300\s+300\s+0\s+60\.0%\n/);
});

test('inspect with interval: delta counts, rate over the measured time; a missing topic or dead read throws', async () => {
  const fake = new FakeAdmin('t', 3);
  const c = clock();
  fake.end = [10, 10, 10];
  const r = await inspectTopic(fake.admin(), 't', {
    timeoutMs: 1000,
    probeLeaders: false,
    intervalMs: 2000,
    now: c.now,
    sleep: async (ms) => {
      c.advance(ms);
      fake.end = [30, 10, 50];
    },
  });
  assert.equal(r.intervalMs, 2000);
  assert.deepEqual(
    r.partitions.map((p) => p.records),
    [20, 0, 40],
  );
  assert.deepEqual(
    r.partitions.map((p) => p.rate),
    [10, 0, 20],
  );
  assert.equal(r.totalRate, 30);
  await assert.rejects(
    inspectTopic(fake.admin(), 'other', { timeoutMs: 1000, probeLeaders: false }),
    (e: unknown) => e instanceof ClusterError && e.message === 'topic "other" not found',
  );
  fake.failOffsets = new Error('Request timed out');
  await assert.rejects(
    inspectTopic(fake.admin(), 't', { timeoutMs: 1000, probeLeaders: false }),
    (e: unknown) => e instanceof ClusterError && e.message === 'Request timed out',
  );
});

test('lag over a watch: statuses per Burrow, group rollup, lag history and seconds; topics from the group', async () => {
  const fake = new FakeAdmin('t', 4);
  const c = clock();
  fake.end = [100, 100, 100, 100];
  fake.committed.set('g', [100, 90, 90, 90]);
  let step = 0;
  const r = await watchGroupLag(fake.admin(), {
    group: 'g',
    samples: 4,
    sampleIntervalMs: 1000,
    timeoutMs: 1000,
    probeLeaders: false,
    now: c.now,
    sleep: async (ms) => {
      c.advance(ms);
      step++;
      fake.end = fake.end.map((e) => e + 10);
      // p0 keeps up; p1 slower than production; p2 stuck; p3 rewinds
      fake.committed.set('g', [fake.end[0]!, 90 + step * 5, 90, step === 2 ? 50 : 90 + step * 10]);
    },
  });
  assert.deepEqual(r.topics, ['t']);
  assert.equal(r.samples, 4);
  assert.equal(r.watchMs, 3000);
  assert.deepEqual(
    r.partitions.map((p) => p.status),
    ['OK', 'WARN', 'STALL', 'REWIND'],
  );
  assert.equal(r.status, 'REWIND');
  assert.deepEqual(r.partitions[1]!.lagHistory, [10, 15, 20, 25]);
  assert.deepEqual(r.partitions[2]!.lagHistory, [10, 20, 30, 40]);
  assert.deepEqual(r.partitions[3]!.lagHistory, [10, 10, 70, 10]);
  // p2 sits at 90; the log end was 100 at the first sample and grows 10/s, so it was at 90 one second before
  // (extrapolated): 3 + 1 = 4 s behind at the last sample.
  assert.equal(r.partitions[2]!.lagSeconds, 4);
  assert.equal(r.partitions[0]!.lagSeconds, 0);
});

test('STOP when DescribeGroups says the group is empty; STALL when it has members', async () => {
  for (const [state, members, expected] of [
    ['Empty', 0, 'STOP'],
    ['Stable', 2, 'STALL'],
  ] as const) {
    const fake = new FakeAdmin('t', 1);
    fake.groupStates.set('g', { state, members });
    const c = clock();
    fake.end = [10];
    fake.committed.set('g', [5]);
    const r = await watchGroupLag(fake.admin(), {
      group: 'g',
      topics: ['t'],
      samples: 3,
      sampleIntervalMs: 500,
      timeoutMs: 1000,
      probeLeaders: false,
      now: c.now,
      sleep: async (ms) => {
        c.advance(ms);
        fake.end = [fake.end[0]! + 5];
      },
    });
    assert.equal(r.partitions[0]!.status, expected, state);
  }
});

test('a single read has no status; a group without commits needs --topic', async () => {
  const fake = new FakeAdmin('t', 2);
  fake.end = [5, 5];
  fake.committed.set('g', [5, -1]);
  const r = await watchGroupLag(fake.admin(), { group: 'g', timeoutMs: 1000, probeLeaders: false });
  assert.equal(r.status, undefined);
  assert.deepEqual(
    r.partitions.map((p) => [p.committedOffset, p.lag, p.status]),
    [
      [5, 0, undefined],
      [-1, 5, undefined],
    ],
  );
  const text = renderLag(r);
  assert.match(text, /TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+LAG-SECONDS\n/);
  assert.match(text, /\nt\s+1\s+-\s+5\s+-\s+-\n/);
  assert.match(text, /never committed/);
  await assert.rejects(
    watchGroupLag(fake.admin(), { group: 'nobody', timeoutMs: 1000, probeLeaders: false }),
    /has no committed offsets.*--topic/,
  );
});

function row(partition: number, lag: number, topic = 't'): LagRow {
  return {
    topic,
    partition,
    leader: 1,
    committedOffset: 0,
    startOffset: 0,
    endOffset: lag,
    lag,
    rate: 0,
    lagHistory: [],
  };
}

test('hot partitions: lag on few partitions is called out; even lag or one partition is not', () => {
  const hot = findHotPartitions([row(0, 10), row(1, 5000), row(2, 0), row(3, 12), row(4, 8), row(5, 10)]);
  assert.equal(hot.length, 1);
  assert.deepEqual(hot[0]!.partitions, [1]);
  assert.ok(hot[0]!.lagShare > 0.99);
  assert.match(hot[0]!.message, /hot-partition symptom/);
  assert.deepEqual(findHotPartitions([row(0, 100), row(1, 110), row(2, 90)]), []);
  assert.deepEqual(findHotPartitions([row(0, 100)]), []);
  assert.deepEqual(findHotPartitions([row(0, 0), row(1, 0)]), []);
});
