/**
 * Consumer-group lag (what `kpart lag` prints): per partition the committed offset, log-end offset and lag —
 * the columns of `kafka-consumer-groups --describe` — plus, over a watch window of several samples, Burrow's
 * status per partition (src/cluster/burrow.ts) and lag in seconds by offset→time interpolation
 * (src/cluster/time-lag.ts, kafka-lag-exporter's method).
 *
 * Lag that sits on a few partitions while the rest keep up is the consumer-side face of a hot partition
 * (a heavy key, or one slow instance owning those partitions); `hotPartitions` calls it out.
 */
import { ClusterError } from '../errors.js';
import { computeSkewMetrics } from '../analysis/metrics.js';
import { worstStatus } from './burrow.js';
import { PartitionMetrics } from './partition-metrics.js';
import { withTimeout } from '../util/timeout.js';
import { ensureTopicsExist, type ClusterAdmin } from './offsets.js';
import type { LagStatus, TopicSnapshot } from './types.js';

export interface LagRow {
  topic: string;
  partition: number;
  leader: number;
  /** -1 when the group never committed on this partition (kafka-consumer-groups prints "-"). */
  committedOffset: number;
  startOffset: number;
  endOffset: number;
  /** endOffset − committedOffset; with no commit, endOffset − startOffset (what a consumer from earliest faces). */
  lag: number;
  /** Estimated seconds behind; present when it can be estimated (needs ≥ 2 distinct end offsets seen, or zero lag). */
  lagSeconds?: number;
  /** Burrow status, present after ≥ 2 samples for partitions with a committed offset. */
  status?: LagStatus;
  statusReason?: string;
  /** Records/s appended over the last sample interval. */
  rate: number;
  /** Lag at each sample of the watch window with a committed offset, oldest first (what Burrow judged). */
  lagHistory: number[];
}

export interface HotPartitionFinding {
  topic: string;
  /** Partitions whose lag exceeds 2 × the topic's mean lag (the analyzer's hotspot rule). */
  partitions: number[];
  /** Their share of the topic's total lag, 0..1. */
  lagShare: number;
  /** Their share of the topic's partitions, 0..1. */
  partitionShare: number;
  message: string;
}

export interface LagReport {
  group: string;
  topics: string[];
  samples: number;
  /** Measured time between first and last sample (ms). */
  watchMs: number;
  takenAt: number;
  partitions: LagRow[];
  totalLag: number;
  /** Worst partition status (Burrow's group rollup), present after ≥ 2 samples. */
  status?: LagStatus;
  hotPartitions: HotPartitionFinding[];
}

export interface LagOptions {
  group: string;
  /** Topics to check; when omitted, those the group has committed offsets for (OffsetFetch for all topics). */
  topics?: readonly string[];
  /** Number of samples (≥ 1). 1 = a single read, no status. */
  samples?: number;
  /** Time between samples (ms). */
  sampleIntervalMs?: number;
  timeoutMs: number;
  /** Probe leaders' listeners (default true; see topology.ts). Unit tests with fake brokers turn it off. */
  probeLeaders?: boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called after each sample (for progress output). */
  onSample?: (index: number, total: number) => void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A share of lag at or above which concentrated lag is reported. */
export const HOT_LAG_SHARE = 0.5;

/** Topics `group` has committed offsets on (OffsetFetch with no topic list; no ListGroups needed). */
export async function committedTopics(
  admin: ClusterAdmin,
  group: string,
  timeoutMs: number,
): Promise<string[]> {
  const all = await withTimeout(
    admin.fetchOffsets({ groupId: group }),
    timeoutMs,
    `committed offsets request for group "${group}"`,
  );
  return all
    .filter((t) => t.partitions.some((p) => Number(p.offset) >= 0))
    .map((t) => t.topic)
    .sort();
}

export function findHotPartitions(rows: readonly LagRow[]): HotPartitionFinding[] {
  const byTopic = new Map<string, LagRow[]>();
  for (const r of rows) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  const out: HotPartitionFinding[] = [];
  for (const [topic, list] of byTopic) {
    if (list.length < 2) continue;
    const n = Math.max(...list.map((r) => r.partition)) + 1;
    const lags = new Array<number>(n).fill(0);
    for (const r of list) lags[r.partition] = r.lag;
    const total = lags.reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    const m = computeSkewMetrics(lags);
    if (m.hotspots.length === 0) continue;
    const hotLag = m.hotspots.reduce((a, p) => a + (lags[p] ?? 0), 0);
    const lagShare = hotLag / total;
    if (lagShare < HOT_LAG_SHARE) continue;
    const partitionShare = m.hotspots.length / list.length;
    out.push({
      topic,
      partitions: m.hotspots,
      lagShare,
      partitionShare,
      message:
        `lag concentrated on ${topic} partition${m.hotspots.length > 1 ? 's' : ''} ${m.hotspots.join(', ')}: ` +
        `${(100 * lagShare).toFixed(0)}% of the lag on ${m.hotspots.length} of ${list.length} partitions — ` +
        `a hot-partition symptom (a heavy key or a slow consumer owning them); check key skew with "kpart analyze"`,
    });
  }
  return out;
}

export async function watchGroupLag(admin: ClusterAdmin, options: LagOptions): Promise<LagReport> {
  const samples = options.samples ?? 1;
  if (!(samples >= 1)) throw new RangeError('samples must be >= 1');
  const topics =
    options.topics && options.topics.length > 0
      ? [...new Set(options.topics)]
      : await committedTopics(admin, options.group, options.timeoutMs);
  if (topics.length === 0) {
    throw new ClusterError(
      `group "${options.group}" has no committed offsets the cluster lists for all topics; name the topics to check with --topic`,
      'E_NO_OFFSETS',
    );
  }
  await ensureTopicsExist(admin, topics, options.timeoutMs);
  const metrics = new PartitionMetrics({
    admin,
    topics,
    groups: [options.group],
    timeoutMs: options.timeoutMs,
    windowSize: Math.max(samples, 2),
    ...(options.now ? { now: options.now } : {}),
    ...(options.probeLeaders !== undefined ? { probeLeaders: options.probeLeaders } : {}),
  });
  let snaps: TopicSnapshot[] = [];
  let firstAt = 0;
  for (let i = 0; i < samples; i++) {
    if (i > 0) await (options.sleep ?? defaultSleep)(options.sampleIntervalMs ?? 1000);
    snaps = await metrics.pollOnce();
    for (const s of snaps)
      if (s.stale) throw new ClusterError(s.error ?? `reading topic "${s.topic}" failed`, 'E_CLUSTER');
    if (i === 0) firstAt = snaps[0]?.takenAt ?? 0;
    options.onSample?.(i + 1, samples);
  }
  const rows: LagRow[] = [];
  for (const s of snaps) {
    for (const p of s.partitions) {
      const row: LagRow = {
        topic: s.topic,
        partition: p.partition,
        leader: p.leader,
        committedOffset: p.committedOffset ?? -1,
        startOffset: p.startOffset,
        endOffset: p.endOffset,
        lag: p.lag ?? 0,
        rate: p.rate,
        lagHistory: metrics.history(s.topic, p.partition, options.group).map((o) => o.lag),
      };
      if (p.lagSeconds !== undefined) row.lagSeconds = p.lagSeconds;
      if (samples >= 2 && p.lagStatus !== undefined) {
        row.status = p.lagStatus;
        if (p.lagStatusReason !== undefined) row.statusReason = p.lagStatusReason;
      }
      rows.push(row);
    }
  }
  const takenAt = snaps[0]?.takenAt ?? 0;
  const report: LagReport = {
    group: options.group,
    topics,
    samples,
    watchMs: takenAt - firstAt,
    takenAt,
    partitions: rows,
    totalLag: rows.reduce((a, r) => a + r.lag, 0),
    hotPartitions: findHotPartitions(rows),
  };
  const statuses = rows.map((r) => r.status).filter((s): s is LagStatus => s !== undefined);
  if (samples >= 2) report.status = worstStatus(statuses);
  return report;
}
