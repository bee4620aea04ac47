/**
 * The `--from-topic` branch of `kpart analyze`: flags, validation and output around src/cluster/sampler.ts.
 * analyze.ts adds these options and calls `runFromTopic` early when `--from-topic` is given; the hidden
 * `--sample-worker` flag is how the coordinator starts its worker processes (the plan arrives in env
 * KPART_SAMPLE_PLAN; connection flags are passed on, a SASL password only through the environment).
 */
import { Option, type Command } from 'commander';
import { ClusterError, KpartError, UsageError } from '../../errors.js';
import { PLAN_ENV, runSampleWorkerProcess, sampleTopic, type SamplePlan } from '../../cluster/sampler.js';
import { renderAnalysis } from '../../analysis/render.js';
import {
  addClusterOptions,
  describeConnection,
  PASSWORD_ENV,
  resolveClusterOptions,
  trackingSocketFactory,
  unreachableBootstrap,
  type ClusterConnection,
  type ClusterFlagValues,
} from '../cluster-options.js';
import { parsePositiveInt } from '../options.js';
import { printJson } from '../output.js';
import { parseStrategies, reportIfRequested } from './analyze.js';

export interface FromTopicFlags extends ClusterFlagValues {
  fromTopic?: string;
  sample: string;
  workers: string;
  sampleWorker?: boolean;
  partitions?: string;
  strategy: string;
  top: string;
  json?: boolean;
  report?: string;
}

/** Adds --from-topic, --sample, --workers (and the cluster connection flags) to `kpart analyze`. */
export function addFromTopicOptions(cmd: Command): Command {
  cmd
    .option(
      '--from-topic <topic>',
      'analyze keys sampled from a live topic (with --brokers; -p defaults to its partition count)',
    )
    .option(
      '--sample <N>',
      'with --from-topic: records to sample, split over partitions in proportion to their size',
      '100000',
    )
    .option(
      '--workers <N>',
      'with --from-topic: sample with N kpart processes in one consumer group, partials merged through a Kafka topic',
      '1',
    )
    .addOption(
      new Option(
        '--sample-worker',
        'internal: run as a sampling worker (plan in env KPART_SAMPLE_PLAN)',
      ).hideHelp(),
    );
  return addClusterOptions(cmd);
}

/** Connection flags for worker processes: everything but the password (which goes through the environment). */
function workerConnection(
  conn: ClusterConnection,
  flags: ClusterFlagValues,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const args = [
    '--brokers',
    conn.brokers.join(','),
    '--timeout',
    `${conn.timeoutMs}ms`,
    '--client-id',
    conn.clientId,
  ];
  const env: NodeJS.ProcessEnv = {};
  if (conn.sasl) {
    args.push('--sasl-mechanism', conn.sasl.mechanism, '--sasl-username', conn.sasl.username);
    if (flags.saslPassword !== undefined) env[PASSWORD_ENV] = flags.saslPassword;
  }
  if (flags.ssl) args.push('--ssl');
  if (flags.sslCa !== undefined) args.push('--ssl-ca', flags.sslCa);
  if (flags.sslCert !== undefined) args.push('--ssl-cert', flags.sslCert);
  if (flags.sslKey !== undefined) args.push('--ssl-key', flags.sslKey);
  return { args, env };
}

export async function runFromTopic(file: string | undefined, flags: FromTopicFlags): Promise<void> {
  const topic = flags.fromTopic ?? '';
  if (topic.trim() === '') throw new UsageError('--from-topic needs a topic name');
  if (file !== undefined && file !== '-')
    throw new UsageError('--from-topic reads the topic: give no input file');
  const conn = resolveClusterOptions(flags);
  const { Kafka } = await import('kafkajs');
  // KafkaJS can keep a request to a silent broker (and its socket) past disconnect(); destroy what is left at
  // the end so the command exits (see cluster-options.ts).
  const sockets = trackingSocketFactory();
  const kafka = new Kafka({ ...conn.kafkaConfig, socketFactory: sockets.factory });
  try {
    await sampleOrWork(kafka, conn, flags, topic);
  } catch (err) {
    // As inspect/lag/serve do: a connection that fails or times out names the bootstrap servers not answering.
    if (err instanceof KpartError && err.code !== 'E_TIMEOUT') throw err;
    sockets.destroyAll(); // first: KafkaJS would keep reconnecting while the probe waits
    const down = await unreachableBootstrap(conn).catch(() => []);
    if (down.length > 0)
      throw new ClusterError(
        `cannot reach broker${down.length > 1 ? 's' : ''} ${down.join(', ')}`,
        'E_UNREACHABLE',
        {
          cause: err,
        },
      );
    throw err;
  } finally {
    sockets.destroyAll();
  }
}

async function sampleOrWork(
  kafka: import('kafkajs').Kafka,
  conn: ClusterConnection,
  flags: FromTopicFlags,
  topic: string,
): Promise<void> {
  if (flags.sampleWorker) {
    const raw = process.env[PLAN_ENV];
    if (!raw)
      throw new UsageError(
        `--sample-worker needs the plan in env ${PLAN_ENV} (it is started by kpart analyze --workers)`,
      );
    const plan = JSON.parse(raw) as SamplePlan;
    await runSampleWorkerProcess(kafka, plan, conn.timeoutMs);
    return;
  }

  const sample = parsePositiveInt('--sample', flags.sample);
  const workers = parsePositiveInt('--workers', flags.workers, 64);
  const strategies = parseStrategies(flags.strategy);
  const top = parsePositiveInt('--top', flags.top, 10_000);
  const partitions =
    flags.partitions === undefined
      ? undefined
      : parsePositiveInt('--partitions', flags.partitions, 1_000_000);
  const wc = workerConnection(conn, flags);
  const run = await sampleTopic(kafka, {
    topic,
    sample,
    strategies,
    topK: top,
    workers,
    timeoutMs: conn.timeoutMs,
    workerArgs: wc.args,
    workerEnv: wc.env,
    ...(partitions !== undefined ? { partitions } : {}),
  });
  const result = run.analyzer.result();
  const info = {
    topic,
    requested: sample,
    records: result.records,
    workers: run.workers,
    perWorker: run.perWorker,
    ranges: run.plan.ranges,
  };
  if (flags.json) printJson({ ...result, sample: info });
  else {
    process.stdout.write(
      `sampled ${result.records} records from topic ${topic} (${describeConnection(conn)})` +
        `${run.workers > 1 ? ` with ${run.workers} workers [${run.perWorker.join(', ')}]` : ''}; analyzed for ${result.partitions} partitions\n\n`,
    );
    process.stdout.write(renderAnalysis(result) + '\n');
  }
  reportIfRequested(
    flags,
    result,
    'kpart analyze --from-topic',
    `topic ${topic} (${result.records} records sampled)`,
  );
}
