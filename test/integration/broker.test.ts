// Foundation integration tests: the test broker is a real Kafka peer for KafkaJS and kcat, and faults
// injected through the launcher surface as errors instead of hangs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import {
  startTestCluster,
  testConsumerConfig,
  testKafka,
  within,
  type TestCluster,
} from '../broker/harness.js';
import { partitionForKey } from '../../src/hash/index.js';

const run = promisify(execFile);
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster({ brokers: 3 });
});
after(async () => {
  await cluster?.stop();
});

test('KafkaJS produces keyed records to a 12-partition topic; end offsets read back match murmur2 placement', async () => {
  const topic = cluster.uniqueName('keyed');
  await cluster.createTopic(topic, 12);
  const kafka = testKafka(cluster.brokers);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const keys = Array.from({ length: 600 }, (_, i) => `user-${i * 7919}`);
  await producer.send({ topic, messages: keys.map((key) => ({ key, value: `v-${key}` })) });
  await producer.disconnect();

  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();

  assert.equal(offsets.length, 12);
  const expected = new Array<number>(12).fill(0);
  for (const k of keys) expected[partitionForKey(k, 12)]! += 1;
  const actual = new Array<number>(12).fill(0);
  for (const o of offsets) actual[o.partition] = Number(o.high) - Number(o.low);
  assert.deepEqual(actual, expected);
  assert.equal(
    actual.reduce((a, b) => a + b, 0),
    keys.length,
  );
});

test('a kcat (librdkafka) producer and a KafkaJS consumer see the same records', async () => {
  const topic = cluster.uniqueName('interop');
  await cluster.createTopic(topic, 4);
  const records = Array.from({ length: 50 }, (_, i) => `k${i}:value-${i}`);
  const child = spawn(
    'kcat',
    ['-P', '-b', cluster.brokers.join(','), '-t', topic, '-K', ':', '-X', 'partitioner=murmur2'],
    {
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(records.join('\n') + '\n');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `kcat failed: ${err}`);

  const kafka = testKafka(cluster.brokers);
  const consumer = kafka.consumer({ groupId: cluster.uniqueName('g'), ...testConsumerConfig });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        const key = message.key?.toString() ?? '';
        // kcat with murmur2 must agree with kpart's placement too.
        assert.equal(partition, partitionForKey(key, 4));
        seen.push(`${key}:${message.value?.toString() ?? ''}`);
        if (seen.length === records.length) resolve();
      },
    });
  });
  await within(30000, done, `consuming ${records.length} records`);
  await consumer.disconnect();
  assert.deepEqual([...seen].sort(), [...records].sort());
});

test('kcat lists the topic metadata the launcher created', async () => {
  const topic = cluster.uniqueName('meta');
  await cluster.createTopic(topic, 7);
  const { stdout } = await run('kcat', ['-L', '-J', '-b', cluster.brokers.join(','), '-t', topic], {
    timeout: 15000,
  });
  const meta = JSON.parse(stdout) as { topics: { topic: string; partitions: unknown[] }[] };
  assert.equal(meta.topics[0]?.topic, topic);
  assert.equal(meta.topics[0]?.partitions.length, 7);
});

test('with a broker taken down, a metadata request reports the partitions it led as leaderless (no hang)', async (t) => {
  if (!cluster.canInjectFaults) return t.skip('needs the mock cluster');
  const { describeTopicTopology } = await import('../../src/cluster/topology.js');
  const topic = cluster.uniqueName('down');
  await cluster.createTopic(topic, 6);
  const kafka = testKafka(cluster.brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const before = await describeTopicTopology(admin, topic, 3000);
    assert.deepEqual(before.leaderless, []);
    const victim = before.partitions[0]!.leader;
    const led = before.partitions.filter((p) => p.leader === victim).map((p) => p.partition);
    await cluster.brokerDown(victim);
    const started = Date.now();
    const after = await describeTopicTopology(admin, topic, 3000);
    assert.ok(Date.now() - started < 10000, 'answered within the timeout');
    assert.deepEqual(after.leaderless, led);
    const b = after.brokers.find((x) => x.nodeId === victim);
    assert.equal(b?.reachable, false);
    assert.match(b?.error ?? '', /ECONNREFUSED|no answer/);
    await cluster.brokerUp(victim);
    const again = await describeTopicTopology(admin, topic, 3000);
    assert.deepEqual(again.leaderless, []);
  } finally {
    await admin.disconnect();
  }
});
