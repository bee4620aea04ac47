// PartitionMetrics polling the test broker feeds a LoadAwarePartitioner: a partition whose consumer lag crosses
// the breaker threshold stops receiving keyless records, and gets them again after the group catches up and the
// recovery period has passed. Bounded waits only (no timing assertions).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  consumeThenCommit,
  startTestCluster,
  testKafka,
  within,
  type TestCluster,
} from '../broker/harness.js';
import { PartitionMetrics, connectLoadAware } from '../../src/cluster/partition-metrics.js';
import { LoadAwarePartitioner } from '../../src/partitioners/load-aware.js';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ brokers: 3 });
});
after(async () => {
  await cluster?.stop();
});

async function waitFor(what: string, cond: () => boolean, ms = 20000): Promise<void> {
  await within(
    ms,
    (async () => {
      while (!cond()) await new Promise((r) => setTimeout(r, 100));
    })(),
    what,
  );
}

test('lag over the threshold excludes the partition from keyless traffic; catching up restores it after recovery', async () => {
  const topic = cluster.uniqueName('loadaware');
  const group = cluster.uniqueName('g');
  await cluster.createTopic(topic, 4);
  const kafka = testKafka(cluster.brokers);
  const producer = kafka.producer();
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const send = (perPartition: number[]): Promise<unknown> =>
    producer.send({
      topic,
      messages: perPartition.flatMap((n, partition) =>
        Array.from({ length: n }, () => ({ partition, value: 'x' })),
      ),
    });
  const metrics = new PartitionMetrics({
    admin,
    topics: [topic],
    groups: [group],
    intervalMs: 250,
    timeoutMs: 3000,
  });
  const lp = new LoadAwarePartitioner({
    breaker: { threshold: 100, recoveryMs: 1500 },
    halfLifeMs: Infinity,
    refreshMs: 0,
  });
  const off = connectLoadAware(metrics, lp, { signal: 'lag' });
  const used = (): Set<number> => {
    const s = new Set<number>();
    for (let i = 0; i < 400; i++) s.add(lp.partition({ key: null }, { partitionCount: 4 }));
    return s;
  };
  try {
    await send([10, 10, 10, 10]);
    await consumeThenCommit(cluster.brokers, topic, group, 40, [10, 10, 10, 10]);
    metrics.start();
    await waitFor(
      'a first snapshot',
      () => metrics.latest(topic)?.partitions.every((p) => p.lag === 0) === true,
    );
    assert.deepEqual(lp.stats(Date.now(), 4).excluded, []);
    assert.deepEqual([...used()].sort(), [0, 1, 2, 3]);

    // Partition 2 gets a burst its consumer group has not read: lag 300 > threshold 100.
    await send([0, 0, 300, 0]);
    await waitFor('partition 2 excluded', () => lp.stats(Date.now(), 4).excluded.includes(2));
    assert.equal(metrics.latest(topic)?.partitions[2]?.lag, 300);
    assert.equal(used().has(2), false, 'no keyless record goes to the lagging partition');
    assert.deepEqual(lp.stats(Date.now(), 4).excluded, [2], 'only the lagging partition is excluded');

    // The group catches up; after the recovery period the partition is used again.
    // (It resumes from the committed offsets: only the 300 new records are read.)
    await consumeThenCommit(cluster.brokers, topic, group, 300, [10, 10, 310, 10]);
    await waitFor('lag back to 0 in the snapshot', () => metrics.latest(topic)?.partitions[2]?.lag === 0);
    await waitFor('partition 2 restored', () => lp.stats(Date.now(), 4).excluded.length === 0);
    assert.equal(used().has(2), true);
  } finally {
    off();
    await metrics.stop();
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
});
