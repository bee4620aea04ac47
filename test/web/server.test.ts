// The metrics endpoint and the dashboard server against a fake snapshot source (no cluster).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ServeMetrics, type SnapshotSource } from '../../src/web/metrics.js';
import { bearerMatches, startServer, type SnapshotView } from '../../src/web/server.js';
import { SnapshotHistory } from '../../src/web/history.js';
import type { TopicSnapshot } from '../../src/cluster/types.js';

class FakeSource implements SnapshotSource {
  snapshots: TopicSnapshot[] = [];
  private readonly listeners = new Set<(s: TopicSnapshot) => void>();
  all(): TopicSnapshot[] {
    return this.snapshots;
  }
  onSnapshot(cb: (s: TopicSnapshot) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  emit(s: TopicSnapshot): void {
    this.snapshots = [...this.snapshots.filter((x) => x.topic !== s.topic || x.group !== s.group), s];
    for (const l of this.listeners) l(s);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

function snapshot(
  takenAt: number,
  ends: number[],
  extra: Partial<TopicSnapshot> = {},
  lags?: number[],
): TopicSnapshot {
  return {
    topic: 'orders',
    takenAt,
    stale: false,
    partitions: ends.map((end, partition) => ({
      partition,
      leader: (partition % 3) + 1,
      leaderAvailable: partition !== 2,
      startOffset: 0,
      endOffset: end,
      rate: end / 10,
      ...(lags
        ? {
            committedOffset: end - lags[partition]!,
            lag: lags[partition]!,
            lagSeconds: lags[partition]! / 2,
            lagStatus: lags[partition]! > 0 ? ('STALL' as const) : ('OK' as const),
          }
        : {}),
    })),
    ...extra,
  };
}

/** Parses Prometheus text into "name{labels}" → value (labels as written, sorted by prom-client). */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

test('metrics: per-partition offsets, rate, leader health, skew over records and rate, health and data age', async () => {
  const src = new FakeSource();
  let now = 1_000_000;
  const m = new ServeMetrics(src, { processMetrics: false, now: () => now });
  src.emit(snapshot(now, [100, 100, 100, 700]));
  now += 2500;
  const v = parseMetrics(await m.render());
  assert.equal(v.get('kafka_partition_latest_offset{topic="orders",partition="3"}'), 700);
  assert.equal(v.get('kafka_partition_earliest_offset{topic="orders",partition="0"}'), 0);
  assert.equal(v.get('kpart_partition_rate{topic="orders",partition="3"}'), 70);
  assert.equal(v.get('kpart_partition_leader{topic="orders",partition="1"}'), 2);
  assert.equal(v.get('kpart_partition_leader_available{topic="orders",partition="2"}'), 0);
  assert.equal(v.get('kpart_topic_partitions{topic="orders"}'), 4);
  assert.equal(v.get('kpart_topic_skew_ratio{topic="orders",basis="records"}'), 7);
  assert.equal(v.get('kpart_topic_skew_ratio{topic="orders",basis="rate"}'), 7);
  assert.equal(v.get('kpart_topic_hotspot_partitions{topic="orders",basis="records"}'), 1);
  // mean 250, population stddev sqrt((3·150² + 450²)/4) = 259.8
  assert.ok(
    Math.abs(
      v.get('kpart_topic_coefficient_of_variation{topic="orders",basis="records"}')! - 259.8076 / 250,
    ) < 1e-3,
  );
  assert.equal(v.get('kpart_scrape_up{topic="orders",group=""}'), 1);
  assert.equal(v.get('kpart_data_stale{topic="orders",group=""}'), 0);
  assert.equal(v.get('kpart_data_age_seconds{topic="orders",group=""}'), 2.5);
  assert.equal(v.get('kpart_polls_total{topic="orders",result="ok"}'), 1);
  // No group watched: no consumer-group series.
  assert.ok(![...v.keys()].some((k) => k.startsWith('kafka_consumergroup_')));
  m.close();
  assert.equal(src.listenerCount, 0);
});

test('metrics: consumer-group lag in kafka-lag-exporter names, Burrow status as a state set, aggregates', async () => {
  const src = new FakeSource();
  const m = new ServeMetrics(src, { processMetrics: false, now: () => 5000 });
  src.emit(snapshot(5000, [50, 60, 70], { group: 'billing' }, [0, 10, 30]));
  const v = parseMetrics(await m.render());
  assert.equal(v.get('kafka_consumergroup_group_lag{group="billing",topic="orders",partition="2"}'), 30);
  assert.equal(v.get('kafka_consumergroup_group_offset{group="billing",topic="orders",partition="2"}'), 40);
  assert.equal(
    v.get('kafka_consumergroup_group_lag_seconds{group="billing",topic="orders",partition="1"}'),
    5,
  );
  assert.equal(v.get('kafka_consumergroup_group_max_lag{group="billing"}'), 30);
  assert.equal(v.get('kafka_consumergroup_group_sum_lag{group="billing"}'), 40);
  assert.equal(v.get('kafka_consumergroup_group_max_lag_seconds{group="billing"}'), 15);
  assert.equal(v.get('kafka_consumergroup_group_topic_sum_lag{group="billing",topic="orders"}'), 40);
  assert.equal(
    v.get('kpart_partition_lag_status{group="billing",topic="orders",partition="1",status="STALL"}'),
    1,
  );
  assert.equal(
    v.get('kpart_partition_lag_status{group="billing",topic="orders",partition="1",status="OK"}'),
    0,
  );
  assert.equal(
    v.get('kpart_partition_lag_status{group="billing",topic="orders",partition="0",status="OK"}'),
    1,
  );
  m.close();
});

test('metrics: a failed poll marks the data stale, age keeps growing, and a good poll clears it; vanished partitions vanish', async () => {
  const src = new FakeSource();
  let now = 10_000;
  const m = new ServeMetrics(src, { processMetrics: false, now: () => now });
  src.emit(snapshot(now, [5, 5, 5, 5]));
  now += 1000;
  src.emit({
    ...snapshot(10_000, [5, 5, 5, 5]),
    stale: true,
    error: 'broker 2 (127.0.0.1:1234) unreachable: ECONNREFUSED',
  });
  now += 4000;
  let v = parseMetrics(await m.render());
  assert.equal(v.get('kpart_data_stale{topic="orders",group=""}'), 1);
  assert.equal(v.get('kpart_scrape_up{topic="orders",group=""}'), 0);
  assert.equal(v.get('kpart_data_age_seconds{topic="orders",group=""}'), 5);
  assert.equal(v.get('kpart_polls_total{topic="orders",result="error"}'), 1);
  now += 1000;
  src.emit(snapshot(now, [6, 6]));
  v = parseMetrics(await m.render());
  assert.equal(v.get('kpart_data_stale{topic="orders",group=""}'), 0);
  assert.equal(v.get('kpart_data_age_seconds{topic="orders",group=""}'), 0);
  assert.equal(v.get('kafka_partition_latest_offset{topic="orders",partition="3"}'), undefined);
  assert.equal(v.get('kpart_topic_partitions{topic="orders"}'), 2);
  m.close();
});

test('history keeps fresh polls only, in order, bounded', () => {
  const h = new SnapshotHistory(3);
  for (let i = 1; i <= 5; i++) h.add(snapshot(i * 1000, [i, i], { group: 'g' }, [i, 2 * i]));
  h.add({ ...snapshot(9000, [1, 1], { group: 'g' }, [0, 0]), stale: true });
  h.add(snapshot(2000, [1, 1], { group: 'g' }, [0, 0])); // older than the newest: ignored
  const pts = h.get('orders', 'g');
  assert.deepEqual(
    pts.map((p) => p.t),
    [3000, 4000, 5000],
  );
  assert.deepEqual(
    pts.map((p) => p.totalLag),
    [9, 12, 15],
  );
  assert.deepEqual(pts[2]!.lag, [5, 10]);
  assert.deepEqual(h.get('orders'), []);
});

test('bearer check: exact token only, malformed headers rejected', () => {
  const expected = createHash('sha256').update('s3cret').digest();
  assert.equal(bearerMatches('Bearer s3cret', expected), true);
  assert.equal(bearerMatches('bearer s3cret', expected), true);
  assert.equal(bearerMatches('Bearer s3cre', expected), false);
  assert.equal(bearerMatches('Bearer s3cret2', expected), false);
  assert.equal(bearerMatches('Basic s3cret', expected), false);
  assert.equal(bearerMatches('s3cret', expected), false);
  assert.equal(bearerMatches(undefined, expected), false);
  assert.equal(bearerMatches('Bearer ', createHash('sha256').update('').digest()), false);
});

test('server: loopback by default, every route behind the token, dashboard assets local, JSON snapshot, 404/405', async () => {
  const src = new FakeSource();
  src.emit(snapshot(Date.now(), [10, 20, 30], { group: 'g1' }, [1, 2, 3]));
  const server = await startServer({ source: src, port: 0, token: 'tok-123', intervalMs: 1000 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const auth = { authorization: 'Bearer tok-123' };
    for (const path of [
      '',
      'metrics',
      'api/snapshot',
      'healthz',
      'dashboard.js',
      'vendor/chart.umd.js',
      'nope',
    ]) {
      const r = await fetch(server.url + path);
      assert.equal(r.status, 401, `/${path} without token`);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal(
        (await fetch(server.url + path, { headers: { authorization: 'Bearer wrong' } })).status,
        401,
      );
    }
    const page = await fetch(server.url, { headers: auth });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await page.text();
    assert.match(html, /src="vendor\/chart\.umd\.js"/);
    assert.doesNotMatch(html, /https?:\/\//, 'no external (CDN) resources');
    const chart = await fetch(server.url + 'vendor/chart.umd.js', { headers: auth });
    assert.equal(chart.status, 200);
    assert.match(await chart.text(), /Chart/);
    const metrics = await fetch(server.url + 'metrics', { headers: auth });
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(
      await metrics.text(),
      /kafka_consumergroup_group_lag\{group="g1",topic="orders",partition="2"\} 3/,
    );
    const view = (await (await fetch(server.url + 'api/snapshot', { headers: auth })).json()) as SnapshotView;
    assert.equal(view.intervalMs, 1000);
    assert.equal(view.topics.length, 1);
    assert.equal(view.topics[0]!.group, 'g1');
    assert.deepEqual(
      view.topics[0]!.partitions.map((p) => p.endOffset),
      [10, 20, 30],
    );
    assert.equal(view.topics[0]!.history.length, 1);
    assert.equal(view.topics[0]!.skew.records.loadSkewRatio, 3);
    assert.equal((await fetch(server.url + 'nope', { headers: auth })).status, 404);
    const post = await fetch(server.url + 'metrics', { method: 'POST', headers: auth });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  } finally {
    await server.close();
  }
  assert.equal(src.listenerCount, 0, 'close() unsubscribes from the source');
});

test('server: without a token the routes are open; close() ends keep-alive connections promptly', async () => {
  const src = new FakeSource();
  const server = await startServer({ source: src, port: 0 });
  const r = await fetch(server.url + 'api/snapshot');
  assert.equal(r.status, 200);
  assert.deepEqual(((await r.json()) as SnapshotView).topics, []);
  // fetch keeps the connection alive; close must not wait for its idle timeout.
  await server.close();
  await assert.rejects(fetch(server.url + 'healthz'));
});
