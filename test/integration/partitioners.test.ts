// Partitioners against a real Kafka wire-protocol peer (librdkafka's mock cluster, or KAFKA_BROKERS):
//   1. KafkaJS produces through kpart's adapter; every record is found at the partition kpart computed;
//   2. a librdkafka producer (kcat -X partitioner=...) and `kpart place` put the same keys on the same
//      partitions (and librdkafka's null-key rule for murmur2 matches kpart's);
//   3. with a partition leader down, the adaptive strategy sends no keyless record to its partitions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import {
  startTestCluster,
  testConsumerConfig,
  testKafka,
  within,
  type TestCluster,
} from '../broker/harness.js';
import { runCli } from '../cli/run-cli.js';
import { createPartitioner } from '../../src/adapters/kafkajs.js';
import { partitionForKey } from '../../src/hash/index.js';
import { createStrategy } from '../../src/partitioners/registry.js';
import { withCounters } from '../../src/partitioners/wrappers.js';
import { describeTopicTopology } from '../../src/cluster/topology.js';

const run = promisify(execFile);
let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster({ brokers: 3 });
});
after(async () => {
  await cluster?.stop();
});

const KEYS = [
  ...Array.from({ length: 150 }, (_, i) => `user-${i * 7919}`),
  ...Array.from({ length: 40 }, (_, i) => `Zürich-東京-${i}-😀`),
];

test('KafkaJS through kpart adapters (murmur2 and fnv1a): every record is at the partition kpart computed', async () => {
  const kafka = testKafka(cluster.brokers);
  const topics = { murmur2: cluster.uniqueName('kp-m2'), fnv1a: cluster.uniqueName('kp-fnv') } as const;
  for (const t of Object.values(topics)) await cluster.createTopic(t, 12);
  const bufferKeys = Array.from({ length: 30 }, (_, i) => Buffer.from([0xff, i, 0x00, 0x80 + i]));
  for (const [strategy, topic] of Object.entries(topics)) {
    const producer = kafka.producer({ createPartitioner: createPartitioner(strategy) });
    await producer.connect();
    try {
      await within(
        20000,
        producer.send({
          topic,
          messages: [...KEYS, ...bufferKeys].map((key, i) => ({ key, value: `v${i}` })),
        }),
        'produce',
      );
    } finally {
      await producer.disconnect();
    }
  }
  const total = KEYS.length + bufferKeys.length;
  const consumer = kafka.consumer({ groupId: cluster.uniqueName('g'), ...testConsumerConfig });
  await consumer.connect();
  const found: Array<{ topic: string; partition: number; key: Buffer }> = [];
  try {
    for (const t of Object.values(topics)) await consumer.subscribe({ topic: t, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          found.push({ topic, partition, key: message.key ?? Buffer.alloc(0) });
          if (found.length === 2 * total) resolve();
        },
      });
    });
    await within(45000, done, `consuming ${2 * total} records`);
  } finally {
    await consumer.disconnect();
  }
  let fnvDiffers = 0;
  for (const r of found) {
    const algo = r.topic === topics.fnv1a ? 'fnv1a' : 'murmur2';
    assert.equal(r.partition, partitionForKey(r.key, 12, algo), `${algo} key ${r.key.toString('hex')}`);
    if (algo === 'fnv1a' && r.partition !== partitionForKey(r.key, 12)) fnvDiffers++;
  }
  assert.ok(fnvDiffers > 50, 'the fnv1a topic really used the kpart strategy, not KafkaJS murmur2');
});

async function kcatProduce(
  topic: string,
  partitioner: string,
  lines: readonly string[],
  keyed: boolean,
): Promise<void> {
  const args = [
    '-P',
    '-b',
    cluster.brokers.join(','),
    '-t',
    topic,
    '-X',
    `partitioner=${partitioner}`,
    ...(keyed ? ['-K', '\t'] : []),
  ];
  const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(lines.join('\n') + '\n');
  const code = await within(
    20000,
    new Promise<number | null>((resolve) => child.on('exit', resolve)),
    'kcat produce',
  );
  assert.equal(code, 0, `kcat failed: ${err}`);
}

/** key (hex) → partition, as kcat reads the topic back. */
async function kcatPlacements(topic: string, expected: number): Promise<Map<string, number[]>> {
  const { stdout } = await run(
    'kcat',
    ['-C', '-b', cluster.brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\t%p\n'],
    {
      timeout: 20000,
      encoding: 'buffer',
      maxBuffer: 1 << 24,
    },
  );
  const map = new Map<string, number[]>();
  let n = 0;
  for (const line of stdout.toString('utf8').split('\n')) {
    if (line === '') continue;
    const tab = line.lastIndexOf('\t');
    const k = Buffer.from(line.slice(0, tab)).toString('hex');
    map.set(k, [...(map.get(k) ?? []), Number(line.slice(tab + 1))]);
    n++;
  }
  assert.equal(n, expected, 'kcat read back every record');
  return map;
}

test('kcat (librdkafka) with partitioner=murmur2/fnv1a/consistent and `kpart place` agree on every key', async () => {
  for (const strategy of ['murmur2', 'fnv1a', 'consistent']) {
    const topic = cluster.uniqueName(`kcat-${strategy}`);
    await cluster.createTopic(topic, 12);
    await kcatProduce(
      topic,
      strategy,
      KEYS.map((k, i) => `${k}\tvalue-${i}`),
      true,
    );
    const placed = await kcatPlacements(topic, KEYS.length);
    const r = await runCli(['place', '--strategy', strategy, '--partitions', '12'], {
      input: KEYS.join('\n') + '\n',
    });
    assert.equal(r.code, 0, r.stderr);
    const ours = r.stdout.trimEnd().split('\n').map(Number);
    assert.equal(ours.length, KEYS.length);
    KEYS.forEach((k, i) => {
      assert.deepEqual(placed.get(Buffer.from(k).toString('hex')), [ours[i]], `${strategy}: ${k}`);
    });
  }
});

test('librdkafka murmur2 sends null keys to one partition: the one kpart murmur2 picks for a null key', async () => {
  const topic = cluster.uniqueName('kcat-null');
  await cluster.createTopic(topic, 12);
  await kcatProduce(
    topic,
    'murmur2',
    Array.from({ length: 20 }, (_, i) => `keyless-${i}`),
    false,
  );
  const { stdout } = await run(
    'kcat',
    ['-C', '-b', cluster.brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\n'],
    { timeout: 20000 },
  );
  const partitions = new Set(stdout.trim().split('\n').map(Number));
  const ours = createStrategy('murmur2').partition({ key: null }, { partitionCount: 12 });
  assert.deepEqual([...partitions], [ours]);
});

test('with a partition leader down, the adaptive strategy sends no keyless records to its partitions', async (t) => {
  if (!cluster.canInjectFaults) return t.skip('needs the mock cluster');
  const topic = cluster.uniqueName('adaptive-down');
  await cluster.createTopic(topic, 12);
  const counted = withCounters(createStrategy('adaptive', { batchSize: 2000 }));
  let available: number[] | undefined;
  let led: number[] = [];
  let victim = -1;
  {
    const admin = testKafka(cluster.brokers).admin();
    await admin.connect();
    try {
      const topo = await describeTopicTopology(admin, topic, 3000);
      victim = topo.partitions[0]!.leader;
      led = topo.partitions.filter((p) => p.leader === victim).map((p) => p.partition);
    } finally {
      await admin.disconnect();
    }
  }
  assert.ok(led.length > 0 && led.length < 12);
  // The clients bootstrap from the brokers that stay up: KafkaJS sends metadata requests to its seed broker and
  // gives up (after its retries) when that one is the broker taken down, which is a client quirk, not what this
  // test is about. The victim is still in the metadata they load, as the leader of `led`.
  const live = cluster.brokers.filter((_, i) => cluster.brokerIds[i] !== victim);
  const kafka = testKafka(live);
  const admin = kafka.admin();
  const producer = kafka.producer({
    createPartitioner: createPartitioner(counted, { available: () => available }),
  });
  try {
    await admin.connect();
    // Connect (and load metadata) while every broker is up.
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'warm-up', value: 'x' }] });
    await cluster.brokerDown(victim);
    // The probe reports the victim's partitions as leaderless (the mock still lists it as leader).
    const down = await describeTopicTopology(admin, topic, 3000);
    assert.deepEqual(down.leaderless, led);
    available = down.partitions.filter((p) => p.leaderAvailable).map((p) => p.partition);
    counted.reset();
    // 100-byte values, 2000-byte batches: ~20 records per sticky partition, many switches.
    for (let b = 0; b < 10; b++) {
      await within(
        20000,
        producer.send({
          topic,
          messages: Array.from({ length: 60 }, (_, i) => ({
            key: null,
            value: 'x'.repeat(100 - String(i).length) + i,
          })),
        }),
        'keyless produce',
      );
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    if (victim > 0) await cluster.brokerUp(victim);
  }
  const chosen = counted.stats().perPartition;
  for (const p of led) assert.equal(chosen[p] ?? 0, 0, `partition ${p} (leader down) was chosen`);
  assert.ok(
    // The mock picks leaders at random, so the victim may lead most partitions: expect a spread over
    // several of the live ones (30 sticky switches make fewer than min(4, live) all but impossible).
    chosen.filter((c) => c > 0).length >= Math.min(4, 12 - led.length),
    `spread over several live partitions: ${chosen.join(',')}`,
  );
  // With the broker back, the log end offsets show the records exactly where the strategy put them.
  const admin2 = kafka.admin();
  await admin2.connect();
  try {
    const offsets = await within(15000, admin2.fetchTopicOffsets(topic), 'offsets');
    const warm = partitionForKey('warm-up', 12);
    for (const o of offsets) {
      const n = Number(o.high) - Number(o.low) - (o.partition === warm ? 1 : 0);
      assert.equal(n, chosen[o.partition] ?? 0, `partition ${o.partition}`);
      if (led.includes(o.partition)) assert.equal(n, 0);
    }
  } finally {
    await admin2.disconnect();
  }
});
