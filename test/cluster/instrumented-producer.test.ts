// The instrumented producer against a fake KafkaJS client that behaves like KafkaJS where it matters: the
// partitioner is called once per message with the current partitionMetadata, Produce requests emit
// `producer.network.request` events with the broker address and duration, sends can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka, Message, PartitionMetadata, ProducerRecord } from 'kafkajs';
import { InstrumentedProducer, ProducerClosedError } from '../../src/cluster/instrumented-producer.js';
import { LoadAwarePartitioner } from '../../src/partitioners/load-aware.js';
import type { Partitioner } from '../../src/partitioners/types.js';
import { seeded } from '../support/prng.js';

type PartitionFn = (a: { topic: string; partitionMetadata: PartitionMetadata[]; message: Message }) => number;

class FakeProducer {
  readonly events = { REQUEST: 'producer.network.request' };
  private readonly fn: PartitionFn;
  private readonly listeners: ((e: { payload: unknown }) => void)[] = [];
  meta: PartitionMetadata[];
  latencyByLeader = new Map<number, number>();
  failNext = 0;
  /** Resolves pending sends when called (to test close() waiting for in-flight sends). */
  gate: Promise<void> | undefined;
  disconnected = false;
  constructor(config: { createPartitioner: () => PartitionFn }, partitions: number) {
    this.fn = config.createPartitioner();
    this.meta = metadata(partitions);
  }
  on(_ev: string, cb: (e: { payload: unknown }) => void): void {
    this.listeners.push(cb);
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async send({ topic, messages }: ProducerRecord): Promise<unknown[]> {
    const leaders = new Set<number>();
    for (const message of messages) {
      const p = this.fn({ topic, partitionMetadata: this.meta, message });
      assert.ok(p >= 0 && p < this.meta.length, `partition ${p} in range`);
      leaders.add(this.meta[p]!.leader);
    }
    if (this.gate) await this.gate;
    for (const leader of leaders) {
      for (const cb of this.listeners) {
        cb({
          payload: {
            apiName: 'Produce',
            broker: `b${leader}:9092`,
            duration: this.latencyByLeader.get(leader) ?? 2,
          },
        });
      }
    }
    if (this.failNext > 0) {
      this.failNext--;
      const e = new Error('Broker not available');
      e.name = 'KafkaJSConnectionError';
      throw e;
    }
    return [];
  }
}

/** Partitions led round-robin by brokers 1..3. */
function metadata(n: number): PartitionMetadata[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionId: i,
    leader: (i % 3) + 1,
    replicas: [(i % 3) + 1],
    isr: [(i % 3) + 1],
    partitionErrorCode: 0,
  }));
}

function fakeKafka(partitions: number): { kafka: Kafka; producer: () => FakeProducer } {
  let made: FakeProducer | undefined;
  const kafka = {
    producer: (config: { createPartitioner: () => PartitionFn }) =>
      (made = new FakeProducer(config, partitions)),
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      describeCluster: async () => ({
        brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: `b${nodeId}`, port: 9092 })),
        controller: 1,
        clusterId: 'x',
      }),
    }),
  } as unknown as Kafka;
  return { kafka, producer: () => made! };
}

function keyless(n: number): Message[] {
  return Array.from({ length: n }, (_, i) => ({ value: `value-${i}` }));
}

test('counts delivered records and bytes per partition, selection time, and exports them to Prometheus', async () => {
  const { kafka } = fakeKafka(6);
  const ip = new InstrumentedProducer(kafka, { strategy: 'murmur2' });
  await ip.connect();
  const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: 'xyz' }));
  await ip.send({ topic: 't', messages });
  const s = ip.stats();
  const counts = ip.deliveredCounts('t', 6);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    300,
  );
  const { partitionForKey } = await import('../../src/hash/index.js');
  const expected = new Array<number>(6).fill(0);
  for (const m of messages) expected[partitionForKey(m.key, 6)]! += 1;
  assert.deepEqual(counts, expected);
  const bytes = Object.values(s.delivered['t']!).reduce((a, c) => a + c.bytes, 0);
  assert.equal(
    bytes,
    messages.reduce((a, m) => a + m.key.length + 3, 0),
  );
  assert.equal(s.selections, 300);
  assert.ok(s.selectionMs > 0);
  assert.equal(s.fallbacks, 0);
  const text = await ip.registry.metrics();
  assert.match(text, new RegExp(`kpart_producer_records_total\\{topic="t",partition="0"\\} ${expected[0]}`));
  assert.match(text, /kpart_producer_partition_selection_seconds_count 300/);
  await ip.close();
});

test('a strategy that throws never breaks send: the fallback places the record and the fallback is counted', async () => {
  const { kafka } = fakeKafka(4);
  let calls = 0;
  const flaky: Partitioner = {
    name: 'flaky',
    partition(record) {
      calls++;
      if (calls % 2 === 0) throw new Error('strategy bug');
      return record.key === undefined || record.key === null ? 1 : 7; // 7 is out of range: also a fallback
    },
  };
  const ip = new InstrumentedProducer(kafka, { strategy: flaky });
  await ip.connect();
  await ip.send({
    topic: 't',
    messages: [...keyless(10), { key: 'a', value: 'v' }, { key: 'b', value: 'v' }],
  });
  const s = ip.stats();
  assert.equal(s.selections, 12);
  // Calls 2,4,...,10 throw (5), call 11 returns 7 (invalid), call 12 throws.
  assert.equal(s.fallbacks, 7);
  assert.equal(
    ip.deliveredCounts('t', 4).reduce((a, b) => a + b, 0),
    12,
  );
  assert.match(await ip.registry.metrics(), /kpart_producer_strategy_fallbacks_total\{topic="t"\} 7/);
  await ip.close();
});

test('a failed send counts an error and its records, not deliveries; the error is rethrown', async () => {
  const { kafka, producer } = fakeKafka(4);
  const ip = new InstrumentedProducer(kafka, { strategy: 'murmur2' });
  await ip.connect();
  producer().failNext = 1;
  await assert.rejects(
    ip.send({ topic: 't', messages: keyless(5).map((m, i) => ({ ...m, key: `k${i}` })) }),
    /Broker not available/,
  );
  await ip.send({ topic: 't', messages: [{ key: 'z', value: 'v' }] });
  const s = ip.stats();
  assert.equal(s.sendErrors, 1);
  assert.equal(s.failedRecords, 5);
  assert.equal(
    ip.deliveredCounts('t', 4).reduce((a, b) => a + b, 0),
    1,
  );
  assert.match(
    await ip.registry.metrics(),
    /kpart_producer_send_errors_total\{topic="t",error="KafkaJSConnectionError"\} 1/,
  );
  await ip.close();
});

test('partition count raised: after the metadata refresh hands 8 partitions instead of 4, the new ones get records', async () => {
  // The client's metadata path: KafkaJS passes the refreshed partitionMetadata to the partitioner; the mock
  // broker cannot add partitions (no CreatePartitions), so the growth is simulated at that seam.
  const { kafka, producer } = fakeKafka(4);
  const ip = new InstrumentedProducer(kafka, { strategy: new LoadAwarePartitioner({ random: seeded(7) }) });
  await ip.connect();
  for (let i = 0; i < 20; i++) await ip.send({ topic: 't', messages: keyless(20) });
  assert.deepEqual(ip.deliveredCounts('t', 8).slice(4), [0, 0, 0, 0]);
  producer().meta = metadata(8);
  for (let i = 0; i < 20; i++) await ip.send({ topic: 't', messages: keyless(20) });
  const after = ip.deliveredCounts('t', 8);
  for (let p = 4; p < 8; p++) assert.ok(after[p]! > 0, `new partition ${p} got records: ${after.join(',')}`);
  assert.equal(ip.stats().metadataUpdates, 2);
  assert.deepEqual(ip.stats().partitionCounts, { t: 8 });
  // Keyed placement follows the new count too (murmur2 over all 8).
  const { partitionForKey } = await import('../../src/hash/index.js');
  const key = Array.from({ length: 100 }, (_, i) => `key-${i}`).find((k) => partitionForKey(k, 8) >= 4)!;
  const before = ip.deliveredCounts('t', 8)[partitionForKey(key, 8)]!;
  await ip.send({ topic: 't', messages: [{ key, value: 'v' }] });
  assert.equal(ip.deliveredCounts('t', 8)[partitionForKey(key, 8)], before + 1);
  await ip.close();
});

test('latency feedback: a slow leader raises its partitions’ load and the load-aware strategy sends less keyless traffic there', async () => {
  const { kafka, producer } = fakeKafka(6);
  const strategy = new LoadAwarePartitioner({ random: seeded(42) });
  const ip = new InstrumentedProducer(kafka, { strategy });
  await ip.connect();
  const slowShare = (counts: number[]): number =>
    (counts[0]! + counts[3]!) / counts.reduce((a, b) => a + b, 0);
  for (let i = 0; i < 30; i++) await ip.send({ topic: 't', messages: keyless(20) });
  const before = ip.deliveredCounts('t', 6);
  producer().latencyByLeader.set(1, 300); // broker 1 leads partitions 0 and 3
  for (let i = 0; i < 30; i++) await ip.send({ topic: 't', messages: keyless(20) });
  const total = ip.deliveredCounts('t', 6);
  const afterOnly = total.map((n, p) => n - before[p]!);
  const s = ip.stats();
  assert.ok(s.brokerLatencyMs['b1:9092']! > 100, JSON.stringify(s.brokerLatencyMs));
  assert.ok(s.partitionLoad[0]! > s.partitionLoad[1]!);
  assert.ok(slowShare(before) > 0.25, `before: ${before.join(',')}`);
  assert.ok(slowShare(afterOnly) < 0.15, `after: ${afterOnly.join(',')}`);
  assert.match(
    await ip.registry.metrics(),
    /kpart_producer_partition_load_seconds\{topic="t",partition="0"\} 0\.\d+/,
  );
  await ip.close();
});

test('close() waits for in-flight sends, refuses new ones, disconnects once; handleSignals installs and removes its handlers', async () => {
  const { kafka, producer } = fakeKafka(3);
  const listenersBefore = process.listenerCount('SIGTERM');
  const ip = new InstrumentedProducer(kafka, { strategy: 'murmur2', handleSignals: true });
  assert.equal(process.listenerCount('SIGTERM'), listenersBefore + 1);
  await ip.connect();
  let release!: () => void;
  producer().gate = new Promise<void>((r) => (release = r));
  const pending = ip.send({ topic: 't', messages: [{ key: 'a', value: 'v' }] });
  const closing = ip.close();
  await assert.rejects(ip.send({ topic: 't', messages: [{ key: 'b', value: 'v' }] }), ProducerClosedError);
  assert.equal(producer().disconnected, false, 'not disconnected while a send is in flight');
  release();
  await pending;
  await closing;
  assert.equal(producer().disconnected, true);
  assert.equal(
    ip.deliveredCounts('t', 3).reduce((a, b) => a + b, 0),
    1,
  );
  assert.equal(process.listenerCount('SIGTERM'), listenersBefore);
  await ip.close();
});
