/**
 * Test broker harness. Integration tests call `startTestCluster()` and get either:
 *   - librdkafka's mock cluster (default): build/mock-broker, a real Kafka wire-protocol peer, driven through
 *     its stdin line protocol (see tools/mock-broker/mock-broker.c) for topic creation and fault injection; or
 *   - the real cluster named by KAFKA_BROKERS (comma-separated host:port). Topics are created through the
 *     KafkaJS admin and deleted on stop; fault injection is unavailable (`canInjectFaults` is false and fault
 *     tests skip themselves).
 * Names from `uniqueName()` never collide between tests or runs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';

const LAUNCHER = new URL('../../../build/mock-broker', import.meta.url).pathname;

export interface TestCluster {
  /** Bootstrap servers, host:port each. */
  readonly brokers: string[];
  /** Broker ids as the cluster reports them (mock: 1..N). */
  readonly brokerIds: number[];
  /** True for the mock cluster: down/up, RTT, leader moves and error injection work. */
  readonly canInjectFaults: boolean;
  /** True when running against KAFKA_BROKERS. */
  readonly real: boolean;
  uniqueName(prefix: string): string;
  createTopic(name: string, partitions: number, replication?: number): Promise<void>;
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  setRtt(id: number, ms: number): Promise<void>;
  setLeader(topic: string, partition: number, brokerId: number): Promise<void>;
  /** Makes the next `count` requests of `apiKey` fail with Kafka error `errorCode`. */
  pushRequestErrors(apiKey: number, errorCode: number, count?: number): Promise<void>;
  /** Sends a raw launcher command; resolves to its reply ("ok"). */
  command(line: string): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;
let liveClusters = 0;

/**
 * Safety net against a hung test file: node's test runner waits for a file's event loop to drain, so one
 * leaked client (a consumer whose start timed out, a retry timer) would stall CI for its whole budget.
 * Once no cluster is alive, an unref'd timer (it cannot itself keep the process up) ends the file after
 * 15 s, saying so on stderr. Results already reported stand; the leak is named, not hidden.
 */
function armExitWatchdog(): void {
  setTimeout(() => {
    if (liveClusters > 0) return;
    process.stderr.write(
      'kpart test harness: handles still open 15 s after the last test cluster stopped (a leaked client?); ending this test file\n',
    );
    process.exit(process.exitCode ?? 0);
  }, 15_000).unref();
}
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}-${randomBytes(2).toString('hex')}`;
}

/** A KafkaJS client for tests: quiet logs, short retries so faults surface quickly. */
export function testKafka(brokers: string[], clientId = 'kpart-test'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    // KPART_TEST_DEBUG=1 shows KafkaJS's own errors and warnings (crashes, rebalances) on stderr.
    logLevel: process.env['KPART_TEST_DEBUG'] ? logLevel.WARN : logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

export async function startTestCluster(options: { brokers?: number } = {}): Promise<TestCluster> {
  const external = process.env['KAFKA_BROKERS'];
  if (external && external.trim())
    return startExternal(
      external
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  return startMock(options.brokers ?? 3);
}

async function startMock(count: number): Promise<TestCluster> {
  if (!existsSync(LAUNCHER)) {
    throw new Error(
      `${LAUNCHER} is missing: run "bash scripts/ensure-test-deps.sh" (npm test does it in pretest)`,
    );
  }
  const child: ChildProcessWithoutNullStreams = spawn(LAUNCHER, [String(count)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const pending: Array<(line: string) => void> = [];
  const queued: string[] = [];
  lines.on('line', (line) => {
    const waiter = pending.shift();
    if (waiter) waiter(line);
    else queued.push(line);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`mock-broker exited (${code}): ${stderr.trim()}`)));
  });
  exited.catch(() => undefined);
  const nextLine = (): Promise<string> => {
    const q = queued.shift();
    if (q !== undefined) return Promise.resolve(q);
    return Promise.race([new Promise<string>((resolve) => pending.push(resolve)), exited]);
  };
  const hello = JSON.parse(await nextLine()) as { bootstrap: string; brokers: number };
  liveClusters += 1;
  const brokers = hello.bootstrap.split(',');

  // One command at a time: replies are matched to commands by order.
  let chain: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<string> => {
    const result = chain.then(async () => {
      child.stdin.write(line + '\n');
      const reply = await nextLine();
      if (reply !== 'ok') throw new Error(`mock-broker "${line}": ${reply}`);
      return reply;
    });
    chain = result.catch(() => undefined);
    return result;
  };
  let stopped = false;
  return {
    brokers,
    brokerIds: Array.from({ length: hello.brokers }, (_, i) => i + 1),
    canInjectFaults: true,
    real: false,
    uniqueName,
    async createTopic(name, partitions, replication = 1) {
      await command(`create-topic ${name} ${partitions} ${replication}`);
    },
    async brokerDown(id) {
      await command(`broker-down ${id}`);
    },
    async brokerUp(id) {
      await command(`broker-up ${id}`);
    },
    async setRtt(id, ms) {
      await command(`rtt ${id} ${ms}`);
    },
    async setLeader(topic, partition, brokerId) {
      await command(`leader ${topic} ${partition} ${brokerId}`);
    },
    async pushRequestErrors(apiKey, errorCode, n = 1) {
      await command(`errors ${apiKey} ${errorCode} ${n}`);
    },
    command,
    async stop() {
      if (stopped) return;
      stopped = true;
      liveClusters -= 1;
      if (liveClusters === 0) armExitWatchdog();
      child.stdin.end();
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 3000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    },
  };
}

async function startExternal(brokers: string[]): Promise<TestCluster> {
  const kafka = testKafka(brokers, 'kpart-test-admin');
  const admin: Admin = kafka.admin();
  await admin.connect();
  const created: string[] = [];
  const described = await admin.describeCluster();
  const noFaults = async (): Promise<never> => {
    throw new Error('fault injection needs the mock cluster (unset KAFKA_BROKERS)');
  };
  return {
    brokers,
    brokerIds: described.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
    canInjectFaults: false,
    real: true,
    uniqueName,
    async createTopic(name, partitions, replication) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: name, numPartitions: partitions, replicationFactor: replication ?? -1 }],
      });
      created.push(name);
    },
    brokerDown: noFaults,
    brokerUp: noFaults,
    setRtt: noFaults,
    setLeader: noFaults,
    pushRequestErrors: noFaults,
    command: noFaults,
    async stop() {
      if (created.length) await admin.deleteTopics({ topics: created }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Races `p` against a deadline whose timer is cleared either way (a pending timer would keep the test file alive). */
export async function within<T>(ms: number, p: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Consumer settings for tests: short fetch waits so disconnect is quick, fast heartbeats. */
export const testConsumerConfig = {
  sessionTimeout: 6000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 250,
  rebalanceTimeout: 10000,
} as const;

/** A group member started by `startGroupMember`; `consumer` is replaced when the member rejoins. */
export interface GroupMember {
  readonly consumer: Consumer;
  /** Crashes on the mock's SyncGroup quirk that this member survived by rejoining. */
  readonly rejoins: number;
  /** Resolves when the first consumer has connected, subscribed and started running. */
  readonly ready: Promise<void>;
  /** Stops rejoining and disconnects the current consumer (also after a start that timed out). */
  disconnect(): Promise<void>;
}

/** True for the INVALID_REQUEST KafkaJS gets from the mock coordinator (looked up through `cause` chains). */
function isMockSyncQuirk(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause)
    if ((e as { type?: unknown }).type === 'INVALID_REQUEST') return true;
  return false;
}

/**
 * Starts a KafkaJS group member that survives one known mock-broker limit. librdkafka 2.0.2's mock coordinator
 * completes a sync as soon as the leader's SyncGroup carries every assignment and answers a follower's
 * SyncGroup that arrives after that with INVALID_REQUEST (a real broker returns the follower's assignment).
 * KafkaJS treats that as non-retriable and stops the consumer for good, so on a loaded machine any
 * multi-member group test could lose a member at random. Here such a member rejoins with a fresh consumer
 * from `create` (which must attach its event listeners, trackers included) and `setup` (connect, subscribe,
 * run) — what an application would do. Any other crash is left alone so that the test sees it.
 *
 * Returns at once: keep the handle for cleanup, then await `ready`.
 */
export function startGroupMember(
  create: () => Consumer,
  setup: (consumer: Consumer) => Promise<void>,
  options: { maxRejoins?: number; name?: string } = {},
): GroupMember {
  const maxRejoins = options.maxRejoins ?? 5;
  let stopped = false;
  let rejoins = 0;
  let current!: Consumer;
  let chain: Promise<void> = Promise.resolve();
  const launch = async (): Promise<void> => {
    const consumer = create();
    current = consumer;
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error: unknown; restart: boolean };
      if (stopped || restart || consumer !== current || !isMockSyncQuirk(error) || rejoins >= maxRejoins)
        return;
      rejoins += 1;
      if (process.env['KPART_TEST_DEBUG'])
        process.stderr.write(`[${options.name ?? 'member'}] mock SyncGroup INVALID_REQUEST; rejoining\n`);
      chain = chain.then(async () => {
        await consumer.disconnect().catch(() => undefined);
        if (!stopped) await launch().catch(() => undefined);
      });
    });
    await setup(consumer);
  };
  const ready = launch();
  ready.catch(() => undefined); // the caller awaits `ready`; a start nobody awaits must not be unhandled
  return {
    ready,
    get consumer() {
      return current;
    },
    get rejoins() {
      return rejoins;
    },
    async disconnect() {
      stopped = true;
      await within(10000, chain, 'rejoin in progress').catch(() => undefined);
      await within(10000, current.disconnect(), 'consumer disconnect');
    },
  };
}

/**
 * Joins `group`, reads `total` records of `topic` from the beginning, then commits exactly `offsets`
 * (partition → offset; an array's index is the partition) and leaves.
 */
export async function consumeThenCommit(
  brokers: string[],
  topic: string,
  group: string,
  total: number,
  offsets: Record<number, number>,
): Promise<void> {
  const consumer = testKafka(brokers).consumer({ groupId: group, ...testConsumerConfig });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async () => {
          if (++seen === total) resolve();
        },
      });
    });
    await within(30000, done, `consuming ${total} records`);
    await consumer.commitOffsets(
      Object.entries(offsets).map(([p, offset]) => ({ topic, partition: Number(p), offset: String(offset) })),
    );
  } finally {
    await consumer.disconnect();
  }
}
