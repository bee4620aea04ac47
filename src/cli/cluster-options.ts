/**
 * Cluster connection flags shared by every command that talks to a broker (inspect, lag, serve,
 * analyze --from-topic):
 *
 *   --brokers H:P[,H:P...]   bootstrap servers (or env KPART_BROKERS)
 *   --sasl-mechanism M        plain | scram-sha-256 | scram-sha-512
 *   --sasl-username U
 *   --sasl-password P         or env KPART_SASL_PASSWORD (preferred: flags show up in `ps` and shell history)
 *   --ssl                     TLS with the system CAs; --ssl-ca/--ssl-cert/--ssl-key imply it
 *   --ssl-ca FILE, --ssl-cert FILE, --ssl-key FILE   PEM files (CA bundle; client certificate and key for mTLS)
 *   --timeout 10s             bound on each network step (connect, metadata, offsets)
 *   --client-id ID            Kafka client id (default "kpart")
 *
 * The password is never printed: `describeConnection` redacts it and KafkaJS logging is off (its logs can carry
 * connection details). KafkaJS retries are capped so a dead broker fails within `--timeout`, not after
 * KafkaJS's default of 5 retries with backoff up to 30 s.
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Command } from 'commander';
import type { Admin, ISocketFactory, KafkaConfig, SASLOptions } from 'kafkajs';
import { ClusterError, InputError, UsageError } from '../errors.js';
import { describeLeaderless, describeTopicTopology, probeKafka } from '../cluster/topology.js';
import { withTimeout } from '../util/timeout.js';
import { parseChoice, parseDuration, parseList } from './options.js';

export const SaslMechanism = {
  plain: 'plain',
  scramSha256: 'scram-sha-256',
  scramSha512: 'scram-sha-512',
} as const;
export type SaslMechanism = (typeof SaslMechanism)[keyof typeof SaslMechanism];

export const PASSWORD_ENV = 'KPART_SASL_PASSWORD';
export const BROKERS_ENV = 'KPART_BROKERS';
export const DEFAULT_TIMEOUT = '10s';

/** The raw flag values commander hands over (all strings/booleans as typed). */
export interface ClusterFlagValues {
  brokers?: string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPassword?: string;
  ssl?: boolean;
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
  timeout?: string;
  clientId?: string;
}

export interface ClusterConnection {
  brokers: string[];
  timeoutMs: number;
  clientId: string;
  /** Ready for `new Kafka(config)`. Contains the password when SASL is on: never log it. */
  kafkaConfig: KafkaConfig;
  sasl?: { mechanism: SaslMechanism; username: string };
  ssl: boolean;
}

/** Adds the shared cluster flags to a command. */
export function addClusterOptions(cmd: Command): Command {
  return cmd
    .option('--brokers <list>', `bootstrap servers host:port[,host:port...] (env ${BROKERS_ENV})`)
    .option('--sasl-mechanism <mechanism>', `SASL mechanism: ${Object.values(SaslMechanism).join(', ')}`)
    .option('--sasl-username <user>', 'SASL username')
    .option('--sasl-password <password>', `SASL password (prefer env ${PASSWORD_ENV})`)
    .option('--ssl', 'connect with TLS (system CAs unless --ssl-ca)')
    .option('--ssl-ca <file>', 'PEM CA bundle to trust (implies --ssl)')
    .option('--ssl-cert <file>', 'PEM client certificate for mutual TLS (implies --ssl)')
    .option('--ssl-key <file>', 'PEM client private key for mutual TLS (implies --ssl)')
    .option('--timeout <duration>', 'bound on each network step, e.g. 5s', DEFAULT_TIMEOUT)
    .option('--client-id <id>', 'Kafka client id', 'kpart');
}

/** Validates "host:port" (IPv6 as [addr]:port). */
export function parseBroker(raw: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 1 && port <= 65535))
    throw new UsageError(`--brokers entries must be host:port, got "${raw}"`);
  return raw;
}

function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`${flag}: cannot read "${file}" (${code})`);
  }
}

/** Turns flag values (and the environment) into a KafkaJS config. Throws UsageError/InputError (exit 2). */
export function resolveClusterOptions(
  flags: ClusterFlagValues,
  env: NodeJS.ProcessEnv = process.env,
): ClusterConnection {
  const rawBrokers = flags.brokers ?? env[BROKERS_ENV];
  if (!rawBrokers || !rawBrokers.trim())
    throw new UsageError(`--brokers is required (or set ${BROKERS_ENV})`);
  const brokers = parseList('--brokers', rawBrokers).map(parseBroker);
  const timeoutMs = parseDuration('--timeout', flags.timeout ?? DEFAULT_TIMEOUT);
  if (timeoutMs < 100) throw new UsageError(`--timeout must be at least 100ms, got "${flags.timeout ?? ''}"`);
  const clientId = flags.clientId ?? 'kpart';

  let sasl: SASLOptions | undefined;
  let saslInfo: ClusterConnection['sasl'];
  if (flags.saslMechanism !== undefined) {
    const mechanism = parseChoice('--sasl-mechanism', flags.saslMechanism, SaslMechanism);
    const username = flags.saslUsername;
    const password = flags.saslPassword ?? env[PASSWORD_ENV];
    if (!username) throw new UsageError('--sasl-mechanism needs --sasl-username');
    if (password === undefined || password === '')
      throw new UsageError(`--sasl-mechanism needs a password: --sasl-password or env ${PASSWORD_ENV}`);
    sasl = { mechanism, username, password } as SASLOptions;
    saslInfo = { mechanism, username };
  } else if (flags.saslUsername !== undefined || flags.saslPassword !== undefined) {
    throw new UsageError('--sasl-username/--sasl-password need --sasl-mechanism');
  }

  let ssl: KafkaConfig['ssl'];
  if (flags.sslCa !== undefined || flags.sslCert !== undefined || flags.sslKey !== undefined) {
    if ((flags.sslCert === undefined) !== (flags.sslKey === undefined))
      throw new UsageError('--ssl-cert and --ssl-key go together');
    ssl = {
      ...(flags.sslCa !== undefined ? { ca: [readPem('--ssl-ca', flags.sslCa)] } : {}),
      ...(flags.sslCert !== undefined ? { cert: readPem('--ssl-cert', flags.sslCert) } : {}),
      ...(flags.sslKey !== undefined ? { key: readPem('--ssl-key', flags.sslKey) } : {}),
    };
  } else if (flags.ssl) {
    ssl = true;
  }

  const kafkaConfig: KafkaConfig = {
    clientId,
    brokers,
    // KafkaJS logs go to stdout by default and can include connection details; kpart reports errors itself.
    logLevel: 0, // logLevel.NOTHING (a type-only import keeps kafkajs off the CLI's start-up path)
    connectionTimeout: Math.min(timeoutMs, 5000),
    requestTimeout: timeoutMs,
    // Capped so a dead broker surfaces as an error within --timeout (KafkaJS default: 5 retries, up to 30 s).
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: Math.min(1000, timeoutMs) },
    ...(ssl !== undefined ? { ssl } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
  };
  const out: ClusterConnection = { brokers, timeoutMs, clientId, kafkaConfig, ssl: ssl !== undefined };
  if (saslInfo) out.sasl = saslInfo;
  return out;
}

/** A one-line description safe to print: brokers, TLS, SASL mechanism and user — never the password. */
export function describeConnection(c: ClusterConnection): string {
  const parts = [c.brokers.join(','), c.ssl ? 'TLS' : 'plaintext'];
  if (c.sasl) parts.push(`SASL ${c.sasl.mechanism} as ${c.sasl.username}`);
  return parts.join(', ');
}

/**
 * Probes every bootstrap server with a Kafka request (ApiVersions, see topology.ts `probeKafka`); returns e.g.
 * "127.0.0.1:9092 (ECONNREFUSED)" or "127.0.0.1:9093 (no Kafka answer within 2000 ms)" for those that fail.
 */
export async function unreachableBootstrap(c: ClusterConnection): Promise<string[]> {
  const ssl = c.kafkaConfig.ssl;
  const tls = ssl === true ? true : ssl && typeof ssl === 'object' ? ssl : undefined;
  const results = await Promise.all(
    c.brokers.map(async (b) => {
      const i = b.lastIndexOf(':');
      const host = b.slice(0, i).replace(/^\[|\]$/g, '');
      const r = await probeKafka(host, Number(b.slice(i + 1)), Math.min(c.timeoutMs, 2000), tls);
      return r.ok ? undefined : `${b} (${r.error ?? 'unreachable'})`;
    }),
  );
  return results.filter((x): x is string => x !== undefined);
}

/** Topology of `topics` read through the bootstrap brokers that answer; one line naming leaderless partitions' brokers. */
async function nameLeaderless(
  c: ClusterConnection,
  down: readonly string[],
  topics: readonly string[],
): Promise<string | undefined> {
  const downAddrs = new Set(down.map((d) => d.split(' ')[0]));
  const alive = c.brokers.filter((b) => !downAddrs.has(b));
  if (alive.length === 0) return undefined;
  const lines = await withAdmin(
    { ...c, brokers: alive, kafkaConfig: { ...c.kafkaConfig, brokers: alive } },
    async (admin) => {
      const out: string[] = [];
      for (const topic of topics) {
        const line = describeLeaderless(await describeTopicTopology(admin, topic, c.timeoutMs));
        if (line) out.push(line);
      }
      return out;
    },
  );
  return lines.length > 0 ? lines.join('; ') : undefined;
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).trim();
}

/**
 * KafkaJS's default socket factory (src/network/socketFactory.js: TLS with SNI for host names, keep-alive
 * 60 s), plus a record of every socket it opened. A request to a broker that accepts connections but does not
 * answer stays pending in KafkaJS past our timeout and past `disconnect()`; the CLI destroys what is left so a
 * finished command exits instead of waiting on that broker.
 */
export function trackingSocketFactory(): { factory: ISocketFactory; destroyAll: () => number } {
  const sockets = new Set<Socket>();
  let closed = false;
  const factory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? tlsConnect(
          {
            host,
            port,
            ...(isIP(host) ? {} : { servername: host }),
            ...(typeof ssl === 'object' ? ssl : {}),
          },
          onConnect,
        )
      : netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    // KafkaJS retries may reconnect after the command is over: those connections are closed at once.
    if (closed) {
      socket.destroy(new Error('kpart: client closed'));
      return socket;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const destroyAll = (): number => {
    closed = true;
    const n = sockets.size;
    for (const s of sockets) s.destroy();
    sockets.clear();
    return n;
  };
  return { factory, destroyAll };
}

/**
 * Connects a KafkaJS admin (bounded by the timeout), runs `fn`, and disconnects (bounded too, then any socket
 * still open is destroyed). A failure to connect is reported as one ClusterError naming the bootstrap servers
 * that refuse connections, or saying that none answered in time.
 */
export async function withAdmin<T>(c: ClusterConnection, fn: (admin: Admin) => Promise<T>): Promise<T> {
  // kafkajs is a peer dependency, loaded only by commands that talk to a cluster.
  const { Kafka } = await import('kafkajs');
  const sockets = trackingSocketFactory();
  const kafka = new Kafka({ ...c.kafkaConfig, socketFactory: sockets.factory });
  const admin = kafka.admin({ retry: c.kafkaConfig.retry ?? {} });
  try {
    try {
      await withTimeout(admin.connect(), c.timeoutMs, `connecting to ${c.brokers.join(',')}`);
    } catch (err) {
      const down = await unreachableBootstrap(c);
      if (down.length > 0) {
        throw new ClusterError(
          `cannot reach broker${down.length > 1 ? 's' : ''} ${down.join(', ')}`,
          'E_UNREACHABLE',
          { cause: err },
        );
      }
      if (err instanceof ClusterError && err.code === 'E_TIMEOUT') {
        throw new ClusterError(
          `no broker of ${c.brokers.join(',')} answered within ${c.timeoutMs} ms`,
          'E_TIMEOUT',
          { cause: err },
        );
      }
      throw new ClusterError(`cannot connect to ${describeConnection(c)}: ${oneLine(err)}`, 'E_CONNECT', {
        cause: err,
      });
    }
    return await fn(admin);
  } finally {
    await withTimeout(admin.disconnect(), Math.min(c.timeoutMs, 3000), 'disconnect').catch(() => undefined);
    sockets.destroyAll();
  }
}

/**
 * withAdmin for CLI commands: errors become one ClusterError line (exit 1). When a request timed out or failed
 * without naming a broker, the bootstrap servers are probed so the message says which one is not answering.
 */
export async function runClusterCommand<T>(
  c: ClusterConnection,
  fn: (admin: Admin) => Promise<T>,
  topics: readonly string[] = [],
): Promise<T> {
  try {
    return await withAdmin(c, fn);
  } catch (err) {
    // Already names the broker (topology probe, poller's probe) or is not about reachability: pass it on.
    if (
      err instanceof ClusterError &&
      (err.code === 'E_UNREACHABLE' ||
        err.code === 'E_NO_TOPIC' ||
        err.code === 'E_NO_OFFSETS' ||
        /broker \d+ \(|not answering: /.test(err.message))
    )
      throw err;
    if (err instanceof UsageError || err instanceof InputError) throw err;
    const down = await unreachableBootstrap(c).catch(() => []);
    // A request can fail on a dead broker before the command's own topology check ran (KafkaJS picked it as the
    // seed). Ask the brokers that do answer for the topics' topology, so the message names the broker by node id
    // and the partitions it led, exactly as when the check runs first.
    const named =
      down.length > 0 && topics.length > 0
        ? await nameLeaderless(c, down, topics).catch(() => undefined)
        : undefined;
    if (named) throw new ClusterError(named, 'E_UNREACHABLE', { cause: err });
    const why = oneLine(err);
    const suffix = down.length > 0 ? `; not answering: ${down.join(', ')}` : '';
    throw new ClusterError(`${why}${suffix}`, err instanceof ClusterError ? err.code : 'E_CLUSTER', {
      cause: err,
    });
  }
}
