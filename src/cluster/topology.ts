/**
 * Topic topology with leader health. Kafka metadata alone can name a leader that is gone: a broker that
 * just died stays the listed leader until the controller notices (and librdkafka's mock cluster never moves it).
 * So kpart asks for metadata, then probes each leader broker's listener with a bounded TCP connect, and reports
 * a partition as leaderless when its leader is -1, unknown, or unreachable. Every step has a timeout: a lost
 * broker is reported, never waited on forever.
 */
import { connect } from 'node:net';
import type { Admin } from 'kafkajs';
import { ClusterError } from '../errors.js';
import { withTimeout } from '../util/timeout.js';

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  reachable: boolean;
  /** Why the probe failed (ECONNREFUSED, timeout, ...), when it did. */
  error?: string;
}

export interface PartitionTopology {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  /** False when the leader is -1, not in the broker list, or did not accept a connection. */
  leaderAvailable: boolean;
}

export interface TopicTopology {
  topic: string;
  brokers: BrokerInfo[];
  partitions: PartitionTopology[];
  /** Partitions whose leader is missing or unreachable, ascending. */
  leaderless: number[];
}

/** Resolves true when host:port accepts a TCP connection within timeoutMs. */
export function probeBroker(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean, error?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error === undefined ? { ok } : { ok, error });
    };
    const timer = setTimeout(() => done(false, `no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', (e: NodeJS.ErrnoException) => done(false, e.code ?? e.message));
  });
}

/**
 * A Kafka-level probe: connects and sends an ApiVersions v0 request (valid before any SASL handshake, answered
 * by every broker version), resolving ok on the first bytes back. It tells "accepts connections but does not
 * answer requests" (overloaded, stuck, a network that delays replies) apart from "refuses connections",
 * which a TCP probe cannot. `tls` wraps the connection for TLS listeners.
 */
export function probeKafka(
  host: string,
  port: number,
  timeoutMs: number,
  tls?: import('node:tls').ConnectionOptions | true,
): Promise<{ ok: boolean; error?: string }> {
  return import('node:tls').then(
    (tlsModule) =>
      new Promise((resolve) => {
        const clientId = Buffer.from('kpart-probe');
        const req = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
        req.writeInt32BE(req.length - 4, 0);
        req.writeInt16BE(18, 4); // ApiVersions
        req.writeInt16BE(0, 6); // v0
        req.writeInt32BE(1, 8); // correlation id
        req.writeInt16BE(clientId.length, 12);
        clientId.copy(req, 14);
        const socket = tls
          ? tlsModule.connect({ host, port, ...(typeof tls === 'object' ? tls : {}) }, () =>
              socket.write(req),
            )
          : connect({ host, port }, () => socket.write(req));
        const done = (ok: boolean, error?: string): void => {
          clearTimeout(timer);
          socket.destroy();
          resolve(error === undefined ? { ok } : { ok, error });
        };
        const timer = setTimeout(() => done(false, `no Kafka answer within ${timeoutMs} ms`), timeoutMs);
        socket.once('data', () => done(true));
        socket.once('error', (e: NodeJS.ErrnoException) => done(false, e.code ?? e.message));
        socket.once('end', () => done(false, 'connection closed without an answer'));
      }),
  );
}

/** The admin calls topology needs (a KafkaJS Admin, or a fake in unit tests). */
export type TopologyAdmin = Pick<Admin, 'fetchTopicMetadata' | 'describeCluster'>;

/** Metadata for one topic plus a reachability probe of every broker. */
export async function describeTopicTopology(
  admin: TopologyAdmin,
  topic: string,
  timeoutMs = 5000,
): Promise<TopicTopology> {
  const all = await describeTopicsTopology(admin, [topic], timeoutMs);
  return all.get(topic)!;
}

/** True when an error (or one of its causes) is a lost connection to a broker. */
function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (
      e.name === 'KafkaJSConnectionError' ||
      /ECONNREFUSED|ECONNRESET|Connection error|Closed connection/.test(e.message)
    )
      return true;
  }
  return false;
}

/**
 * Metadata, asking again when the request went to a broker that just died. KafkaJS sends metadata requests to a
 * random broker it believes connected; right after a broker goes down its socket can still look connected, and
 * KafkaJS gives up on the connection error instead of trying another broker. After the failure it knows that
 * socket is closed, so the next attempt goes elsewhere (bounded: the caller's timeout still applies).
 */
async function metadataWithFailover(
  admin: TopologyAdmin,
  topics: readonly string[],
): Promise<
  [Awaited<ReturnType<Admin['fetchTopicMetadata']>>, Awaited<ReturnType<Admin['describeCluster']>>]
> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await Promise.all([admin.fetchTopicMetadata({ topics: [...topics] }), admin.describeCluster()]);
    } catch (err) {
      if (attempt >= 3 || !isConnectionError(err)) throw err;
    }
  }
}

/**
 * One metadata request and one probe per broker for several topics. A topic the cluster does not know throws
 * E_NO_TOPIC naming it, or with `missing: 'skip'` is left out of the map (a poller watching several topics
 * should not lose all of them because one was deleted).
 */
export async function describeTopicsTopology(
  admin: TopologyAdmin,
  topics: readonly string[],
  timeoutMs = 5000,
  options: { missing?: 'throw' | 'skip'; probe?: boolean } = {},
): Promise<Map<string, TopicTopology>> {
  const [meta, cluster] = await withTimeout(
    metadataWithFailover(admin, topics),
    timeoutMs,
    'metadata request',
  );
  const known = topics.filter((topic) => meta.topics.some((x) => x.name === topic));
  if (options.missing !== 'skip') {
    const missing = topics.find((t) => !known.includes(t));
    if (missing !== undefined) throw new ClusterError(`topic "${missing}" not found`, 'E_NO_TOPIC');
  }
  const brokers: BrokerInfo[] = await Promise.all(
    [...cluster.brokers]
      .sort((a, b) => a.nodeId - b.nodeId)
      .map(async (b) => {
        // probe: false trusts metadata alone (a listed leader counts as available).
        const probe: { ok: boolean; error?: string } =
          options.probe === false
            ? { ok: true }
            : await probeBroker(b.host, b.port, Math.min(timeoutMs, 2000));
        return probe.error === undefined
          ? { nodeId: b.nodeId, host: b.host, port: b.port, reachable: probe.ok }
          : { nodeId: b.nodeId, host: b.host, port: b.port, reachable: probe.ok, error: probe.error };
      }),
  );
  const reachable = new Set(brokers.filter((b) => b.reachable).map((b) => b.nodeId));
  const out = new Map<string, TopicTopology>();
  for (const topic of known) {
    const t = meta.topics.find((x) => x.name === topic)!;
    const partitions = [...t.partitions]
      .sort((a, b) => a.partitionId - b.partitionId)
      .map((p) => ({
        partition: p.partitionId,
        leader: p.leader,
        replicas: [...p.replicas],
        isr: [...p.isr],
        leaderAvailable: p.leader >= 0 && reachable.has(p.leader),
      }));
    out.set(topic, {
      topic,
      brokers,
      partitions,
      leaderless: partitions.filter((p) => !p.leaderAvailable).map((p) => p.partition),
    });
  }
  return out;
}

/**
 * One line naming the brokers behind leaderless partitions, e.g.
 * `leader broker 2 (127.0.0.1:39511) unreachable (ECONNREFUSED) for partitions 1, 4`. Undefined when all are fine.
 */
export function describeLeaderless(t: TopicTopology): string | undefined {
  if (t.leaderless.length === 0) return undefined;
  const byLeader = new Map<number, number[]>();
  for (const p of t.partitions) {
    if (p.leaderAvailable) continue;
    const list = byLeader.get(p.leader) ?? [];
    list.push(p.partition);
    byLeader.set(p.leader, list);
  }
  const parts: string[] = [];
  for (const [leader, ps] of [...byLeader].sort((a, b) => a[0] - b[0])) {
    const b = t.brokers.find((x) => x.nodeId === leader);
    const who =
      leader < 0
        ? 'no leader'
        : b
          ? `leader broker ${leader} (${b.host}:${b.port}) unreachable${b.error ? ` (${b.error})` : ''}`
          : `leader broker ${leader} not in the cluster's broker list`;
    parts.push(`${who} for partition${ps.length > 1 ? 's' : ''} ${ps.join(', ')}`);
  }
  return `topic "${t.topic}": ${parts.join('; ')}`;
}
