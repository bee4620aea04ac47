/**
 * `kpart serve`: Prometheus `/metrics` and the live dashboard for topics (and consumer groups) of a cluster.
 * Polling runs in the background (PartitionMetrics); the HTTP side only reads the latest snapshots, so a slow or
 * dead broker never makes a scrape hang — it shows up as `kpart_data_stale 1` and a growing
 * `kpart_data_age_seconds` instead. SIGTERM/SIGINT stop the server and the poller and disconnect cleanly.
 */
import type { Command } from 'commander';
import type { Admin } from 'kafkajs';
import { ClusterError, UsageError } from '../../errors.js';
import { withTimeout } from '../../util/timeout.js';
import { PartitionMetrics } from '../../cluster/partition-metrics.js';
import { startServer, type KpartServer } from '../../web/server.js';
import {
  addClusterOptions,
  describeConnection,
  resolveClusterOptions,
  runClusterCommand,
  type ClusterFlagValues,
} from '../cluster-options.js';
import { parseDuration, parseInteger, parseList } from '../options.js';

export interface ServeCommandOptions {
  topics?: string[];
  groups?: string[];
  port: number;
  host: string;
  token?: string;
  intervalMs: number;
  timeoutMs: number;
}

function collectList(flag: string) {
  return (raw: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...parseList(flag, raw)];
}

/** Topics to watch when none were named: every non-internal topic the cluster lists. */
async function discoverTopics(admin: Admin, timeoutMs: number): Promise<string[]> {
  const all = await withTimeout(admin.listTopics(), timeoutMs, 'topic listing');
  const topics = all.filter((t) => !t.startsWith('__')).sort();
  if (topics.length === 0)
    throw new ClusterError('the cluster lists no topics to watch; name one with --topic', 'E_NO_TOPIC');
  return topics;
}

/**
 * Runs the server on a connected admin until `stopSignal` fires (the CLI passes SIGTERM/SIGINT). Resolves
 * after the server and the poller are closed (the caller owns the admin). `onListening` receives the bound URL
 * (port 0 → the real port).
 */
export async function runServe(
  admin: Admin,
  opts: ServeCommandOptions,
  stopSignal: Promise<unknown>,
  onListening: (url: string, topics: string[]) => void,
): Promise<void> {
  let poller: PartitionMetrics | undefined;
  let server: KpartServer | undefined;
  try {
    const topics =
      opts.topics && opts.topics.length > 0
        ? [...new Set(opts.topics)]
        : await discoverTopics(admin, opts.timeoutMs);
    poller = new PartitionMetrics({
      admin,
      topics,
      groups: opts.groups ?? [],
      intervalMs: opts.intervalMs,
      timeoutMs: opts.timeoutMs,
    });
    server = await startServer({
      source: poller,
      host: opts.host,
      port: opts.port,
      intervalMs: opts.intervalMs,
      ...(opts.token !== undefined ? { token: opts.token } : {}),
    }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(
        `cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`,
        'E_LISTEN',
      );
    });
    poller.start();
    onListening(server.url, topics);
    await stopSignal;
  } finally {
    await server?.close();
    await poller?.stop();
  }
}

interface ServeFlags extends ClusterFlagValues {
  topic?: string[];
  group?: string[];
  port: string;
  host: string;
  token?: string;
  interval: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description(
      'serve Prometheus /metrics and a live dashboard of per-partition offsets, rates, skew and consumer lag',
    )
    .option(
      '--topic <names>',
      'topic(s) to watch, repeatable or comma-separated (default: every non-internal topic)',
      collectList('--topic'),
    )
    .option(
      '--group <names>',
      'consumer group(s) whose lag to track, repeatable or comma-separated',
      collectList('--group'),
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '9464')
    .option(
      '--host <addr>',
      'address to bind (default loopback only; 0.0.0.0 exposes it on every interface)',
      '127.0.0.1',
    )
    .option(
      '--token <token>',
      'require "Authorization: Bearer <token>" on every route (prefer env KPART_TOKEN: flags show in ps)',
    )
    .option('--interval <duration>', 'poll interval', '5s');
  addClusterOptions(cmd).action(async (raw: ServeFlags) => {
    const token = raw.token ?? process.env['KPART_TOKEN'];
    const intervalMs = parseDuration('--interval', raw.interval);
    if (intervalMs < 100) throw new UsageError(`--interval must be at least 100ms, got "${raw.interval}"`);
    if (token !== undefined && token.trim() === '')
      throw new UsageError('--token (or KPART_TOKEN) must not be empty');
    const port = parseInteger('--port', raw.port, 0, 65535);
    const conn = resolveClusterOptions(raw);
    const opts: ServeCommandOptions = {
      port,
      host: raw.host,
      intervalMs,
      timeoutMs: conn.timeoutMs,
      ...(raw.topic ? { topics: raw.topic } : {}),
      ...(raw.group ? { groups: raw.group } : {}),
      ...(token !== undefined ? { token } : {}),
    };
    let release: () => void = () => undefined;
    const stop = new Promise<string>((resolve) => {
      const onSignal = (sig: NodeJS.Signals): void => resolve(sig);
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      release = () => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      };
    });
    try {
      await runClusterCommand(conn, (admin) =>
        runServe(admin, opts, stop, (url, topics) => {
          // Neither the token nor the SASL password appears in this line.
          process.stdout.write(
            `kpart serve: listening on ${url} (metrics at ${url}metrics${opts.token ? ', bearer token required' : ''}); ` +
              `cluster ${describeConnection(conn)}; watching ${topics.join(', ')}${opts.groups ? ` for group(s) ${opts.groups.join(', ')}` : ''}\n`,
          );
        }),
      );
      process.stdout.write('kpart serve: stopped\n');
    } finally {
      release();
    }
  });
}
