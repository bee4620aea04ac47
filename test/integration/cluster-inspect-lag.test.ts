// `kpart inspect` and `kpart lag` against the test broker (librdkafka's mock cluster, or KAFKA_BROKERS):
// counts per partition, the consumer-groups table, a stalled group member, and brokers going down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Producer } from 'kafkajs';
import {
  consumeThenCommit,
  startGroupMember,
  startTestCluster,
  testConsumerConfig,
  testKafka,
  within,
  type GroupMember,
  type TestCluster,
} from '../broker/harness.js';
import { runCli } from '../cli/run-cli.js';
import { partitionForKey } from '../../src/hash/index.js';
import { inspectTopic, type InspectReport } from '../../src/cluster/inspect.js';
import type { LagReport } from '../../src/cluster/lag.js';

let cluster: TestCluster;
let brokers: string;

before(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  brokers = cluster.brokers.join(',');
});
after(async () => {
  await cluster?.stop();
});

function keyedCounts(keys: string[], n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const k of keys) c[partitionForKey(k, n)]! += 1;
  return c;
}

async function withProducer<T>(fn: (p: Producer) => Promise<T>): Promise<T> {
  const producer = testKafka(cluster.brokers).producer();
  await producer.connect();
  try {
    return await fn(producer);
  } finally {
    await producer.disconnect();
  }
}

/** Sends `perPartition[p]` records to each partition p explicitly. */
async function fill(p: Producer, topic: string, perPartition: number[]): Promise<void> {
  const messages = perPartition.flatMap((n, partition) =>
    Array.from({ length: n }, (_, i) => ({ partition, value: `v${i}` })),
  );
  if (messages.length) await p.send({ topic, messages });
}

test('inspect --json: per-partition offsets match the records produced; skew and alerts from the live counts', async () => {
  const topic = cluster.uniqueName('inspect');
  await cluster.createTopic(topic, 8);
  // Zipf-ish keys: a few heavy keys make a skewed, predictable spread.
  const keys = Array.from({ length: 400 }, (_, i) => `user-${i % 5 === 0 ? 'hot' : i % 37}`);
  await withProducer((p) => p.send({ topic, messages: keys.map((key) => ({ key, value: 'x' })) }));
  const expected = keyedCounts(keys, 8);

  const r = await runCli(['inspect', '--brokers', brokers, '--topic', topic, '--json', '--timeout', '5s']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as InspectReport;
  assert.equal(report.topic, topic);
  assert.deepEqual(
    report.partitions.map((p) => p.partition),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  assert.deepEqual(
    report.partitions.map((p) => p.endOffset - p.startOffset),
    expected,
  );
  assert.deepEqual(
    report.partitions.map((p) => p.records),
    expected,
  );
  assert.deepEqual(
    report.partitions.map((p) => p.rate),
    new Array(8).fill(0),
    'no --interval: rate 0',
  );
  for (const p of report.partitions) {
    assert.ok(cluster.brokerIds.includes(p.leader), `leader ${p.leader} is a broker`);
    assert.equal(p.leaderAvailable, true);
    assert.equal(p.share, expected[p.partition]! / 400);
  }
  const leaders = Object.values(report.leadersPerBroker).reduce((a, b) => a + b, 0);
  assert.equal(leaders, 8);
  assert.equal(report.skew.max, Math.max(...expected));
  assert.equal(report.skew.min, Math.min(...expected));
  assert.equal(report.skew.loadSkewRatio, Math.max(...expected) / Math.max(1, Math.min(...expected)));
  const hot = expected.indexOf(Math.max(...expected));
  assert.ok(
    report.alerts.some((a) => a.code === 'MAX_OVER_MIN' && a.partitions.includes(hot)),
    JSON.stringify(report.alerts),
  );

  // The human table carries the same numbers.
  const t = await runCli(['inspect', '--brokers', brokers, '--topic', topic]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /PARTITION\s+LEADER\s+START-OFFSET\s+END-OFFSET\s+RECORDS\s+RATE\/S\s+SHARE/);
  assert.match(t.stdout, /leaders per broker: /);
});

test('inspect with an interval: counts and rates are the records appended between the two reads', async () => {
  const topic = cluster.uniqueName('inspect-rate');
  await cluster.createTopic(topic, 4);
  const kafka = testKafka(cluster.brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await withProducer(async (p) => {
      await fill(p, topic, [50, 50, 50, 50]); // old data: must not count
      const report = await inspectTopic(admin, topic, {
        intervalMs: 1000,
        timeoutMs: 5000,
        // "During the interval": exactly these records arrive.
        sleep: async () => {
          await fill(p, topic, [30, 0, 10, 0]);
        },
      });
      assert.equal(report.countBasis, 'interval');
      assert.deepEqual(
        report.partitions.map((x) => x.records),
        [30, 0, 10, 0],
      );
      assert.ok(report.intervalMs > 0);
      for (const x of report.partitions) assert.equal(x.rate, x.records / (report.intervalMs / 1000));
      assert.deepEqual(
        report.partitions.map((x) => x.share),
        [0.75, 0, 0.25, 0],
      );
      assert.deepEqual(report.skew.empty, [1, 3]);
    });
  } finally {
    await admin.disconnect();
  }
  // The CLI flag parses and reports an interval basis (no traffic: every rate 0).
  const r = await runCli([
    'inspect',
    '--brokers',
    brokers,
    '--topic',
    topic,
    '--interval',
    '500ms',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as InspectReport;
  assert.equal(rep.countBasis, 'interval');
  assert.deepEqual(
    rep.partitions.map((x) => x.rate),
    [0, 0, 0, 0],
  );
});

test('inspect of a topic that does not exist: one line, exit 1, and the topic is not created', async () => {
  const topic = cluster.uniqueName('missing');
  const r = await runCli(['inspect', '--brokers', brokers, '--topic', topic, '--timeout', '3s']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, new RegExp(`topic "${topic}" not found`));
  const admin = testKafka(cluster.brokers).admin();
  await admin.connect();
  const topics = await admin.listTopics();
  await admin.disconnect();
  assert.equal(topics.includes(topic), false);
});

test('lag: the kafka-consumer-groups table after a consumer committed part of the data', async () => {
  const topic = cluster.uniqueName('lag');
  const group = cluster.uniqueName('g');
  await cluster.createTopic(topic, 3);
  await withProducer((p) => fill(p, topic, [20, 20, 20]));
  await consumeThenCommit(cluster.brokers, topic, group, 60, { 0: 20, 1: 5 });

  const r = await runCli(['lag', '--brokers', brokers, '--group', group, '--topic', topic, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as LagReport;
  assert.equal(rep.group, group);
  assert.deepEqual(
    rep.partitions.map((p) => [p.partition, p.committedOffset, p.endOffset, p.lag]),
    [
      [0, 20, 20, 0],
      [1, 5, 20, 15],
      [2, -1, 20, 20], // never committed: lag counted from the log start
    ],
  );
  assert.equal(rep.status, undefined, 'one sample: no Burrow status');

  const t = await runCli(['lag', '--brokers', brokers, '--group', group, '--topic', topic]);
  assert.equal(t.code, 0, t.stderr);
  const lines = t.stdout.split('\n');
  const header = lines.findIndex((l) =>
    /^TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\b/.test(l),
  );
  assert.ok(header >= 0, t.stdout);
  const rows = lines.slice(header + 1, header + 4).map((l) => l.trim().split(/\s+/).slice(0, 5));
  assert.deepEqual(rows, [
    [topic, '0', '20', '20', '0'],
    [topic, '1', '5', '20', '15'],
    [topic, '2', '-', '20', '-'],
  ]);

  // Without --topic, the topics come from an OffsetFetch for all topics (no ListGroups needed). librdkafka's
  // mock answers that form with nothing, so there kpart must say to name the topics instead.
  const auto = await runCli(['lag', '--brokers', brokers, '--group', group, '--json']);
  if (cluster.real) {
    assert.equal(auto.code, 0, auto.stderr);
    assert.deepEqual((JSON.parse(auto.stdout) as LagReport).topics, [topic]);
  } else {
    assert.equal(auto.code, 1);
    assert.match(
      auto.stderr.trim(),
      new RegExp(`^kpart: group "${group}" has no committed offsets .*--topic$`),
    );
  }
});

test('lag --watch: a stalled group member shows rising lag and STALL/WARN on its partitions only', async () => {
  const topic = cluster.uniqueName('stall');
  const group = cluster.uniqueName('g');
  await cluster.createTopic(topic, 4);
  await withProducer((p) => fill(p, topic, [10, 10, 10, 10]));
  const kafka = testKafka(cluster.brokers);
  const assignments = new Map<string, number[]>();
  const members: GroupMember[] = [];
  const consumed = new Map<string, number>();
  const start = async (name: string): Promise<GroupMember> => {
    const member = startGroupMember(
      () => {
        const c = kafka.consumer({ groupId: group, ...testConsumerConfig });
        c.on(c.events.GROUP_JOIN, (e) =>
          assignments.set(name, [...(e.payload.memberAssignment[topic] ?? [])].sort()),
        );
        return c;
      },
      async (c) => {
        await c.connect();
        await c.subscribe({ topic, fromBeginning: true });
        void c.run({
          autoCommitInterval: 200,
          eachMessage: async () => {
            consumed.set(name, (consumed.get(name) ?? 0) + 1);
          },
        });
      },
      { name },
    );
    members.push(member);
    await member.ready;
    return member;
  };
  const admin = kafka.admin();
  await admin.connect();
  let producing = true;
  let producer: Producer | undefined;
  try {
    const a = await start('a');
    await start('b');
    // Wait for a stable two-member assignment covering all 4 partitions and everything committed.
    await within(
      45000,
      (async () => {
        for (;;) {
          const [ea, eb] = [assignments.get('a') ?? [], assignments.get('b') ?? []];
          const covered = new Set([...ea, ...eb]);
          if (ea.length > 0 && eb.length > 0 && covered.size === 4 && ea.length + eb.length === 4) {
            const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
            if (committed[0]?.partitions.every((p) => p.offset === '10')) return;
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      })(),
      'two members sharing the topic with all offsets committed',
    );
    const stalled = assignments.get('a')!;
    const healthy = assignments.get('b')!;
    // Member a stops making progress (paused: it stays in the group and keeps heartbeating, but neither
    // fetches nor commits) while records keep arriving on every partition.
    a.consumer.pause([{ topic }]);
    producer = kafka.producer();
    await producer.connect();
    const p = producer;
    const feeding = (async () => {
      while (producing) {
        await fill(p, topic, [3, 3, 3, 3]);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const r = await runCli([
      'lag',
      '--brokers',
      brokers,
      '--group',
      group,
      '--topic',
      topic,
      '--watch',
      '3s',
      '--samples',
      '5',
      '--json',
    ]);
    producing = false;
    await feeding;
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as LagReport;
    assert.equal(rep.samples, 5);
    for (const part of stalled) {
      const row = rep.partitions.find((x) => x.partition === part)!;
      assert.ok(
        row.status === 'STALL' || row.status === 'WARN',
        `stalled partition ${part}: ${row.status} (${row.statusReason})`,
      );
      assert.equal(row.lagHistory.length, 5);
      assert.ok(row.lagHistory[4]! > row.lagHistory[0]!, `lag rises on ${part}: ${row.lagHistory.join(',')}`);
      for (let i = 1; i < 5; i++)
        assert.ok(
          row.lagHistory[i]! >= row.lagHistory[i - 1]!,
          `lag never falls on ${part}: ${row.lagHistory.join(',')}`,
        );
      assert.ok(row.lagSeconds !== undefined && row.lagSeconds > 0, `lag seconds estimated on ${part}`);
    }
    for (const part of healthy) {
      const row = rep.partitions.find((x) => x.partition === part)!;
      assert.ok(
        row.status !== 'STALL' && row.status !== 'STOP' && row.status !== 'REWIND',
        `healthy partition ${part}: ${row.status}`,
      );
    }
    assert.ok(rep.status === 'STALL' || rep.status === 'WARN', `group status ${rep.status}`);
  } finally {
    producing = false;
    await producer?.disconnect().catch(() => undefined);
    await Promise.all(members.map((m) => m.disconnect().catch(() => undefined)));
    await admin.disconnect();
  }
});

test('broker down during inspect and lag: one line naming the broker, exit 1, within the timeout', async (t) => {
  if (!cluster.canInjectFaults) return t.skip('needs the mock cluster');
  const topic = cluster.uniqueName('down');
  const group = cluster.uniqueName('g');
  await cluster.createTopic(topic, 6);
  await withProducer((p) => fill(p, topic, [1, 1, 1, 1, 1, 1]));
  const ok = await runCli(['inspect', '--brokers', brokers, '--topic', topic, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const before = JSON.parse(ok.stdout) as InspectReport;
  const victim = before.partitions[0]!.leader;
  const led = before.partitions.filter((p) => p.leader === victim).map((p) => p.partition);
  const victimAddr = cluster.brokers[cluster.brokerIds.indexOf(victim)]!;
  await cluster.brokerDown(victim);
  try {
    for (const args of [
      ['inspect', '--brokers', brokers, '--topic', topic, '--timeout', '3s'],
      ['inspect', '--brokers', brokers, '--topic', topic, '--interval', '1s', '--timeout', '3s'],
      ['lag', '--brokers', brokers, '--group', group, '--topic', topic, '--timeout', '3s'],
    ]) {
      // Bounded by the harness: a hang fails here instead of stalling the suite.
      const r = await runCli(args, { timeoutMs: 30000 });
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0]!,
        new RegExp(`broker ${victim} \\(${victimAddr.replace(/\./g, '\\.')}\\) unreachable`),
      );
      assert.match(lines[0]!, new RegExp(`partitions? ${led.join(', ')}$`));
    }
    // Only that broker given as bootstrap: named too.
    const r = await runCli(
      ['lag', '--brokers', victimAddr, '--group', group, '--topic', topic, '--timeout', '2s'],
      { timeoutMs: 30000 },
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr.trim(),
      new RegExp(`^kpart: cannot reach broker ${victimAddr.replace(/\./g, '\\.')} \\(ECONNREFUSED\\)$`),
    );
  } finally {
    await cluster.brokerUp(victim);
  }
  const again = await runCli(['inspect', '--brokers', brokers, '--topic', topic, '--json']);
  assert.equal(again.code, 0, again.stderr);
});

test('a leader that accepts connections but does not answer: inspect fails naming it instead of hanging', async (t) => {
  if (!cluster.canInjectFaults) return t.skip('needs the mock cluster');
  const topic = cluster.uniqueName('slow');
  await cluster.createTopic(topic, 3);
  const ok = await runCli(['inspect', '--brokers', brokers, '--topic', topic, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const victim = (JSON.parse(ok.stdout) as InspectReport).partitions[0]!.leader;
  const victimAddr = cluster.brokers[cluster.brokerIds.indexOf(victim)]!;
  // Replies from that broker now take 20 s; the TCP probe alone would call it healthy.
  await cluster.setRtt(victim, 20000);
  try {
    const r = await runCli(['inspect', '--brokers', brokers, '--topic', topic, '--timeout', '2s'], {
      timeoutMs: 30000,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    // Whichever request met the slow broker first (connect, metadata or offsets), the line says it timed out.
    assert.match(r.stderr, /(did not answer|no Kafka answer) within 2000 ms/);
    assert.ok(r.stderr.includes(victimAddr), `names ${victimAddr}: ${r.stderr}`);
    for (const other of cluster.brokers.filter((b) => b !== victimAddr))
      assert.ok(!r.stderr.includes(other), `does not blame ${other}`);
  } finally {
    await cluster.setRtt(victim, 0);
  }
});
