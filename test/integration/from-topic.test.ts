// `kpart analyze --from-topic` against the test broker, as the real CLI: the sample is bounded by the end offsets
// read first, keyed placement counted from the topic matches the broker's own per-partition counts, and with
// --workers the sampling runs as a consumer group of kpart processes whose partials merge through a Kafka topic
// to exactly the single-process result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import { startTestCluster, testKafka, type TestCluster } from '../broker/harness.js';
import { splitSample } from '../../src/cluster/sampler.js';

const run = promisify(execFile);
const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
let cluster: TestCluster;
let topic: string;
let brokerCounts: number[];
const HOT = 'customer-42';

interface Out {
  records: number;
  partitions: number;
  strategies: { strategy: string; counts: number[] }[];
  hotKeys: { key: string; records: number; partition: number | null }[];
  sample: {
    records: number;
    workers: number;
    perWorker: number[];
    ranges: { partition: number; start: number; stop: number }[];
  };
}

before(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  topic = cluster.uniqueName('keys');
  await cluster.createTopic(topic, 6);
  const producer = testKafka(cluster.brokers).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  // 1,500 records: one hot key with 300, and 1,200 distinct keys.
  const messages = [
    ...Array.from({ length: 300 }, (_, i) => ({ key: HOT, value: `order-${i}` })),
    ...Array.from({ length: 1200 }, (_, i) => ({ key: `customer-${1000 + i}`, value: `order-x${i}` })),
  ];
  for (let i = 0; i < messages.length; i += 250)
    await producer.send({ topic, messages: messages.slice(i, i + 250) });
  await producer.disconnect();
  const admin = testKafka(cluster.brokers).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  brokerCounts = new Array<number>(6).fill(0);
  for (const o of offsets) brokerCounts[o.partition] = Number(o.high) - Number(o.low);
});
after(async () => {
  await cluster?.stop();
});

async function analyze(args: string[]): Promise<Out> {
  const { stdout } = await run(
    process.execPath,
    [
      CLI,
      'analyze',
      '--from-topic',
      topic,
      '--brokers',
      cluster.brokers.join(','),
      '--timeout',
      '5s',
      '--json',
      ...args,
    ],
    {
      timeout: 90_000,
    },
  );
  return JSON.parse(stdout) as Out;
}

test('splitSample keeps the per-partition mix and the exact total', () => {
  const a = [
    { partition: 0, low: 0, high: 100 },
    { partition: 1, low: 50, high: 350 },
    { partition: 2, low: 0, high: 0 },
    { partition: 3, low: 0, high: 600 },
  ];
  const r = splitSample(a, 100);
  assert.deepEqual(
    r.map((x) => x.stop - x.start),
    [10, 30, 0, 60],
  );
  assert.equal(r[1]!.start, 50);
  assert.deepEqual(
    splitSample(a, 5000).map((x) => x.stop - x.start),
    [100, 300, 0, 600],
  );
  const odd = splitSample(a, 7);
  assert.equal(
    odd.reduce((s, x) => s + x.stop - x.start, 0),
    7,
  );
});

test('one process: every record read once, murmur2 counts equal the broker’s per-partition counts, the hot key found', async () => {
  const out = await analyze(['--sample', '100000']);
  assert.equal(out.records, 1500);
  assert.equal(out.partitions, 6, 'partitions default to the topic’s');
  assert.deepEqual(out.strategies[0]!.counts, brokerCounts);
  assert.equal(out.hotKeys[0]!.key, HOT);
  assert.equal(out.hotKeys[0]!.records, 300);
  assert.equal(out.sample.workers, 1);
});

test('--sample bounds the read: 600 of 1,500 records, split in proportion to the partitions', async () => {
  const out = await analyze(['--sample', '600', '--strategy', 'murmur2,fnv1a']);
  assert.equal(out.records, 600);
  assert.equal(
    out.sample.ranges.reduce((s, r) => s + r.stop - r.start, 0),
    600,
  );
  const expected = splitSample(
    brokerCounts.map((high, partition) => ({ partition, low: 0, high })),
    600,
  ).map((r) => r.stop - r.start);
  assert.deepEqual(
    out.sample.ranges.map((r) => r.stop - r.start),
    expected,
  );
  // The records came from those ranges: murmur2 (the topic's own placement) shows exactly those counts.
  assert.deepEqual(out.strategies[0]!.counts, expected);
  assert.equal(out.strategies[1]!.strategy, 'fnv1a');
});

test('--workers 3: a consumer group of kpart processes, partials merged through a Kafka topic, equals the single-process result', async () => {
  const single = await analyze(['--sample', '100000', '--partitions', '12']);
  const multi = await analyze(['--sample', '100000', '--partitions', '12', '--workers', '3']);
  assert.equal(multi.sample.workers, 3);
  assert.equal(multi.sample.perWorker.length, 3);
  assert.equal(
    multi.sample.perWorker.reduce((a, b) => a + b, 0),
    1500,
    `no record lost or counted twice: ${multi.sample.perWorker.join(',')}`,
  );
  assert.equal(multi.records, 1500);
  assert.deepEqual(multi.strategies[0]!.counts, single.strategies[0]!.counts);
  assert.equal(multi.hotKeys[0]!.key, HOT);
  assert.equal(multi.hotKeys[0]!.records, 300);
});

test('a missing topic is one clear line, exit 1', async () => {
  const r = await run(
    process.execPath,
    [
      CLI,
      'analyze',
      '--from-topic',
      'no-such-topic-kpart',
      '--brokers',
      cluster.brokers.join(','),
      '--timeout',
      '3s',
    ],
    {
      timeout: 60_000,
    },
  ).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /no-such-topic-kpart/);
});
