// The adapters never fail a send: not when a caller's callback throws, not when a message carries odd
// headers, not when the client's metadata is malformed. And a caller's `available` list is taken as a set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, PartitionMetadata } from 'kafkajs';
import { createPartitioner } from '../../src/adapters/kafkajs.js';
import { platformaticPartitioner, type PlatformaticMetadataLike } from '../../src/adapters/platformatic.js';
import { partitionForKey } from '../../src/hash/index.js';

function metadata(n: number): PartitionMetadata[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionErrorCode: 0,
    partitionId: i,
    leader: (i % 3) + 1,
    replicas: [(i % 3) + 1],
    isr: [(i % 3) + 1],
  }));
}

test('KafkaJS adapter: null headers, a throwing decodeValue or available callback never fail the send', () => {
  const md = metadata(6);
  const plain = createPartitioner('murmur2')();
  const nullHeaders = { key: 'abc', value: 'v', headers: null } as unknown as Message;
  assert.equal(plain({ topic: 't', partitionMetadata: md, message: nullHeaders }), partitionForKey('abc', 6));

  const decodeThrows = createPartitioner('murmur2', {
    decodeValue: (v) => JSON.parse(String(v)) as unknown,
  })();
  assert.equal(
    decodeThrows({ topic: 't', partitionMetadata: md, message: { key: 'abc', value: 'not json' } }),
    partitionForKey('abc', 6),
  );

  const availableThrows = createPartitioner('roundrobin', {
    available: () => {
      throw new Error('probe failed');
    },
  })();
  const p = availableThrows({ topic: 't', partitionMetadata: md, message: { key: null, value: 'v' } });
  assert.ok(Number.isInteger(p) && p >= 0 && p < 6, String(p));
  // An explicit partition still wins on that path.
  assert.equal(
    availableThrows({ topic: 't', partitionMetadata: md, message: { key: null, value: 'v', partition: 4 } }),
    4,
  );

  // With fallback off, such errors surface as before.
  const raw = createPartitioner('murmur2', {
    fallback: false,
    decodeValue: () => JSON.parse('{') as unknown,
  })();
  assert.throws(() => raw({ topic: 't', partitionMetadata: md, message: { key: 'abc', value: 'v' } }));
});

test('KafkaJS adapter: an `available` override with stray ids, duplicates or any order stays in range', () => {
  const md = metadata(4);
  const fn = createPartitioner('roundrobin', { available: () => [9, 3, 1, 3, -2] })();
  const got = Array.from({ length: 6 }, () =>
    fn({ topic: 't', partitionMetadata: md, message: { key: null, value: 'v' } }),
  );
  assert.deepEqual(got, [1, 3, 1, 3, 1, 3]);
});

test('platformatic adapter: throwing callbacks or malformed metadata never fail the send', () => {
  const key = Buffer.from('user-42');
  const fn = platformaticPartitioner('murmur2', {
    available: () => {
      throw new Error('probe failed');
    },
  });
  const meta: PlatformaticMetadataLike = {
    topics: new Map([
      ['t', { partitionsCount: 12, partitions: Array.from({ length: 12 }, () => ({ leader: 1 })) }],
    ]),
  };
  assert.equal(fn({ topic: 't', key }, key, { metadata: meta }) % 12, partitionForKey(key, 12));

  const countThrows = platformaticPartitioner('murmur2', {
    partitionCount: () => {
      throw new Error('no count');
    },
  });
  assert.equal(countThrows({ topic: 'x', key }, key, { metadata: undefined }) % 12, partitionForKey(key, 12));

  const noTopics = { brokers: new Map() } as unknown as PlatformaticMetadataLike;
  const plain = platformaticPartitioner('murmur2');
  assert.equal(plain({ topic: 't', key }, key, { metadata: noTopics }) % 12, partitionForKey(key, 12));
  const keyless = plain({ topic: 't' }, undefined, { metadata: noTopics });
  assert.ok(Number.isInteger(keyless) && keyless >= 0, String(keyless));
});
