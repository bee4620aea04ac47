// The instrumented producer against the test broker under faults: raised RTT on one broker steers keyless
// load-aware traffic away from the partitions it leads (the shift is reported), KafkaJS metadata refreshes
// reach the partitioner, and SIGTERM flushes in-flight sends before the process ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestCluster, testKafka, within, type TestCluster } from '../broker/harness.js';
import { InstrumentedProducer } from '../../src/cluster/instrumented-producer.js';
import { LoadAwarePartitioner } from '../../src/partitioners/load-aware.js';

const FIXTURE = new URL('./fixtures/signal-producer.js', import.meta.url).pathname;
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster({ brokers: 3 });
});
after(async () => {
  await cluster?.stop();
});

async function endOffsets(topic: string): Promise<number[]> {
  const admin = testKafka(cluster.brokers).admin();
  await admin.connect();
  try {
    const o = await admin.fetchTopicOffsets(topic);
    const out = new Array<number>(o.length).fill(0);
    for (const x of o) out[x.partition] = Number(x.high) - Number(x.low);
    return out;
  } finally {
    await admin.disconnect();
  }
}

async function leaders(topic: string): Promise<number[]> {
  const admin = testKafka(cluster.brokers).admin();
  await admin.connect();
  try {
    const m = await admin.fetchTopicMetadata({ topics: [topic] });
    const out: number[] = [];
    for (const p of m.topics[0]!.partitions) out[p.partitionId] = p.leader;
    return out;
  } finally {
    await admin.disconnect();
  }
}

test('RTT raised on one broker: the load-aware producer sends measurably less keyless traffic to the partitions it leads', async (t) => {
  if (!cluster.canInjectFaults) return t.skip('needs the mock cluster');
  const topic = cluster.uniqueName('rtt');
  await cluster.createTopic(topic, 6);
  // Leaders round-robin over the three brokers (the mock's own placement varies), so one broker leads 2 of 6.
  for (let p = 0; p < 6; p++)
    await cluster.setLeader(topic, p, cluster.brokerIds[p % cluster.brokerIds.length]!);
  const lead = await leaders(topic);
  const slow = lead[0]!;
  const slowParts = lead.flatMap((b, p) => (b === slow ? [p] : []));
  assert.ok(slowParts.length >= 1 && slowParts.length < 6, `leaders: ${lead.join(',')}`);

  // A short half-life so the measured latencies dominate; p2c keeps probing the slow partitions now and then.
  const strategy = new LoadAwarePartitioner({ halfLifeMs: 5000 });
  const ip = new InstrumentedProducer(testKafka(cluster.brokers), { strategy });
  await ip.connect();
  const share = (counts: number[]): number =>
    slowParts.reduce((a, p) => a + counts[p]!, 0) /
    Math.max(
      1,
      counts.reduce((a, b) => a + b, 0),
    );
  try {
    const batch = (): { value: string }[] =>
      Array.from({ length: 20 }, (_, i) => ({ value: `payload-${i}` }));
    for (let i = 0; i < 40; i++) await ip.send({ topic, messages: batch() });
    const before = ip.deliveredCounts(topic, 6);
    const latencyBefore = JSON.stringify(
      Object.fromEntries(Object.entries(ip.stats().brokerLatencyMs).map(([k, v]) => [k, Math.round(v)])),
    );
    await cluster.setRtt(slow, 250);
    for (let i = 0; i < 40; i++) await ip.send({ topic, messages: batch() });
    const all = ip.deliveredCounts(topic, 6);
    const afterOnly = all.map((n, p) => n - before[p]!);
    const stats = ip.stats();
    const report =
      `broker ${slow} (leads partitions ${slowParts.join(',')}) RTT 0 → 250 ms: keyless share on its partitions ` +
      `${(100 * share(before)).toFixed(1)}% → ${(100 * share(afterOnly)).toFixed(1)}% ` +
      `(fair share ${((100 * slowParts.length) / 6).toFixed(1)}%); per partition before [${before.join(',')}] after [${afterOnly.join(',')}]; ` +
      `ack latency EWMA ms before ${latencyBefore} after ${JSON.stringify(Object.fromEntries(Object.entries(stats.brokerLatencyMs).map(([k, v]) => [k, Math.round(v)])))}`;
    t.diagnostic(report);
    console.log(`kpart RTT shift: ${report}`);
    assert.ok(share(before) > (0.6 * slowParts.length) / 6, `before near fair share: ${report}`);
    assert.ok(share(afterOnly) < share(before) / 2, `share at least halves: ${report}`);
    // What the producer counted is what the broker holds.
    assert.deepEqual(await endOffsets(topic), all);
  } finally {
    await cluster.setRtt(slow, 0);
    await ip.close();
  }
});

test('partition metadata refresh reaches the partitioner (partition growth is covered through that seam)', async () => {
  // The mock cannot add partitions (no CreatePartitions; "create-topic" on an existing name fails), so this
  // checks the live half: KafkaJS's periodic metadata refresh (metadataMaxAge) hands the partitioner a new
  // partitionMetadata — the path on which a grown topic arrives. test/cluster/instrumented-producer.test.ts
  // feeds 4 → 8 partitions through the same seam and sees records on the new ones.
  const topic = cluster.uniqueName('grow');
  await cluster.createTopic(topic, 4);
  const ip = new InstrumentedProducer(testKafka(cluster.brokers), {
    strategy: 'murmur2',
    producerConfig: { metadataMaxAge: 300 },
  });
  await ip.connect();
  try {
    await ip.send({ topic, messages: [{ value: 'a' }] });
    const first = ip.stats().metadataUpdates;
    assert.equal(first, 1);
    await within(
      15000,
      (async () => {
        while (ip.stats().metadataUpdates === first) {
          await new Promise((r) => setTimeout(r, 350));
          await ip.send({ topic, messages: [{ value: 'b' }] });
        }
      })(),
      'a metadata refresh',
    );
    assert.deepEqual(ip.stats().partitionCounts, { [topic]: 4 });
    // A grown topic: the function KafkaJS calls, given the refreshed metadata plus 4 partitions, uses them.
    const grown = Array.from({ length: 8 }, (_, i) => ({
      partitionId: i,
      leader: 1,
      replicas: [1],
      isr: [1],
      partitionErrorCode: 0,
    }));
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++)
      seen.add(
        ip.partitionFunction({ topic, partitionMetadata: grown, message: { key: `key-${i}`, value: 'x' } }),
      );
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await ip.close();
  }
});

test('SIGTERM: the producer finishes the send in flight, refuses new ones, disconnects, and the process ends by the signal', async (t) => {
  if (!cluster.canInjectFaults) return t.skip('needs the mock cluster (RTT keeps a send in flight)');
  const topic = cluster.uniqueName('sigterm');
  await cluster.createTopic(topic, 3);
  // Slow acks on every broker, so the SIGTERM lands while a send waits for its acknowledgement.
  for (const id of cluster.brokerIds) await cluster.setRtt(id, 300);
  const child = spawn(process.execPath, [FIXTURE, cluster.brokers.join(','), topic], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    let signalled = -1;
    await within(
      20000,
      new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          // After two acknowledged sends, signal right as the third starts.
          const m = /sending (\d+)\n$/.exec(out);
          if (signalled < 0 && m && Number(m[1]) >= 2) {
            signalled = Number(m[1]);
            child.kill('SIGTERM');
            resolve();
          }
        });
      }),
      'the producer to start sending',
    );
    const { code, signal } = await within(20000, exited, 'the producer process to end');
    assert.equal(signal, 'SIGTERM', `ended by the re-raised signal (code ${code}): ${err}`);
    assert.match(
      out,
      new RegExp(`acked ${signalled} 25\\n`),
      `the send in flight at SIGTERM was acknowledged:\n${out}`,
    );
    assert.match(out, /closed\n/, 'later sends were refused');
    const acked = [...out.matchAll(/acked \d+ (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    const held = (await endOffsets(topic)).reduce((a, b) => a + b, 0);
    assert.equal(
      held,
      acked,
      'every record the broker holds was acknowledged to the application (nothing cut mid-flight)',
    );
    t.diagnostic(`signalled during send ${signalled}; ${acked} records acknowledged and on the broker`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const id of cluster.brokerIds) await cluster.setRtt(id, 0);
  }
});
