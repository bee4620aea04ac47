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
export function probeBroker(host: string, port: number, timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
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

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClusterError(`${what} did not answer within ${ms} ms`, 'E_TIMEOUT')), ms);
    }),
  ]);
}

/** Metadata for one topic plus a reachability probe of every broker. */
export async function describeTopicTopology(admin: Admin, topic: string, timeoutMs = 5000): Promise<TopicTopology> {
  const [meta, cluster] = await withTimeout(
    Promise.all([admin.fetchTopicMetadata({ topics: [topic] }), admin.describeCluster()]),
    timeoutMs,
    'metadata request',
  );
  const t = meta.topics.find((x) => x.name === topic);
  if (!t) throw new ClusterError(`topic "${topic}" not found`, 'E_NO_TOPIC');
  const brokers: BrokerInfo[] = await Promise.all(
    [...cluster.brokers]
      .sort((a, b) => a.nodeId - b.nodeId)
      .map(async (b) => {
        const probe = await probeBroker(b.host, b.port, Math.min(timeoutMs, 2000));
        return probe.error === undefined
          ? { nodeId: b.nodeId, host: b.host, port: b.port, reachable: probe.ok }
          : { nodeId: b.nodeId, host: b.host, port: b.port, reachable: probe.ok, error: probe.error };
      }),
  );
  const reachable = new Set(brokers.filter((b) => b.reachable).map((b) => b.nodeId));
  const partitions = [...t.partitions]
    .sort((a, b) => a.partitionId - b.partitionId)
    .map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      replicas: [...p.replicas],
      isr: [...p.isr],
      leaderAvailable: p.leader >= 0 && reachable.has(p.leader),
    }));
  return { topic, brokers, partitions, leaderless: partitions.filter((p) => !p.leaderAvailable).map((p) => p.partition) };
}
