/**
 * One-shot topic inspection (what `kpart inspect` prints): per partition leader, start/end offsets, records
 * and rate, share of traffic; leaders per broker; the analyzer's skew metrics and alerts on the live counts.
 *
 * Which counts: with an interval, the records appended during it (end offset delta) — the live traffic mix.
 * Without one, the records retained per partition (end − start), and rate is 0: a single read has no time
 * axis, and waiting for a default interval would make a quick look slow. Both go through the same
 * computeSkewMetrics/skewAlerts as the offline analyzer, over all partitions, empty ones included.
 */
import { ClusterError } from '../errors.js';
import { computeSkewMetrics, skewAlerts, type SkewAlert, type SkewMetrics } from '../analysis/metrics.js';
import { PartitionMetrics } from './partition-metrics.js';
import { ensureTopicsExist, type ClusterAdmin } from './offsets.js';
import type { TopicSnapshot } from './types.js';

export const CountBasis = { interval: 'interval', retained: 'retained' } as const;
export type CountBasis = (typeof CountBasis)[keyof typeof CountBasis];

export interface InspectPartition {
  partition: number;
  leader: number;
  leaderAvailable: boolean;
  startOffset: number;
  endOffset: number;
  /** Records counted for skew: appended during the interval, or retained (see CountBasis). */
  records: number;
  /** Records/s over the interval; 0 without one. */
  rate: number;
  /** records / total records (0 when the total is 0). */
  share: number;
}

export interface InspectReport {
  topic: string;
  partitions: InspectPartition[];
  skew: SkewMetrics;
  alerts: SkewAlert[];
  /** Broker id → partitions it leads. */
  leadersPerBroker: Record<string, number>;
  countBasis: CountBasis;
  /** Measured interval between the two reads (ms), 0 without --interval. */
  intervalMs: number;
  totalRecords: number;
  totalRate: number;
  takenAt: number;
}

export interface InspectOptions {
  /** Sample twice this far apart; 0/undefined = one read. */
  intervalMs?: number;
  timeoutMs: number;
  /** Probe leaders' listeners (default true; see topology.ts). Unit tests with fake brokers turn it off. */
  probeLeaders?: boolean;
  /** For tests: how to wait the interval. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function fresh(snap: TopicSnapshot | undefined, topic: string): TopicSnapshot {
  if (!snap) throw new ClusterError(`no data for topic "${topic}"`, 'E_NO_DATA');
  if (snap.stale) throw new ClusterError(snap.error ?? `reading topic "${topic}" failed`, 'E_CLUSTER');
  return snap;
}

export async function inspectTopic(
  admin: ClusterAdmin,
  topic: string,
  options: InspectOptions,
): Promise<InspectReport> {
  const interval = options.intervalMs ?? 0;
  await ensureTopicsExist(admin, [topic], options.timeoutMs);
  const metrics = new PartitionMetrics({
    admin,
    topics: [topic],
    timeoutMs: options.timeoutMs,
    describeGroups: false,
    ...(options.now ? { now: options.now } : {}),
    ...(options.probeLeaders !== undefined ? { probeLeaders: options.probeLeaders } : {}),
  });
  const first = fresh((await metrics.pollOnce())[0], topic);
  let last = first;
  if (interval > 0) {
    await (options.sleep ?? defaultSleep)(interval);
    last = fresh((await metrics.pollOnce())[0], topic);
  }
  const before = new Map(first.partitions.map((p) => [p.partition, p]));
  const basis: CountBasis = interval > 0 ? CountBasis.interval : CountBasis.retained;
  const records = last.partitions.map((p) => {
    if (basis === CountBasis.retained) return p.endOffset - p.startOffset;
    const b = before.get(p.partition);
    return b ? Math.max(0, p.endOffset - b.endOffset) : 0;
  });
  // computeSkewMetrics indexes by array position: lay counts out by partition id (ids are 0..n-1 in Kafka).
  const n = last.partitions.length === 0 ? 0 : Math.max(...last.partitions.map((p) => p.partition)) + 1;
  const counts = new Array<number>(n).fill(0);
  last.partitions.forEach((p, i) => (counts[p.partition] = records[i] ?? 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const skew = computeSkewMetrics(counts);
  const alerts = skewAlerts(counts, skew);
  const leadersPerBroker: Record<string, number> = {};
  for (const p of last.partitions) {
    const k = String(p.leader);
    leadersPerBroker[k] = (leadersPerBroker[k] ?? 0) + 1;
  }
  const partitions: InspectPartition[] = last.partitions.map((p, i) => ({
    partition: p.partition,
    leader: p.leader,
    leaderAvailable: p.leaderAvailable,
    startOffset: p.startOffset,
    endOffset: p.endOffset,
    records: records[i] ?? 0,
    rate: basis === CountBasis.interval ? p.rate : 0,
    share: total === 0 ? 0 : (records[i] ?? 0) / total,
  }));
  return {
    topic,
    partitions,
    skew,
    alerts,
    leadersPerBroker,
    countBasis: basis,
    intervalMs: basis === CountBasis.interval ? last.takenAt - first.takenAt : 0,
    totalRecords: total,
    totalRate: partitions.reduce((a, p) => a + p.rate, 0),
    takenAt: last.takenAt,
  };
}
