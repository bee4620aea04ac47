// Client adapters without a broker: the Kafka consumer-protocol bytes (checked against hand-built Java
// encodings), the KafkaJS assigner driven like KafkaJS's ConsumerGroup drives it, and the
// @platformatic/kafka assigner with its Map-based API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol, type Cluster } from 'kafkajs';
import { AssignmentTracker, kafkajsAssigner, kpartKafkaJS } from '../../src/adapters/kafkajs-assignors.js';
import { platformaticAssignor } from '../../src/adapters/platformatic-assignors.js';
import {
  decodeStickyUserData,
  decodeSubscription,
  encodeAssignment,
  encodeStickyUserData,
  groupFromProtocol,
  decodeAssignment,
} from '../../src/assignors/protocol.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('Java StickyAssignor user data: V1 bytes (previous assignment + generation) encode and decode', () => {
  // [ { topic "t", partitions [0, 2] } ], generation 5 — Java's STICKY_ASSIGNOR_USER_DATA_V1 Struct layout.
  const java = hex('00000001 0001 74 00000002 00000000 00000002 00000005');
  assert.deepEqual(encodeStickyUserData({ owned: { t: [0, 2] }, generation: 5 }), java);
  assert.deepEqual(decodeStickyUserData(java), { owned: { t: [0, 2] }, generation: 5 });
  // V0 (older Java clients): no generation.
  const v0 = hex('00000001 0001 74 00000001 00000003');
  assert.deepEqual(decodeStickyUserData(v0), { owned: { t: [3] } });
});

test('ConsumerProtocolSubscription v3 from a Java member: topics, user data, owned partitions, generation, rack', () => {
  const v3 = hex(
    '0003' + // version
      '00000001 0001 74' + // topics ["t"]
      '00000004 00000007' + // user data: 4 bytes (cooperative-sticky: generation 7)
      '00000001 0001 74 00000001 00000001' + // owned [t: [1]]
      '00000007' + // generation id
      '0002 7231', // rack "r1"
  );
  assert.deepEqual(decodeSubscription(v3), {
    version: 3,
    topics: ['t'],
    userData: hex('00000007'),
    ownedPartitions: { t: [1] },
    generation: 7,
    rack: 'r1',
  });
  const g = groupFromProtocol('cooperative-sticky', [{ memberId: 'java-1', metadata: v3 }], { t: 4 });
  assert.deepEqual(g.members[0], {
    id: 'java-1',
    topics: ['t'],
    rack: 'r1',
    owned: { t: [1] },
    generation: 7,
  });
  // KafkaJS's own encoder writes v0, and we read it back the same way.
  const kjs = AssignerProtocol.MemberMetadata.encode({
    version: 0,
    topics: ['a', 'b'],
    userData: encodeStickyUserData({ owned: { a: [1] }, generation: 2 }),
  });
  const sticky = groupFromProtocol('sticky', [{ memberId: 'k', metadata: kjs }], { a: 2, b: 2 });
  assert.deepEqual(sticky.members[0], { id: 'k', topics: ['a', 'b'], owned: { a: [1] }, generation: 2 });
  // Garbage metadata does not fail the rebalance: the member just has no subscription.
  assert.deepEqual(groupFromProtocol('range', [{ memberId: 'x', metadata: hex('00') }], {}).members[0], {
    id: 'x',
    topics: [],
  });
});

test('ConsumerProtocolAssignment v0 matches KafkaJS AssignerProtocol.MemberAssignment', () => {
  const ours = encodeAssignment({ t: [0, 3] });
  const theirs = AssignerProtocol.MemberAssignment.encode({
    version: 0,
    assignment: { t: [0, 3] },
    userData: Buffer.alloc(0),
  });
  // KafkaJS writes empty (not null) user data: compare everything up to it, then decode both.
  assert.deepEqual(ours.subarray(0, ours.length - 4), theirs.subarray(0, theirs.length - 4));
  assert.deepEqual(decodeAssignment(theirs).assignment, { t: [0, 3] });
});

/** A Cluster stand-in with what the assigner uses: per-topic partition metadata. */
function fakeCluster(topics: Record<string, number>): Cluster {
  return {
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: topics[topic] ?? 0 }, (_, i) => ({
        partitionId: i,
        leader: 1,
        replicas: [1],
        isr: [1],
        partitionErrorCode: 0,
      })),
  } as unknown as Cluster;
}

const logger = {
  info() {},
  error() {},
  warn() {},
  debug() {},
  namespace() {
    return logger;
  },
  setLogLevel() {},
};

async function runKafkaJS(
  name: 'range' | 'roundrobin' | 'sticky',
  members: { memberId: string; topics: string[]; userData?: Buffer }[],
  topics: Record<string, number>,
) {
  const assigner = kafkajsAssigner(name)({
    cluster: fakeCluster(topics),
    groupId: 'g',
    logger: logger as never,
  });
  const out = await assigner.assign({
    members: members.map((m) => ({
      memberId: m.memberId,
      memberMetadata: AssignerProtocol.MemberMetadata.encode({
        version: 0,
        topics: m.topics,
        userData: m.userData ?? Buffer.alloc(0),
      }),
    })),
    topics: Object.keys(topics),
  });
  return Object.fromEntries(
    out.map((a) => [a.memberId, AssignerProtocol.MemberAssignment.decode(a.memberAssignment)!.assignment]),
  );
}

test('KafkaJS assigner: protocol names are the Java ones; range assigns like Java RangeAssignor', async () => {
  for (const [f, name] of [
    [kpartKafkaJS.range, 'range'],
    [kpartKafkaJS.roundrobin, 'roundrobin'],
    [kpartKafkaJS.sticky, 'sticky'],
    [kpartKafkaJS.loadAware, 'load-aware'],
  ] as const) {
    const a = f()({ cluster: fakeCluster({ t: 3 }), groupId: 'g', logger: logger as never });
    assert.equal(a.name, name);
    const proto = a.protocol({ topics: ['t'] });
    assert.equal(proto.name, name);
    assert.deepEqual(AssignerProtocol.MemberMetadata.decode(proto.metadata)!.topics, ['t']);
  }
  const r = await runKafkaJS(
    'range',
    [
      { memberId: 'm-2', topics: ['t0', 't1'] },
      { memberId: 'm-1', topics: ['t0', 't1'] },
    ],
    { t0: 3, t1: 3 },
  );
  assert.deepEqual(r, { 'm-2': { t0: [2], t1: [2] }, 'm-1': { t0: [0, 1], t1: [0, 1] } });
});

test("KafkaJS sticky: the tracker's user data makes the leader keep previous owners (Java sticky semantics)", async () => {
  const tracker = new AssignmentTracker();
  const assigner = kpartKafkaJS.sticky({ tracker })({
    cluster: fakeCluster({ t: 6 }),
    groupId: 'g',
    logger: logger as never,
  });
  // Before any assignment: empty user data (Java: no previous assignment).
  assert.equal(
    AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['t'] }).metadata)!.userData.length,
    0,
  );
  tracker.record({ t: [5, 4, 3] }, 9);
  const ud = AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['t'] }).metadata)!.userData;
  assert.deepEqual(decodeStickyUserData(ud), { owned: { t: [5, 4, 3] }, generation: 9 });
  // A new member "a-new" sorts first; the old owners keep their partitions.
  const r = await runKafkaJS(
    'sticky',
    [
      {
        memberId: 'b-old',
        topics: ['t'],
        userData: encodeStickyUserData({ owned: { t: [0, 1, 2] }, generation: 9 }),
      },
      { memberId: 'c-old', topics: ['t'], userData: ud },
      { memberId: 'a-new', topics: ['t'] },
    ],
    { t: 6 },
  );
  assert.deepEqual(r['b-old'], { t: [0, 1] });
  // Java keeps the first maxQuota partitions in the order the member listed them: c-old listed 5, 4, 3.
  assert.deepEqual(r['c-old'], { t: [4, 5] });
  assert.deepEqual(r['a-new'], { t: [2, 3] });
  // A stale claim (older generation) loses to the fresh one.
  const stale = await runKafkaJS(
    'sticky',
    [
      {
        memberId: 'x',
        topics: ['t'],
        userData: encodeStickyUserData({ owned: { t: [0, 1, 2, 3, 4, 5] }, generation: 3 }),
      },
      {
        memberId: 'y',
        topics: ['t'],
        userData: encodeStickyUserData({ owned: { t: [3, 4, 5] }, generation: 4 }),
      },
    ],
    { t: 6 },
  );
  assert.deepEqual(stale, { x: { t: [0, 1, 2] }, y: { t: [3, 4, 5] } });
});

test('AssignmentTracker: heartbeats give the exact generation; back-to-back joins carry a lower bound, never V0 again', () => {
  const handlers = new Map<string, (e: { payload: Record<string, unknown> }) => void>();
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', HEARTBEAT: 'consumer.heartbeat' },
    on: (name: string, fn: (e: { payload: Record<string, unknown> }) => void) => {
      handlers.set(name, fn);
      return () => handlers.delete(name);
    },
  };
  const tracker = new AssignmentTracker();
  const stop = tracker.track(consumer as never);
  const join = (t: number[]): void =>
    handlers.get('consumer.group_join')!({ payload: { memberAssignment: { t } } });
  const beat = (g: number): void =>
    handlers.get('consumer.heartbeat')!({ payload: { groupGenerationId: g } });
  // A heartbeat before any assignment says nothing about an assignment.
  beat(3);
  assert.equal(tracker.userData().length, 0);
  // First join: no generation known yet -> V0 (Java DEFAULT_GENERATION), then exact after a heartbeat.
  join([0, 1, 2]);
  assert.deepEqual(decodeStickyUserData(tracker.userData()), { owned: { t: [0, 1, 2] } });
  beat(7);
  assert.deepEqual(decodeStickyUserData(tracker.userData()), { owned: { t: [0, 1, 2] }, generation: 7 });
  // The next join comes from a newer generation: 8 at least, until the heartbeat tells the exact one.
  join([0, 1]);
  assert.equal(tracker.generation, 8);
  join([1]); // and again before any heartbeat (a rebalance right after the last one)
  assert.equal(tracker.generation, 9);
  beat(11);
  assert.deepEqual(decodeStickyUserData(tracker.userData()), { owned: { t: [1] }, generation: 11 });
  stop();
  assert.equal(handlers.size, 0, 'track() returns a function removing both listeners');
});

test('@platformatic/kafka assigner: Map in, Map out; protocol metadata follows consumer:group:join', () => {
  const kp = platformaticAssignor('sticky');
  assert.equal(kp.protocols[0]!.name, 'sticky');
  assert.equal(kp.protocols[0]!.metadata.length, 0);
  const listeners = new Map<
    string,
    (p: { generationId?: number; assignments?: { topic: string; partitions: number[] }[] }) => void
  >();
  kp.track({ on: (event, l) => listeners.set(event, l) });
  listeners.get('consumer:group:join')!({
    generationId: 4,
    assignments: [{ topic: 't', partitions: [2, 3] }],
  });
  assert.deepEqual(decodeStickyUserData(kp.protocols[0]!.metadata), { owned: { t: [2, 3] }, generation: 4 });

  const members = new Map([
    [
      'm1',
      {
        memberId: 'm1',
        version: 0,
        topics: ['t'],
        metadata: encodeStickyUserData({ owned: { t: [2, 3] }, generation: 4 }),
      },
    ],
    ['m2', { memberId: 'm2', version: 0, topics: ['t'], metadata: Buffer.alloc(0) }],
  ]);
  const out = kp.partitionAssigner('m1', members, new Set(['t']), {
    topics: new Map([['t', { partitionsCount: 4 }]]),
  });
  const byMember = Object.fromEntries(
    out.map((a) => [a.memberId, Object.fromEntries([...a.assignments].map(([t, v]) => [t, v.partitions]))]),
  );
  assert.deepEqual(byMember, { m1: { t: [2, 3] }, m2: { t: [0, 1] } });
  for (const a of out) for (const [t, v] of a.assignments) assert.equal(v.topic, t);

  const rr = platformaticAssignor('roundrobin').partitionAssigner('m1', members, new Set(['t']), {
    topics: new Map([['t', { partitionsCount: 4 }]]),
  });
  assert.deepEqual(
    rr.map((a) => a.assignments.get('t')?.partitions),
    [
      [0, 2],
      [1, 3],
    ],
  );
});
