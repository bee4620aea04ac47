/**
 * Prometheus view of live partition snapshots.
 *
 * Names follow kafka-lag-exporter where it has one (`kafka_consumergroup_group_lag`, `..._lag_seconds`,
 * `..._offset`, `..._max_lag`, `..._sum_lag`, `..._topic_sum_lag`, `kafka_partition_latest_offset`,
 * `kafka_partition_earliest_offset`), so existing Grafana dashboards and alerts keep working; what only kpart
 * measures is `kpart_*`. Values are computed from the snapshot source at scrape time (prom-client `collect`),
 * so `kpart_data_age_seconds` keeps growing while the poller fails — a stuck poller is visible, never frozen
 * at its last good value. Partitions or groups that disappear from the source disappear from the output
 * (gauges are reset on every scrape).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { computeSkewMetrics, type SkewMetrics } from '../analysis/metrics.js';
import { LagStatus, type TopicSnapshot } from '../cluster/types.js';

/** Where snapshots come from: kpart's PartitionMetrics poller, or anything shaped like it (tests use a fake). */
export interface SnapshotSource {
  /** The newest snapshot of every watched topic (stale ones included, marked `stale`). */
  all(): TopicSnapshot[];
  /** Called for every poll result, successful or not. Returns an unsubscribe function when supported. */
  onSnapshot(cb: (snapshot: TopicSnapshot) => void): (() => void) | void;
}

/** Which per-partition numbers a skew figure is computed over. */
export const SkewBasis = {
  /** Records/s appended during the last poll interval: current traffic. */
  RATE: 'rate',
  /** Records retained (end offset − start offset): the accumulated placement. */
  RECORDS: 'records',
} as const;
export type SkewBasis = (typeof SkewBasis)[keyof typeof SkewBasis];

/** Skew metrics of one snapshot over both bases (the analyzer's definitions, src/analysis/metrics.ts). */
export function snapshotSkew(s: TopicSnapshot): Record<SkewBasis, SkewMetrics> {
  const sorted = [...s.partitions].sort((a, b) => a.partition - b.partition);
  return {
    rate: computeSkewMetrics(sorted.map((p) => p.rate)),
    records: computeSkewMetrics(sorted.map((p) => Math.max(0, p.endOffset - p.startOffset))),
  };
}

export interface ServeMetricsOptions {
  /** Register into this registry instead of a new one (e.g. an application's). */
  registry?: Registry;
  /** Also export Node process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

const STATUSES = Object.values(LagStatus);

export class ServeMetrics {
  readonly registry: Registry;
  private readonly source: SnapshotSource;
  private readonly now: () => number;
  private refreshed = false;
  private readonly unsubscribe: (() => void) | void;
  private readonly gauges: Gauge[] = [];

  constructor(source: SnapshotSource, options: ServeMetricsOptions = {}) {
    this.source = source;
    this.now = options.now ?? Date.now;
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    const self = this;
    const gauge = (name: string, help: string, labelNames: string[]): Gauge => {
      const g = new Gauge({
        name,
        help,
        labelNames,
        registers,
        // Every gauge asks for one refresh per scrape; the first one to be collected does the work.
        collect() {
          self.refreshOnce();
        },
      });
      this.gauges.push(g);
      return g;
    };
    const TP = ['topic', 'partition'];
    const GTP = ['group', 'topic', 'partition'];
    const TG = ['topic', 'group'];
    this.latest = gauge(
      'kafka_partition_latest_offset',
      'Log end offset (high watermark) of the partition.',
      TP,
    );
    this.earliest = gauge('kafka_partition_earliest_offset', 'Log start offset of the partition.', TP);
    this.groupOffset = gauge(
      'kafka_consumergroup_group_offset',
      'Committed offset of the consumer group (-1 = none).',
      GTP,
    );
    this.lag = gauge(
      'kafka_consumergroup_group_lag',
      'Records the group is behind: end offset − committed offset.',
      GTP,
    );
    this.lagSeconds = gauge(
      'kafka_consumergroup_group_lag_seconds',
      'Estimated time lag in seconds: how long ago the committed offset was the end offset (offset→time interpolation).',
      GTP,
    );
    this.maxLag = gauge('kafka_consumergroup_group_max_lag', 'Largest partition lag of the group.', [
      'group',
    ]);
    this.maxLagSeconds = gauge(
      'kafka_consumergroup_group_max_lag_seconds',
      'Largest partition time lag of the group, seconds.',
      ['group'],
    );
    this.sumLag = gauge(
      'kafka_consumergroup_group_sum_lag',
      'Total lag of the group over all watched topics.',
      ['group'],
    );
    this.topicSumLag = gauge(
      'kafka_consumergroup_group_topic_sum_lag',
      'Total lag of the group on one topic.',
      ['group', 'topic'],
    );
    this.lagStatus = gauge(
      'kpart_partition_lag_status',
      'Burrow-style lag status of the partition: 1 for the current status, 0 for the others (OK, WARN, STALL, STOP, REWIND).',
      [...GTP, 'status'],
    );
    this.rate = gauge(
      'kpart_partition_rate',
      'Records/s appended to the partition during the last poll interval.',
      TP,
    );
    this.leader = gauge('kpart_partition_leader', 'Broker id of the partition leader (-1 = none).', TP);
    this.leaderAvailable = gauge(
      'kpart_partition_leader_available',
      '1 when the leader answers, 0 when it is missing or unreachable.',
      TP,
    );
    this.partitions = gauge('kpart_topic_partitions', 'Partitions of the topic.', ['topic']);
    this.skewRatio = gauge(
      'kpart_topic_skew_ratio',
      'Max / min per-partition load (min taken as at least 1); basis="rate" is current traffic, basis="records" the retained records.',
      ['topic', 'basis'],
    );
    this.cv = gauge(
      'kpart_topic_coefficient_of_variation',
      'Standard deviation / mean of the per-partition load (0 = perfectly even).',
      ['topic', 'basis'],
    );
    this.hotspots = gauge(
      'kpart_topic_hotspot_partitions',
      'Partitions carrying more than 2 × the mean load.',
      ['topic', 'basis'],
    );
    this.up = gauge(
      'kpart_scrape_up',
      '1 when the last poll of the cluster for this topic succeeded, 0 when it failed.',
      TG,
    );
    this.stale = gauge(
      'kpart_data_stale',
      '1 when the values shown are from an earlier poll because the last one failed.',
      TG,
    );
    this.age = gauge(
      'kpart_data_age_seconds',
      'Seconds since the values shown were fetched from the cluster.',
      TG,
    );
    this.polls = new Counter({
      name: 'kpart_polls_total',
      help: 'Polls of the cluster per topic, by result (ok, error).',
      labelNames: ['topic', 'result'],
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.unsubscribe = source.onSnapshot((s) => {
      this.polls.inc({ topic: s.topic, result: s.stale || s.error !== undefined ? 'error' : 'ok' });
    });
  }

  private readonly latest: Gauge;
  private readonly earliest: Gauge;
  private readonly groupOffset: Gauge;
  private readonly lag: Gauge;
  private readonly lagSeconds: Gauge;
  private readonly maxLag: Gauge;
  private readonly maxLagSeconds: Gauge;
  private readonly sumLag: Gauge;
  private readonly topicSumLag: Gauge;
  private readonly lagStatus: Gauge;
  private readonly rate: Gauge;
  private readonly leader: Gauge;
  private readonly leaderAvailable: Gauge;
  private readonly partitions: Gauge;
  private readonly skewRatio: Gauge;
  private readonly cv: Gauge;
  private readonly hotspots: Gauge;
  private readonly up: Gauge;
  private readonly stale: Gauge;
  private readonly age: Gauge;
  private readonly polls: Counter;

  /** Prometheus text exposition of everything in the registry. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Stops counting polls. The registry stays usable (it simply stops growing). */
  close(): void {
    if (typeof this.unsubscribe === 'function') this.unsubscribe();
  }

  private refreshOnce(): void {
    if (this.refreshed) return;
    this.refreshed = true;
    // prom-client calls every metric's collect() synchronously inside registry.metrics() before its first
    // await, so a microtask marks the end of one scrape.
    queueMicrotask(() => {
      this.refreshed = false;
    });
    this.refresh();
  }

  /** Recomputes every gauge from the source's latest snapshots. */
  refresh(): void {
    for (const g of this.gauges) g.reset();
    const now = this.now();
    const groupLag = new Map<string, { max: number; sum: number; maxSeconds: number | undefined }>();
    const seenTopics = new Set<string>();
    for (const s of this.source.all()) {
      const group = s.group ?? '';
      const tg = { topic: s.topic, group };
      this.up.set(tg, s.stale ? 0 : 1);
      this.stale.set(tg, s.stale ? 1 : 0);
      this.age.set(tg, Math.max(0, (now - s.takenAt) / 1000));
      let topicLag = 0;
      for (const p of s.partitions) {
        const tp = { topic: s.topic, partition: String(p.partition) };
        // Topic-level series appear once even when several groups watch the same topic.
        if (!seenTopics.has(s.topic)) {
          this.latest.set(tp, p.endOffset);
          this.earliest.set(tp, p.startOffset);
          this.rate.set(tp, p.rate);
          this.leader.set(tp, p.leader);
          this.leaderAvailable.set(tp, p.leaderAvailable ? 1 : 0);
        }
        if (s.group === undefined) continue;
        const gtp = { group, ...tp };
        if (p.committedOffset !== undefined) this.groupOffset.set(gtp, p.committedOffset);
        if (p.lag !== undefined) {
          this.lag.set(gtp, p.lag);
          topicLag += p.lag;
          const agg = groupLag.get(group) ?? { max: 0, sum: 0, maxSeconds: undefined };
          agg.max = Math.max(agg.max, p.lag);
          agg.sum += p.lag;
          groupLag.set(group, agg);
        }
        if (p.lagSeconds !== undefined) {
          this.lagSeconds.set(gtp, p.lagSeconds);
          const agg = groupLag.get(group) ?? { max: 0, sum: 0, maxSeconds: undefined };
          agg.maxSeconds = Math.max(agg.maxSeconds ?? 0, p.lagSeconds);
          groupLag.set(group, agg);
        }
        if (p.lagStatus !== undefined) {
          for (const status of STATUSES)
            this.lagStatus.set({ ...gtp, status }, status === p.lagStatus ? 1 : 0);
        }
      }
      if (s.group !== undefined) this.topicSumLag.set({ group, topic: s.topic }, topicLag);
      if (!seenTopics.has(s.topic)) {
        seenTopics.add(s.topic);
        this.partitions.set({ topic: s.topic }, s.partitions.length);
        const skew = snapshotSkew(s);
        for (const basis of Object.values(SkewBasis)) {
          const m = skew[basis];
          this.skewRatio.set({ topic: s.topic, basis }, m.loadSkewRatio);
          this.cv.set({ topic: s.topic, basis }, m.coefficientOfVariation);
          this.hotspots.set({ topic: s.topic, basis }, m.hotspots.length);
        }
      }
    }
    for (const [group, agg] of groupLag) {
      this.maxLag.set({ group }, agg.max);
      this.sumLag.set({ group }, agg.sum);
      if (agg.maxSeconds !== undefined) this.maxLagSeconds.set({ group }, agg.maxSeconds);
    }
  }
}
