// describeTopicsTopology asks again when the metadata request hit a broker that just died (KafkaJS gives up on
// such a connection error instead of trying another broker), and does not retry other errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTopicsTopology, type TopologyAdmin } from '../../src/cluster/topology.js';

function fakeAdmin(failures: Error[]): TopologyAdmin & { calls: number } {
  const admin = {
    calls: 0,
    async fetchTopicMetadata() {
      admin.calls += 1;
      const e = failures.shift();
      if (e) throw e;
      return {
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionId: 0,
                leader: 1,
                replicas: [1],
                isr: [1],
                partitionErrorCode: 0,
                offlineReplicas: [],
              },
            ],
          },
        ],
      };
    },
    async describeCluster() {
      return { brokers: [], controller: null, clusterId: 'c' };
    },
  };
  return admin as unknown as TopologyAdmin & { calls: number };
}

function connectionError(): Error {
  const cause = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1'), {
    name: 'KafkaJSConnectionError',
  });
  return Object.assign(new Error('KafkaJSNonRetriableError', { cause }), {
    name: 'KafkaJSNumberOfRetriesExceeded',
  });
}

test('a connection error on the metadata request is retried (up to 3 attempts)', async () => {
  const admin = fakeAdmin([connectionError(), connectionError()]);
  const topo = await describeTopicsTopology(admin, ['t'], 2000, { probe: false });
  assert.equal(admin.calls, 3);
  assert.equal(topo.get('t')?.partitions.length, 1);
  await assert.rejects(
    describeTopicsTopology(
      fakeAdmin([connectionError(), connectionError(), connectionError()]),
      ['t'],
      2000,
      { probe: false },
    ),
    /KafkaJSNonRetriableError/,
  );
});

test('other errors are not retried', async () => {
  const admin = fakeAdmin([new Error('This server does not host this topic-partition')]);
  await assert.rejects(describeTopicsTopology(admin, ['t'], 2000, { probe: false }), /does not host/);
  assert.equal(admin.calls, 1);
});
