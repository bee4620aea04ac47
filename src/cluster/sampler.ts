/**
 * `analyze --from-topic`: the analyzer on keys sampled from a live topic.
 *
 * Bounded so it terminates: end offsets are read first and the sample is a fixed set of offset ranges — per
 * partition `[start, stop)` from its log start, with `--sample` records split over partitions in proportion to
 * what each holds (so the sample keeps the topic's per-partition mix). Records appended later are ignored.
 *
 * Distributed with Kafka as the engine (`--workers N`): the ranges are consumed by a consumer group of N kpart
 * processes (`kpart analyze --from-topic ... --sample-worker`, children of the CLI, members of one group unique
 * to the run). Kafka's group protocol spreads the partitions and moves them when members come and go; Kafka's
 * committed offsets are the progress ledger; a results topic carries each worker's mergeable partial (the
 * analyzer state: exact per-partition counts plus the Space-Saving hot-key sketch, as JSON) to the coordinator,
 * which merges N partials. Nothing is scheduled by kpart itself.
 *
 * Exactly-once counting across rebalances: a worker buffers a batch, commits the batch's end offset, and only
 * then adds the records to its analyzer. If the commit fails (the partition was revoked in a rebalance), the
 * records are dropped and the partition's next owner re-reads them from the committed offset. A worker is done
 * when the group's committed offsets reach every range's stop — a global condition every worker can check
 * (OffsetFetch), so nobody needs to know who owns what.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Analyzer, type AnalyzerStateJSON } from '../analysis/analyzer.js';
import { ClusterError } from '../errors.js';
import { withTimeout } from '../util/timeout.js';
import type { StrategyOptions } from '../partitioners/registry.js';

export interface SampleRange {
  partition: number;
  /** First offset to read (the log start offset when the plan was made). */
  start: number;
  /** First offset NOT to read. */
  stop: number;
}

/** What every participant of one sampling run agrees on. Serialisable (travels to workers as JSON). */
export interface SamplePlan {
  runId: string;
  topic: string;
  /** Consumer group of the sampling workers (unique per run). */
  groupId: string;
  /** Topic carrying the workers' partial results (unique per run). */
  resultsTopic: string;
  ranges: SampleRange[];
  /** Records in the plan (Σ stop − start). */
  records: number;
  analyzer: { partitions: number; strategies: string[]; topK: number };
}

export interface SampleResult {
  plan: SamplePlan;
  /** The merged analyzer (result() gives the report). */
  analyzer: Analyzer;
  workers: number;
  /** Records each worker analyzed, in the order their partials arrived. */
  perWorker: number[];
}

export interface SampleOptions {
  topic: string;
  /** At most this many records. */
  sample: number;
  /** Partition count to analyze for (default: the topic's). */
  partitions?: number;
  strategies: string[];
  topK?: number;
  strategyOptions?: StrategyOptions;
  /** 1 (default) = consume in this process; N > 1 = N worker processes in one consumer group. */
  workers?: number;
  /** Bound on each network step. Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * How to start one worker process (argv; the plan goes in env KPART_SAMPLE_PLAN). Default: this package's
   * CLI, `kpart analyze --from-topic <topic> --sample-worker` plus `workerArgs`.
   */
  workerCommand?: string[];
  /** Extra CLI arguments for the default worker command (cluster connection flags; never a password). */
  workerArgs?: string[];
  /** Extra environment for workers (e.g. KPART_SASL_PASSWORD). */
  workerEnv?: NodeJS.ProcessEnv;
  /** Progress lines (worker started/finished) go here; default nowhere. */
  log?: (line: string) => void;
}

export const PLAN_ENV = 'KPART_SAMPLE_PLAN';
/** KPART_DEBUG=1 traces the sampling protocol on stderr (workers' stderr is passed through). */
const debug = (msg: string): void => {
  if (process.env['KPART_DEBUG']) process.stderr.write(`[kpart sample ${process.pid}] ${msg}\n`);
};
const CLI_MAIN = new URL('../cli/main.js', import.meta.url).pathname;

/**
 * Splits `sample` records over partitions in proportion to what each holds (largest remainders), so a
 * partition holding 30 % of the topic gives 30 % of the sample. All of a partition when the sample covers it.
 */
export function splitSample(
  available: ReadonlyArray<{ partition: number; low: number; high: number }>,
  sample: number,
): SampleRange[] {
  const sizes = available.map((a) => Math.max(0, a.high - a.low));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= sample)
    return available.map((a, i) => ({ partition: a.partition, start: a.low, stop: a.low + sizes[i]! }));
  const exact = sizes.map((s) => (s * sample) / total);
  const quota = exact.map(Math.floor);
  let left = sample - quota.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, frac: e - Math.floor(e) }))
    .sort((x, y) => y.frac - x.frac || x.i - y.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (quota[i]! < sizes[i]!) {
      quota[i]!++;
      left--;
    }
  }
  return available.map((a, i) => ({ partition: a.partition, start: a.low, stop: a.low + quota[i]! }));
}

/**
 * Connects a KafkaJS client within the timeout; when that fails (a broker that accepts connections but never
 * answers), disconnects it before rethrowing: KafkaJS keeps the pending request and its timers alive otherwise,
 * and the process would print its error and then never exit.
 */
async function connectOrClose(
  client: { connect(): Promise<void>; disconnect(): Promise<void> },
  timeoutMs: number,
  what: string,
): Promise<void> {
  try {
    await withTimeout(client.connect(), timeoutMs, what);
  } catch (err) {
    await withTimeout(client.disconnect(), Math.min(timeoutMs, 3000), 'disconnect').catch(() => undefined);
    throw err;
  }
}

/** Reads the topic's offsets (bounded) and fixes the sample ranges. */
export async function planSample(admin: Admin, options: SampleOptions): Promise<SamplePlan> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Listing (a metadata request without topic names) never auto-creates; asking for a missing topic by name
  // can (brokers with auto.create.topics.enable, and librdkafka's mock always) — analyzing must not create it.
  const names = await withTimeout(admin.listTopics(), timeoutMs, 'topic listing');
  if (!names.includes(options.topic))
    throw new ClusterError(`topic "${options.topic}" not found`, 'E_NO_TOPIC');
  const offsets = await withTimeout(
    admin.fetchTopicOffsets(options.topic),
    timeoutMs,
    `offsets of topic "${options.topic}"`,
  ).catch((err: unknown) => {
    if (err instanceof ClusterError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test(msg))
      throw new ClusterError(`topic "${options.topic}" not found`, 'E_NO_TOPIC');
    throw new ClusterError(`cannot read offsets of topic "${options.topic}": ${msg}`);
  });
  if (offsets.length === 0) throw new ClusterError(`topic "${options.topic}" not found`, 'E_NO_TOPIC');
  const available = offsets
    .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
    .sort((a, b) => a.partition - b.partition);
  const ranges = splitSample(available, options.sample);
  const runId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  return {
    runId,
    topic: options.topic,
    groupId: `kpart-sample-${runId}`,
    resultsTopic: `kpart-sample-results-${runId}`,
    ranges,
    records: ranges.reduce((a, r) => a + (r.stop - r.start), 0),
    analyzer: {
      partitions: options.partitions ?? offsets.length,
      strategies: options.strategies,
      topK: options.topK ?? 10,
    },
  };
}

function newAnalyzer(plan: SamplePlan, strategyOptions: StrategyOptions = {}): Analyzer {
  return new Analyzer({
    partitions: plan.analyzer.partitions,
    strategies: plan.analyzer.strategies,
    topK: plan.analyzer.topK,
    strategyOptions,
  });
}

/** Group offsets (OffsetFetch) all at or past every range's stop: the whole plan is consumed. */
async function planComplete(admin: Admin, plan: SamplePlan, timeoutMs: number): Promise<boolean> {
  const pending = plan.ranges.filter((r) => r.stop > r.start);
  if (pending.length === 0) return true;
  const res = await withTimeout(
    admin.fetchOffsets({ groupId: plan.groupId, topics: [plan.topic] }),
    timeoutMs,
    'committed offsets',
  );
  const committed = new Map<number, number>();
  for (const t of res) for (const p of t.partitions) committed.set(p.partition, Number(p.offset));
  return pending.every((r) => (committed.get(r.partition) ?? -1) >= r.stop);
}

interface Buffered {
  key: Buffer | null;
  size: number;
  timestamp: number;
}

/** Consumer crashes (errors KafkaJS does not restart on) a member survives by rejoining with a new consumer. */
const MAX_REJOINS = 5;

/**
 * One sampling member: joins the plan's group, consumes its share of the ranges until the group has
 * committed them all, and returns its analyzer state. Used in-process (workers = 1) and by worker processes.
 *
 * KafkaJS stops a consumer for good on errors it deems non-retriable (librdkafka's mock answers some
 * concurrent joins with INVALID_REQUEST, for one). Because records are only counted after their offsets were
 * committed, a member can simply rejoin with a fresh consumer and carry on from the committed offsets: its
 * analyzer state stays valid. It gives up after MAX_REJOINS crashes.
 */
export async function runSampleWorker(
  kafka: Kafka,
  plan: SamplePlan,
  options: { timeoutMs?: number; strategyOptions?: StrategyOptions } = {},
): Promise<AnalyzerStateJSON> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const analyzer = newAnalyzer(plan, options.strategyOptions);
  const stops = new Map(plan.ranges.map((r) => [r.partition, r.stop]));
  const admin = kafka.admin();
  await connectOrClose(admin, timeoutMs, 'connecting');
  let done = false;
  try {
    if (await planComplete(admin, plan, timeoutMs)) return analyzer.toJSON();
    // Done when the group has committed every range (whoever consumed it). A cluster that stops answering must
    // end the run with an error, not spin: give up when the check has failed for longer than max(30 s, 3 × timeout).
    const giveUpMs = Math.max(30_000, 3 * timeoutMs);
    const finished = (async (): Promise<{ error?: string }> => {
      let lastAnswer = Date.now();
      while (!done) {
        await new Promise((r) => setTimeout(r, 300));
        try {
          if (await planComplete(admin, plan, timeoutMs)) return {};
          lastAnswer = Date.now();
        } catch (err) {
          if (Date.now() - lastAnswer > giveUpMs) {
            return { error: `no progress check answered for ${giveUpMs} ms: ${(err as Error).message}` };
          }
        }
      }
      return {};
    })();

    for (let attempt = 0; ; attempt++) {
      const consumer = sampleConsumer(kafka, plan);
      let crash: unknown;
      const crashed = new Promise<'crashed'>((resolve) => {
        consumer.on(consumer.events.CRASH, (e) => {
          const p = e.payload as { error: unknown; restart: boolean };
          if (!p.restart) {
            crash = p.error;
            resolve('crashed');
          }
        });
      });
      let outcome: { error?: string } | 'crashed';
      try {
        await withTimeout(consumer.connect(), timeoutMs, 'connecting the sampling consumer');
        await consumer.subscribe({ topics: [plan.topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: (payload) => consumeBatch(payload, stops, analyzer),
        });
        outcome = await Promise.race([finished, crashed]);
      } catch (err) {
        crash = err;
        outcome = 'crashed';
      } finally {
        await withTimeout(consumer.disconnect(), timeoutMs, 'disconnect').catch(() => undefined);
      }
      if (outcome !== 'crashed') {
        if (outcome.error !== undefined) throw new ClusterError(`sampling stopped: ${outcome.error}`);
        debug(`worker done: ${analyzer.records} records`);
        return analyzer.toJSON();
      }
      const why = crash instanceof Error ? crash.message : String(crash);
      if (attempt >= MAX_REJOINS)
        throw new ClusterError(`sampling consumer failed ${attempt + 1} times; last: ${why}`);
      debug(`consumer crashed (${why}); rejoining`);
    }
  } finally {
    done = true;
    await withTimeout(admin.disconnect(), timeoutMs, 'disconnect').catch(() => undefined);
  }
}

function sampleConsumer(kafka: Kafka, plan: SamplePlan): Consumer {
  return kafka.consumer({
    groupId: plan.groupId,
    // Short enough that a worker that dies hands its partitions over quickly.
    sessionTimeout: 10_000,
    rebalanceTimeout: 15_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
}

/** One fetched batch: read up to the range's stop, commit, then count (see the file comment). */
async function consumeBatch(
  payload: EachBatchPayload,
  stops: ReadonlyMap<number, number>,
  analyzer: Analyzer,
): Promise<void> {
  const { batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale, heartbeat, pause } = payload;
  const stop = stops.get(batch.partition);
  if (stop === undefined) return;
  const buffered: Buffered[] = [];
  let next = -1;
  for (const m of batch.messages as KafkaMessage[]) {
    if (!isRunning() || isStale()) return;
    const off = Number(m.offset);
    if (off >= stop) {
      next = stop;
      break;
    }
    buffered.push({
      key: m.key,
      size: (m.key?.length ?? 0) + (m.value?.length ?? 0),
      timestamp: Number(m.timestamp),
    });
    next = off + 1;
  }
  if (next < 0) return;
  debug(`batch p${batch.partition} ${buffered.length} records, commit ${next}`);
  // Commit first, count after: a failed commit means the partition moved; its next owner re-reads these.
  try {
    await commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(next) }] }],
    });
  } catch (err) {
    debug(`commit p${batch.partition} failed: ${(err as Error).message}`);
    return;
  }
  for (const r of buffered) analyzer.add({ key: r.key, size: r.size, timestamp: r.timestamp });
  resolveOffset(String(next - 1));
  if (next >= stop) pause();
  // A failed heartbeat here (rebalance under way) is the group protocol's business, not this batch's.
  await heartbeat().catch(() => undefined);
}

/** The partial a worker publishes to the results topic. */
export interface WorkerPartial {
  type: 'kpart.sample.partial';
  runId: string;
  worker: string;
  state: AnalyzerStateJSON;
}

/** Worker process body: run the member, publish the partial (key = run id) to the plan's results topic. */
export async function runSampleWorkerProcess(
  kafka: Kafka,
  plan: SamplePlan,
  timeoutMs: number,
): Promise<void> {
  const state = await runSampleWorker(kafka, plan, { timeoutMs });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await connectOrClose(producer, timeoutMs, 'connecting the results producer');
  try {
    const partial: WorkerPartial = {
      type: 'kpart.sample.partial',
      runId: plan.runId,
      worker: `${process.pid}`,
      state,
    };
    await producer.send({
      topic: plan.resultsTopic,
      messages: [{ key: plan.runId, value: JSON.stringify(partial) }],
    });
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/**
 * Samples a topic into an Analyzer: in-process (workers = 1), or through a consumer group of worker processes
 * whose partials are merged from the results topic.
 */
export async function sampleTopic(kafka: Kafka, options: SampleOptions): Promise<SampleResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const workers = options.workers ?? 1;
  const admin = kafka.admin();
  await connectOrClose(admin, timeoutMs, 'connecting');
  let plan: SamplePlan;
  try {
    plan = await planSample(admin, options);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (workers <= 1) {
    const state = await runSampleWorker(kafka, plan, {
      timeoutMs,
      ...(options.strategyOptions ? { strategyOptions: options.strategyOptions } : {}),
    });
    return {
      plan,
      analyzer: Analyzer.fromJSON(state, options.strategyOptions ?? {}),
      workers: 1,
      perWorker: [state.records],
    };
  }
  return coordinate(kafka, plan, workers, options, timeoutMs);
}

async function coordinate(
  kafka: Kafka,
  plan: SamplePlan,
  workers: number,
  options: SampleOptions,
  timeoutMs: number,
): Promise<SampleResult> {
  const log = options.log ?? (() => undefined);
  const merged = newAnalyzer(plan, options.strategyOptions);
  const perWorker: number[] = [];
  const admin = kafka.admin();
  await connectOrClose(admin, timeoutMs, 'connecting');
  // A real cluster may forbid auto-creation: create the results topic; the mock (no CreateTopics from KafkaJS)
  // falls back to auto-creation by the first metadata request.
  await withTimeout(
    admin.createTopics({ topics: [{ topic: plan.resultsTopic, numPartitions: 1 }], waitForLeaders: true }),
    timeoutMs,
    'creating the results topic',
  ).catch(() => undefined);
  const collector = kafka.consumer({
    groupId: `${plan.groupId}-collect`,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: true,
  });
  const children: ChildProcess[] = [];
  let rejectRun: (err: Error) => void = () => undefined;
  let running: Promise<void> | undefined;
  try {
    await withTimeout(collector.connect(), timeoutMs, 'connecting the results consumer');
    await collector.subscribe({ topics: [plan.resultsTopic], fromBeginning: true });
    const all = new Promise<void>((resolve, reject) => {
      rejectRun = reject;
      running = collector
        .run({
          eachMessage: async ({ message }) => {
            let partial: WorkerPartial;
            try {
              partial = JSON.parse(message.value?.toString('utf8') ?? '') as WorkerPartial;
            } catch {
              return;
            }
            if (partial.type !== 'kpart.sample.partial' || partial.runId !== plan.runId) return;
            debug(`partial from ${partial.worker}: ${partial.state.records} records`);
            merged.merge(partial.state);
            perWorker.push(partial.state.records);
            log(`worker ${partial.worker}: ${partial.state.records} records`);
            if (perWorker.length === workers) resolve();
          },
        })
        .catch((err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
    });
    const argv = options.workerCommand ?? [
      process.execPath,
      CLI_MAIN,
      'analyze',
      '--from-topic',
      plan.topic,
      ...(options.workerArgs ?? []),
      '--sample-worker',
    ];
    for (let i = 0; i < workers; i++) {
      const child = spawn(argv[0]!, argv.slice(1), {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ...(options.workerEnv ?? {}), [PLAN_ENV]: JSON.stringify(plan) },
      });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (process.env['KPART_DEBUG']) process.stderr.write(d);
      });
      child.once('exit', (code, signal) => {
        if (code !== 0 && perWorker.length < workers) {
          rejectRun(
            new ClusterError(
              `sampling worker ${i + 1} failed (${signal ?? `exit ${code}`}): ${err.trim().split('\n')[0] ?? ''}`,
              'E_WORKER',
            ),
          );
        }
      });
      children.push(child);
    }
    await all;
    // Workers exit on their own after publishing; wait for them so no process outlives the command.
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)),
      ),
    );
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    // Not cut short: a consumer still joining its group when the run fails (a worker died early) needs the join
    // to end before it can close its connections (KafkaJS's run() keeps connecting after an early disconnect),
    // and giving up would leave sockets that keep the process alive. The join is bounded by rebalanceTimeout.
    debug('closing the results consumer');
    await running?.catch(() => undefined);
    await collector.disconnect().catch(() => undefined);
    debug('closed');
    await withTimeout(
      admin.deleteTopics({ topics: [plan.resultsTopic], timeout: timeoutMs }),
      timeoutMs,
      'deleting the results topic',
    ).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  return { plan, analyzer: merged, workers, perWorker };
}
