// PartitionMetrics against a fake admin and a fake clock: rates, lag, Burrow status, lag seconds, stale data,
// listeners, the background loop, and the feed into the load-aware partitioner's circuit breaker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import {
  PartitionMetrics,
  connectLoadAware,
  type MetricsTimers,
} from '../../src/cluster/partition-metrics.js';
import { FakeAdmin, clock } from './fake-admin.js';
import type { TopicSnapshot } from '../../src/cluster/types.js';
import { LoadAwarePartitioner } from '../../src/partitioners/load-aware.js';

test('rates, lag, lag seconds and Burrow status from successive polls', async () => {
  const fake = new FakeAdmin('orders', 3);
  const c = clock();
  const m = new PartitionMetrics({
    admin: fake.admin(),
    topics: ['orders'],
    groups: ['g'],
    probeLeaders: false,
    now: c.now,
  });
  fake.end = [100, 100, 100];
  fake.committed.set('g', [100, 50, 10]);
  let [s] = await m.pollOnce();
  assert.ok(s);
  assert.equal(s.stale, false);
  assert.equal(s.group, 'g');
  assert.deepEqual(
    s.partitions.map((p) => p.rate),
    [0, 0, 0],
    'first sample has no rate',
  );
  assert.deepEqual(
    s.partitions.map((p) => p.lag),
    [0, 50, 90],
  );
  // 10 s later: partition 0 keeps up, 1 moves slower than production (lag grows), 2 does not move at all.
  for (let i = 0; i < 3; i++) {
    c.advance(10_000);
    fake.end = fake.end.map((e) => e + 100);
    fake.committed.set('g', [fake.end[0]!, 50 + (i + 1) * 60, 10]);
    [s] = await m.pollOnce();
  }
  assert.ok(s);
  assert.deepEqual(
    s.partitions.map((p) => p.rate),
    [10, 10, 10],
  );
  assert.deepEqual(
    s.partitions.map((p) => p.endOffset),
    [400, 400, 400],
  );
  assert.deepEqual(
    s.partitions.map((p) => p.lag),
    [0, 170, 390],
  );
  assert.deepEqual(
    s.partitions.map((p) => p.lagStatus),
    ['OK', 'WARN', 'STALL'],
  );
  // End offset 400 now; partition 2's committed 10 was the log end before the first sample → extrapolated
  // along 10 records/s: 400 − 10 = 390 records = 39 s behind.
  assert.equal(s.partitions[0]!.lagSeconds, 0);
  assert.equal(s.partitions[2]!.lagSeconds, 39);
  // Partition 1 committed 230: the end was 230 at 13 s after the first sample (interpolated) → 30 − 13 = 17 s.
  assert.equal(s.partitions[1]!.lagSeconds, 17);
  assert.equal(m.history('orders', 2).length, 4);
  assert.deepEqual(m.latest('orders'), s);
});

test('a failed poll keeps the last data, marked stale with the error; recovery clears it', async () => {
  const fake = new FakeAdmin('t', 2);
  const c = clock();
  const m = new PartitionMetrics({ admin: fake.admin(), topics: ['t'], probeLeaders: false, now: c.now });
  const seen: TopicSnapshot[] = [];
  m.onSnapshot((s) => seen.push(s));
  fake.end = [5, 7];
  await m.pollOnce();
  c.advance(5000);
  fake.failOffsets = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1\nstack...');
  const [stale] = await m.pollOnce();
  assert.ok(stale);
  assert.equal(stale.stale, true);
  assert.equal(stale.error, 'Connection error: connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(stale.takenAt, 1_000_000, 'takenAt is the data time, not the attempt');
  assert.equal(stale.lastAttemptAt, 1_005_000);
  assert.deepEqual(
    stale.partitions.map((p) => p.endOffset),
    [5, 7],
  );
  fake.failOffsets = undefined;
  c.advance(5000);
  fake.end = [15, 7];
  const [ok] = await m.pollOnce();
  assert.equal(ok?.stale, false);
  assert.equal(ok?.error, undefined);
  assert.deepEqual(
    ok?.partitions.map((p) => p.rate),
    [1, 0],
    'rate spans the failed poll: 10 records / 10 s',
  );
  assert.deepEqual(
    seen.map((s) => s.stale),
    [false, true, false],
  );
});

test('a stale snapshot before any good data has no partitions; a throwing listener does not stop the others', async () => {
  const fake = new FakeAdmin('t', 2);
  fake.failOffsets = new Error('boom');
  const m = new PartitionMetrics({ admin: fake.admin(), topics: ['t'], probeLeaders: false });
  let got: TopicSnapshot | undefined;
  m.onSnapshot(() => {
    throw new Error('listener bug');
  });
  const off = m.onSnapshot((s) => (got = s));
  await m.pollOnce();
  assert.equal(got?.stale, true);
  assert.deepEqual(got?.partitions, []);
  off();
  got = undefined;
  await m.pollOnce();
  assert.equal(got, undefined, 'unsubscribed listener not called');
});

test('leader probing: a dead leader marks its partitions unavailable and names the broker; offsets are not requested', async () => {
  const server: Server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const livePort = (server.address() as { port: number }).port;
  // A port that refuses: bind, note it, close.
  const dead: Server = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
  const deadPort = (dead.address() as { port: number }).port;
  await new Promise<void>((r) => dead.close(() => r()));
  try {
    const fake = new FakeAdmin('t', 4);
    fake.brokers = [
      { nodeId: 1, host: '127.0.0.1', port: livePort },
      { nodeId: 2, host: '127.0.0.1', port: deadPort },
    ];
    fake.end = [1, 2, 3, 4];
    const m = new PartitionMetrics({ admin: fake.admin(), topics: ['t'], timeoutMs: 2000 });
    const [ok] = await m.pollOnce();
    assert.deepEqual(
      ok?.partitions.map((p) => p.leaderAvailable),
      [true, true, true, true],
    );
    fake.leaders.set(1, 2).set(3, 2);
    const calls = fake.calls;
    const [s] = await m.pollOnce();
    assert.ok(s);
    assert.equal(s.stale, true);
    assert.equal(fake.calls, calls, 'no offsets request to a topic with a known-dead leader');
    assert.match(
      s.error ?? '',
      new RegExp(
        `leader broker 2 \\(127\\.0\\.0\\.1:${deadPort}\\) unreachable \\(ECONNREFUSED\\) for partitions 1, 3`,
      ),
    );
    assert.deepEqual(
      s.partitions.map((p) => p.leaderAvailable),
      [true, false, true, false],
    );
    assert.deepEqual(
      s.partitions.map((p) => p.endOffset),
      [1, 2, 3, 4],
      'last data kept',
    );
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('start() polls in the background on the injected timers; stop() ends it', async () => {
  const fake = new FakeAdmin('t', 1);
  const pending: Array<{ fn: () => void; ms: number }> = [];
  const timers: MetricsTimers = {
    setTimeout: (fn, ms) => {
      const h = { fn, ms };
      pending.push(h);
      return h;
    },
    clearTimeout: (h) => {
      const i = pending.indexOf(h as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const m = new PartitionMetrics({
    admin: fake.admin(),
    topics: ['t'],
    probeLeaders: false,
    intervalMs: 750,
    timers,
  });
  const snaps: TopicSnapshot[] = [];
  m.onSnapshot((s) => snaps.push(s));
  const next = (): Promise<void> => new Promise((r) => setImmediate(r));
  m.start();
  m.start(); // idempotent
  while (pending.length === 0) await next();
  assert.equal(snaps.length, 1);
  assert.equal(pending.length, 1);
  assert.equal(pending[0]!.ms, 750);
  pending.shift()!.fn();
  while ((pending.length as number) === 0) await next();
  assert.equal(snaps.length, 2);
  await m.stop();
  assert.equal(pending.length, 0, 'stop clears the scheduled poll');
  assert.equal(m.isRunning, false);
});

test('connectLoadAware: a partition whose lag crosses the threshold is excluded for the recovery period, then restored', async () => {
  const fake = new FakeAdmin('t', 4);
  const c = clock();
  const m = new PartitionMetrics({
    admin: fake.admin(),
    topics: ['t'],
    groups: ['g'],
    probeLeaders: false,
    now: c.now,
  });
  const lp = new LoadAwarePartitioner({
    breaker: { threshold: 1000, recoveryMs: 30_000 },
    halfLifeMs: Infinity,
    refreshMs: 0,
  });
  const off = connectLoadAware(m, lp, { signal: 'lag' });
  const spread = (): Set<number> => {
    const used = new Set<number>();
    for (let i = 0; i < 400; i++) used.add(lp.partition({ key: null }, { partitionCount: 4, now: c.now() }));
    return used;
  };
  fake.end = [100, 100, 100, 100];
  fake.committed.set('g', [100, 100, 100, 100]);
  await m.pollOnce();
  assert.deepEqual([...spread()].sort(), [0, 1, 2, 3]);

  // Partition 2's consumer falls 5000 behind: excluded.
  c.advance(5000);
  fake.end = [200, 200, 5100, 200];
  fake.committed.set('g', [200, 200, 100, 200]);
  await m.pollOnce();
  assert.deepEqual(lp.stats(c.now(), 4).excluded, [2]);
  assert.equal(spread().has(2), false);

  // It catches up at once, but the breaker keeps it out for the recovery period...
  c.advance(5000);
  fake.committed.set('g', [200, 200, 5100, 200]);
  await m.pollOnce();
  assert.deepEqual(lp.stats(c.now(), 4).excluded, [2]);
  assert.equal(spread().has(2), false);

  // ...and lets it back after recovery with a low reading.
  c.advance(30_000);
  await m.pollOnce();
  assert.deepEqual(lp.stats(c.now(), 4).excluded, []);
  assert.equal(spread().has(2), true);

  // Stale snapshots are not fed as fresh readings.
  const updates = lp.stats(c.now(), 4).updates;
  fake.failOffsets = new Error('down');
  await m.pollOnce();
  assert.equal(lp.stats(c.now(), 4).updates, updates);
  off();
});

test('connectLoadAware by rate feeds records/s; lag without a group is refused', async () => {
  const fake = new FakeAdmin('t', 2);
  const c = clock();
  const m = new PartitionMetrics({ admin: fake.admin(), topics: ['t'], probeLeaders: false, now: c.now });
  assert.throws(
    () => connectLoadAware(m, { updateLoad: () => undefined }, { signal: 'lag' }),
    /consumer group/,
  );
  const got: Array<[number, number][]> = [];
  connectLoadAware(
    m,
    { updateLoad: (l) => got.push([...(l as ReadonlyMap<number, number>)]) },
    { signal: 'rate' },
  );
  await m.pollOnce();
  c.advance(2000);
  fake.end = [10, 0];
  await m.pollOnce();
  assert.deepEqual(got, [
    [
      [0, 0],
      [1, 0],
    ],
    [
      [0, 5],
      [1, 0],
    ],
  ]);
});
