// A fake cluster admin and clock for cluster unit tests (no broker).
import assert from 'node:assert/strict';
import type { ClusterAdmin } from '../../src/cluster/offsets.js';

/** A fake cluster: topic → partition offsets, group → committed offsets; flip `failOffsets` to break ListOffsets. */
export class FakeAdmin {
  brokers = [{ nodeId: 1, host: '127.0.0.1', port: 1 }];
  leaders = new Map<number, number>();
  start: number[];
  end: number[];
  committed = new Map<string, number[]>();
  failOffsets: Error | undefined;
  failCommitted: Error | undefined;
  calls = 0;
  /** DescribeGroups answer per group (state); unset = the call is unsupported, like librdkafka's mock. */
  groupStates = new Map<string, { state: string; members: number }>();
  constructor(
    readonly topic: string,
    n: number,
  ) {
    this.start = new Array<number>(n).fill(0);
    this.end = new Array<number>(n).fill(0);
  }
  admin(): ClusterAdmin {
    return {
      fetchTopicMetadata: async ({ topics } = { topics: [] }) => ({
        topics: topics
          .filter((t) => t === this.topic)
          .map((name) => ({
            name,
            partitions: this.end.map((_, i) => ({
              partitionId: i,
              leader: this.leaders.get(i) ?? 1,
              replicas: [1],
              isr: [1],
              partitionErrorCode: 0,
            })),
          })),
      }),
      describeCluster: async () => ({ brokers: this.brokers, controller: 1, clusterId: 'fake' }),
      fetchTopicOffsets: async (topic: string) => {
        this.calls++;
        if (this.failOffsets) throw this.failOffsets;
        assert.equal(topic, this.topic);
        return this.end.map((e, i) => ({
          partition: i,
          offset: String(e),
          high: String(e),
          low: String(this.start[i]),
        }));
      },
      fetchOffsets: async ({ groupId, topics }: { groupId: string; topics?: string[] }) => {
        if (this.failCommitted) throw this.failCommitted;
        const c = this.committed.get(groupId);
        // Without topics: OffsetFetch for all topics the group committed on.
        const list = topics ?? (c ? [this.topic] : []);
        return list.map((topic) => ({
          topic,
          partitions: this.end.map((_, i) => ({
            partition: i,
            offset: String(c?.[i] ?? -1),
            metadata: null,
          })),
        }));
      },
      listTopics: async () => [this.topic],
      describeGroups: async (ids: string[]) => {
        const out = ids.map((groupId) => {
          const g = this.groupStates.get(groupId);
          if (!g) throw new Error('The version of the API is not supported');
          return {
            groupId,
            state: g.state,
            members: Array.from({ length: g.members }, (_, i) => ({ memberId: `m${i}` })),
            errorCode: 0,
            protocol: '',
            protocolType: 'consumer',
          };
        });
        return { groups: out };
      },
    } as unknown as ClusterAdmin;
  }
}

export function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}
