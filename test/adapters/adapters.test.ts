// KafkaJS and @platformatic/kafka adapters: call shapes, availability from metadata, explicit partitions,
// record sizes, and agreement with the clients' own Java-compatible partitioners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { compatibilityPartitioner, type ProducerOptions } from '@platformatic/kafka';
import { availableFromMetadata, createPartitioner } from '../../src/adapters/kafkajs.js';
import { platformaticPartitioner } from '../../src/adapters/platformatic.js';
import { partitionForKey } from '../../src/hash/index.js';
import { StickyPartitioner } from '../../src/partitioners/sticky.js';
import type { Partitioner } from '../../src/partitioners/types.js';

function metadata(n: number, down: readonly number[] = []): PartitionMetadata[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionErrorCode: down.includes(i) ? 5 : 0,
    partitionId: i,
    leader: down.includes(i) ? -1 : (i % 3) + 1,
    replicas: [(i % 3) + 1],
    isr: [(i % 3) + 1],
  }));
}

const throwing: Partitioner = {
  name: 'throwing',
  partition() {
    throw new Error('strategy bug');
  },
};

test('property: KafkaJS adapter (murmur2, default) agrees with KafkaJS DefaultPartitioner on every keyed record', () => {
  const ours = createPartitioner('murmur2')();
  const dflt = createPartitioner('default')();
  const theirs = Partitioners.DefaultPartitioner();
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ minLength: 1 }),
        fc.uint8Array({ minLength: 1 }).map((a) => Buffer.from(a)),
      ),
      fc.integer({ min: 1, max: 200 }),
      (key, n) => {
        const args = { topic: 't', partitionMetadata: metadata(n), message: { key, value: 'v' } };
        const want = theirs(args);
        assert.equal(ours(args), want);
        assert.equal(dflt(args), want);
        assert.equal(want, partitionForKey(key, n));
      },
    ),
    { numRuns: 500 },
  );
});

test('KafkaJS adapter: explicit message.partition wins; keyless records avoid partitions without a leader', () => {
  const fn = createPartitioner('adaptive', { strategyOptions: { batchRecords: 1, batchSize: 0 } })();
  const md = metadata(12, [2, 5, 7]);
  assert.equal(fn({ topic: 't', partitionMetadata: md, message: { key: 'x', value: 'v', partition: 5 } }), 5);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++)
    seen.add(fn({ topic: 't', partitionMetadata: md, message: { key: null, value: 'v' } }));
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [0, 1, 3, 4, 6, 8, 9, 10, 11],
  );
  assert.deepEqual(availableFromMetadata(md), [0, 1, 3, 4, 6, 8, 9, 10, 11]);
  assert.equal(availableFromMetadata(metadata(4)), undefined);
  // options.available narrows further (e.g. leaders listed but unreachable, from the topology probe).
  const only = createPartitioner('adaptive', {
    strategyOptions: { batchRecords: 1, batchSize: 0 },
    available: () => [4, 9],
  })();
  const s2 = new Set<number>();
  for (let i = 0; i < 500; i++)
    s2.add(only({ topic: 't', partitionMetadata: md, message: { key: null, value: 'v' } }));
  assert.deepEqual(
    [...s2].sort((a, b) => a - b),
    [4, 9],
  );
});

test('KafkaJS adapter: record size = key + value bytes drives the sticky batch boundary', () => {
  const sticky = new StickyPartitioner({ batchSize: 16384 });
  const fn = createPartitioner(sticky)();
  const md = metadata(8);
  const big = 'é'.repeat(4096); // 8192 UTF-8 bytes
  const seq = Array.from({ length: 8 }, () =>
    fn({ topic: 't', partitionMetadata: md, message: { key: null, value: big } }),
  );
  // two 8 KiB records fill 16 KiB: pairs share a partition, consecutive pairs differ.
  for (let i = 0; i < 8; i += 2) assert.equal(seq[i], seq[i + 1]);
  for (let i = 2; i < 8; i += 2) assert.notEqual(seq[i], seq[i - 1]);
});

test('KafkaJS adapter: a failing strategy never fails the send (fallback), unless fallback is off', () => {
  const fn = createPartitioner(throwing)();
  const md = metadata(6);
  assert.equal(
    fn({ topic: 't', partitionMetadata: md, message: { key: 'abc', value: null } }),
    partitionForKey('abc', 6),
  );
  const n = fn({ topic: 't', partitionMetadata: md, message: { key: null, value: null } });
  assert.ok(n >= 0 && n < 6);
  const raw = createPartitioner(throwing, { fallback: false })();
  assert.throws(
    () => raw({ topic: 't', partitionMetadata: md, message: { key: 'abc', value: null } }),
    /strategy bug/,
  );
});

interface FakeMeta {
  brokers: Map<number, unknown>;
  topics: Map<string, { partitionsCount: number; partitions: Array<{ leader: number }> }>;
}
function pmeta(topic: string, n: number, down: readonly number[] = []): FakeMeta {
  return {
    brokers: new Map([
      [1, {}],
      [2, {}],
      [3, {}],
    ]),
    topics: new Map([
      [
        topic,
        {
          partitionsCount: n,
          partitions: Array.from({ length: n }, (_, i) => ({ leader: down.includes(i) ? -1 : (i % 3) + 1 })),
        },
      ],
    ]),
  };
}

test('property: platformatic adapter matches Java placement and @platformatic/kafka compatibilityPartitioner', () => {
  const fn = platformaticPartitioner('murmur2');
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 50 }).map((a) => Buffer.from(a)),
      fc.integer({ min: 1, max: 300 }),
      (key, n) => {
        const p = fn({ topic: 't', key, value: 'v' }, key, { metadata: pmeta('t', n) });
        assert.equal(p, partitionForKey(key, n));
        assert.equal(p, compatibilityPartitioner({ topic: 't' }, key) % n);
      },
    ),
    { numRuns: 300 },
  );
});

test('platformatic adapter: leaderless partitions avoided, unknown metadata falls back exactly, explicit honoured', () => {
  const fn = platformaticPartitioner('adaptive', { strategyOptions: { batchRecords: 1, batchSize: 0 } });
  const meta = pmeta('t', 6, [0, 3]);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++)
    seen.add(fn({ topic: 't', value: Buffer.alloc(10) }, undefined, { metadata: meta }));
  assert.deepEqual([...seen].sort(), [1, 2, 4, 5]);
  // A leader that is not among the known brokers counts as unavailable too.
  const ghost = pmeta('t', 3);
  ghost.topics.get('t')!.partitions[1] = { leader: 9 };
  const s2 = new Set<number>();
  for (let i = 0; i < 500; i++) s2.add(fn({ topic: 't' }, undefined, { metadata: ghost }));
  assert.deepEqual([...s2].sort(), [0, 2]);
  // Topic not in cached metadata: keyed records get Java's positive hash, exact after the client's modulo.
  const key = Buffer.from('user-42');
  const raw = fn({ topic: 'unknown', key }, key, { metadata: undefined });
  assert.equal(raw % 12, partitionForKey(key, 12));
  assert.equal(fn.stats().unknownMetadata, 1);
  // ...or the configured partition count is used.
  const withCount = platformaticPartitioner('fnv1a', { partitionCount: 12 });
  assert.equal(
    withCount({ topic: 'x', key }, key, { metadata: undefined }),
    partitionForKey(key, 12, 'fnv1a'),
  );
  assert.equal(fn({ topic: 't', partition: 4 }, key, { metadata: meta }), 4);
});

test("the adapters type-check against the clients' own option types", () => {
  // Compile-time contract: these assignments fail `tsc` if an adapter's signature drifts from the client's.
  const platformatic: ProducerOptions<string, string, string, string> = {
    clientId: 'kpart',
    bootstrapBrokers: ['localhost:9092'],
    partitioner: platformaticPartitioner('murmur2'),
  };
  const kafkajs: import('kafkajs').ProducerConfig = { createPartitioner: createPartitioner('default') };
  assert.equal(typeof platformatic.partitioner, 'function');
  assert.equal(typeof kafkajs.createPartitioner, 'function');
});
