/**
 * PartitionMetrics: a background poller of per-partition live data — leader and its reachability, start/end
 * offsets, append rate, and (per watched consumer group) committed offset, lag, Burrow status and lag in
 * seconds. It produces `TopicSnapshot`s (src/cluster/types.ts) for `inspect`, `lag`, `serve`, the dashboard and
 * the load-aware partitioner.
 *
 * Design points:
 *   - Never on a send path: polling runs on its own timer; producers read `latest()` or get pushed snapshots.
 *     Polls never overlap (the next one is scheduled after the previous finishes) and every request is bounded
 *     by `timeoutMs`, so a dead broker costs one timeout per interval, not a pile of hung requests.
 *   - Stale, not empty: when a poll fails the last good data is kept and re-emitted with `stale: true` and a
 *     one-line `error` naming the broker when it can (topology probe), so dashboards keep showing the last
 *     known state and consumers of the data can decide how much to trust it.
 *   - History per partition: a window of committed-offset observations for Burrow's evaluator
 *     (src/cluster/burrow.ts) and a (end offset, time) table for kafka-lag-exporter-style lag seconds
 *     (src/cluster/time-lag.ts).
 *   - Testable without a cluster: the admin and the clock (and timers) are injectable.
 */
import { ClusterError } from '../errors.js';
import { BURROW_DEFAULT_WINDOW, evaluateBurrow, type OffsetObservation } from './burrow.js';
import {
  fetchCommittedOffsets,
  fetchGroupActive,
  fetchPartitionOffsets,
  type ClusterAdmin,
  type PartitionOffsets,
} from './offsets.js';
import { OffsetTimeTable, DEFAULT_LOOKUP_TABLE_SIZE } from './time-lag.js';
import {
  describeLeaderless,
  describeTopicsTopology,
  probeKafka,
  type BrokerInfo,
  type TopicTopology,
} from './topology.js';
import type { PartitionSnapshot, TopicSnapshot } from './types.js';

export interface MetricsTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PartitionMetricsOptions {
  /** A connected KafkaJS Admin (or any object with the same calls). PartitionMetrics never connects/disconnects it. */
  admin: ClusterAdmin;
  /** Topics to watch (at least one). */
  topics: readonly string[];
  /** Consumer groups whose committed offsets, lag and status are tracked on every topic. */
  groups?: readonly string[];
  /** Time between the end of one poll and the start of the next. Default 5000 ms. */
  intervalMs?: number;
  /** Bound on each request of a poll. Default 5000 ms. */
  timeoutMs?: number;
  /** Burrow window length (committed-offset observations kept per partition). Default 10, Burrow's default. */
  windowSize?: number;
  /** Points kept per partition for the offset→time table. Default 60, kafka-lag-exporter's default. */
  lookupTableSize?: number;
  /**
   * Probe each broker's listener (see topology.ts) so a dead leader reads as unavailable. Default true. With
   * false, leaders come from metadata alone (a listed leader counts as available).
   */
  probeLeaders?: boolean;
  /** Ask DescribeGroups whether a group has members (for Burrow's STOP). Default true; skipped once unsupported. */
  describeGroups?: boolean;
  /** Clock, ms since epoch. Default Date.now. */
  now?: () => number;
  /** Timer functions for start()/stop(). Default the global ones (unref'd, so polling never keeps a process alive). */
  timers?: MetricsTimers;
}

export type SnapshotListener = (snapshot: TopicSnapshot) => void;

interface PartitionState {
  leader: number;
  leaderAvailable: boolean;
  startOffset: number;
  endOffset: number;
  rate: number;
  table: OffsetTimeTable;
}

interface TopicState {
  /** Time of the last successful offsets read. */
  at: number;
  partitions: Map<number, PartitionState>;
}

interface GroupPartitionState {
  committed: number;
  window: OffsetObservation[];
}

const DEFAULT_INTERVAL_MS = 5000;
const DEFAULT_TIMEOUT_MS = 5000;

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).trim();
}

function snapshotKey(topic: string, group: string | undefined): string {
  return group === undefined ? topic : `${topic}\u0000${group}`;
}

export class PartitionMetrics {
  readonly topics: readonly string[];
  readonly groups: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly admin: ClusterAdmin;
  private readonly windowSize: number;
  private readonly lookupTableSize: number;
  private readonly probeLeaders: boolean;
  private describeGroupsEnabled: boolean;
  private readonly now: () => number;
  private readonly timers: MetricsTimers;
  private readonly listeners = new Set<SnapshotListener>();
  private readonly topicState = new Map<string, TopicState>();
  /** key(topic, group) → partition → state */
  private readonly groupState = new Map<string, Map<number, GroupPartitionState>>();
  private readonly snapshots = new Map<string, TopicSnapshot>();
  private timer: unknown;
  private running = false;
  private inFlight: Promise<TopicSnapshot[]> | undefined;

  constructor(options: PartitionMetricsOptions) {
    if (options.topics.length === 0)
      throw new ClusterError('PartitionMetrics needs at least one topic', 'E_USAGE');
    this.admin = options.admin;
    this.topics = [...new Set(options.topics)];
    this.groups = [...new Set(options.groups ?? [])];
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.intervalMs > 0) || !(this.timeoutMs > 0))
      throw new RangeError('intervalMs and timeoutMs must be > 0');
    this.windowSize = options.windowSize ?? BURROW_DEFAULT_WINDOW;
    this.lookupTableSize = options.lookupTableSize ?? DEFAULT_LOOKUP_TABLE_SIZE;
    this.probeLeaders = options.probeLeaders ?? true;
    this.describeGroupsEnabled = options.describeGroups ?? true;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      },
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };
  }

  /** Subscribes to every snapshot (fresh or stale) after each poll. Returns the unsubscribe function. */
  onSnapshot(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * The latest snapshot of `topic` (for `group`; without `group`, the first watched group's, or the
   * group-less one when no group is watched). Undefined before the first poll.
   */
  latest(topic: string, group?: string): TopicSnapshot | undefined {
    return this.snapshots.get(snapshotKey(topic, group ?? this.groups[0]));
  }

  /** Every latest snapshot, one per topic (× group). */
  all(): TopicSnapshot[] {
    return [...this.snapshots.values()];
  }

  /** The Burrow window (oldest first) kept for one partition of a group. */
  history(topic: string, partition: number, group?: string): readonly OffsetObservation[] {
    const g = group ?? this.groups[0];
    if (g === undefined) return [];
    return this.groupState.get(snapshotKey(topic, g))?.get(partition)?.window.slice() ?? [];
  }

  /** The (end offset, time) table kept for one partition. */
  endOffsetHistory(topic: string, partition: number): ReadonlyArray<{ offset: number; time: number }> {
    return this.topicState.get(topic)?.partitions.get(partition)?.table.dump() ?? [];
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts background polling: one poll now, then one every `intervalMs` after the previous ends. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop();
  }

  /** Stops polling and waits for a poll in flight (bounded by its timeouts). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
  }

  private loop(): void {
    if (!this.running) return;
    void this.pollOnce()
      .catch(() => undefined)
      .finally(() => {
        if (this.running) this.timer = this.timers.setTimeout(() => this.loop(), this.intervalMs);
      });
  }

  /**
   * One poll of every topic (and group). Never rejects for cluster problems: failures turn into stale
   * snapshots. Resolves to the snapshots it emitted. Concurrent calls share the poll in flight.
   */
  pollOnce(): Promise<TopicSnapshot[]> {
    if (this.inFlight) return this.inFlight;
    const p = this.doPoll().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private async doPoll(): Promise<TopicSnapshot[]> {
    const attemptAt = this.now();
    let topology: Map<string, TopicTopology> | undefined;
    let topologyError: string | undefined;
    try {
      topology = await describeTopicsTopology(this.admin, this.topics, this.timeoutMs, {
        missing: 'skip',
        probe: this.probeLeaders,
      });
      const any = topology.values().next().value;
      if (any) this.knownBrokers = any.brokers;
    } catch (err) {
      topologyError = await this.explain(err);
    }

    // Offsets per topic, in parallel; a topic whose leaders are known unreachable is not asked (the request
    // would only wait for its timeout) and goes stale with the broker named.
    const offsetResults = await Promise.all(
      this.topics.map(
        async (topic): Promise<{ topic: string; offsets?: PartitionOffsets[]; error?: string }> => {
          if (topologyError !== undefined) return { topic, error: topologyError };
          const t = topology?.get(topic);
          if (topology && !t) return { topic, error: `topic "${topic}" not found` };
          const down = t ? describeLeaderless(t) : undefined;
          if (down !== undefined) return { topic, error: down };
          try {
            return { topic, offsets: await fetchPartitionOffsets(this.admin, topic, this.timeoutMs) };
          } catch (err) {
            return { topic, error: await this.explain(err) };
          }
        },
      ),
    );
    const at = this.now();
    for (const r of offsetResults)
      if (r.offsets) this.applyOffsets(r.topic, r.offsets, topology?.get(r.topic), at);

    const okTopics = offsetResults.filter((r) => r.offsets).map((r) => r.topic);
    const groupErrors = new Map<string, string>();
    for (const group of this.groups) {
      if (okTopics.length === 0) break;
      try {
        const committed = await fetchCommittedOffsets(this.admin, group, okTopics, this.timeoutMs);
        let active: boolean | undefined;
        if (this.describeGroupsEnabled) {
          active = await fetchGroupActive(this.admin, group, Math.min(this.timeoutMs, 3000));
          // Unsupported (the mock) or refused: don't pay for it on every poll.
          if (active === undefined) this.describeGroupsEnabled = false;
        }
        for (const topic of okTopics)
          this.applyCommitted(topic, group, committed.get(topic) ?? new Map(), active, at);
      } catch (err) {
        groupErrors.set(group, await this.explain(err));
      }
    }

    const emitted: TopicSnapshot[] = [];
    for (const r of offsetResults) {
      const groups: ReadonlyArray<string | undefined> = this.groups.length > 0 ? this.groups : [undefined];
      for (const group of groups) {
        const error = r.error ?? (group !== undefined ? groupErrors.get(group) : undefined);
        const snap =
          error === undefined
            ? this.buildSnapshot(r.topic, group, at)
            : this.staleSnapshot(r.topic, group, error, attemptAt, topology?.get(r.topic));
        this.snapshots.set(snapshotKey(r.topic, group), snap);
        emitted.push(snap);
      }
    }
    for (const snap of emitted) {
      for (const l of [...this.listeners]) {
        try {
          l(snap);
        } catch {
          // A listener's bug must not stop polling or other listeners.
        }
      }
    }
    return emitted;
  }

  private knownBrokers: BrokerInfo[] = [];

  /**
   * One line for a failed step. A timeout names no broker by itself (a broker that accepts connections but
   * does not answer passes the TCP probe), so the brokers last seen in metadata get a Kafka-level probe
   * (ApiVersions) and the ones not answering are named.
   */
  private async explain(err: unknown): Promise<string> {
    const line = oneLine(err);
    if (
      !(err instanceof ClusterError && err.code === 'E_TIMEOUT') ||
      !this.probeLeaders ||
      this.knownBrokers.length === 0
    )
      return line;
    const silent = await Promise.all(
      this.knownBrokers.map(async (b) => {
        const r = await probeKafka(b.host, b.port, Math.min(this.timeoutMs, 2000));
        return r.ok ? undefined : `broker ${b.nodeId} (${b.host}:${b.port}, ${r.error ?? 'no answer'})`;
      }),
    );
    const names = silent.filter((x): x is string => x !== undefined);
    return names.length > 0 ? `${line}; not answering: ${names.join(', ')}` : line;
  }

  private applyOffsets(
    topic: string,
    offsets: PartitionOffsets[],
    topo: TopicTopology | undefined,
    at: number,
  ): void {
    const prev = this.topicState.get(topic);
    const partitions = new Map<number, PartitionState>();
    for (const o of offsets) {
      const old = prev?.partitions.get(o.partition);
      const tp = topo?.partitions.find((p) => p.partition === o.partition);
      const dt = prev ? (at - prev.at) / 1000 : 0;
      // Rate over the interval since the last good read; 0 for a partition seen for the first time, and 0
      // (not negative) if the log was truncated or recreated.
      const rate = old && dt > 0 ? Math.max(0, o.endOffset - old.endOffset) / dt : 0;
      const table = old?.table ?? new OffsetTimeTable(this.lookupTableSize);
      table.add({ offset: o.endOffset, time: at });
      partitions.set(o.partition, {
        leader: tp?.leader ?? old?.leader ?? -1,
        leaderAvailable: tp ? tp.leaderAvailable : (old?.leaderAvailable ?? true),
        startOffset: o.startOffset,
        endOffset: o.endOffset,
        rate,
        table,
      });
    }
    this.topicState.set(topic, { at, partitions });
  }

  private applyCommitted(
    topic: string,
    group: string,
    committed: Map<number, number>,
    active: boolean | undefined,
    at: number,
  ): void {
    const key = snapshotKey(topic, group);
    const state = this.groupState.get(key) ?? new Map<number, GroupPartitionState>();
    const ts = this.topicState.get(topic)!;
    for (const [partition, p] of ts.partitions) {
      const c = committed.get(partition) ?? -1;
      const g = state.get(partition) ?? { committed: -1, window: [] };
      g.committed = c;
      if (c >= 0) {
        g.window.push({ at, offset: c, lag: Math.max(0, p.endOffset - c) });
        if (g.window.length > this.windowSize) g.window.splice(0, g.window.length - this.windowSize);
      }
      state.set(partition, g);
    }
    this.groupState.set(key, state);
    this.groupActive.set(group, active);
  }

  private readonly groupActive = new Map<string, boolean | undefined>();

  private buildSnapshot(topic: string, group: string | undefined, at: number): TopicSnapshot {
    const ts = this.topicState.get(topic)!;
    const gs = group === undefined ? undefined : this.groupState.get(snapshotKey(topic, group));
    const active = group === undefined ? undefined : this.groupActive.get(group);
    const partitions: PartitionSnapshot[] = [];
    for (const [partition, p] of [...ts.partitions].sort((a, b) => a[0] - b[0])) {
      const snap: PartitionSnapshot = {
        partition,
        leader: p.leader,
        leaderAvailable: p.leaderAvailable,
        startOffset: p.startOffset,
        endOffset: p.endOffset,
        rate: p.rate,
      };
      const g = gs?.get(partition);
      if (group !== undefined) {
        const committed = g?.committed ?? -1;
        snap.committedOffset = committed;
        // types.ts: with no commit, the whole retained log is lag (what a new consumer from earliest faces).
        const lag =
          committed >= 0 ? Math.max(0, p.endOffset - committed) : Math.max(0, p.endOffset - p.startOffset);
        snap.lag = lag;
        if (committed >= 0) {
          const secs = p.table.lagSeconds(committed, at);
          if (secs !== undefined) snap.lagSeconds = secs;
          const burrow = evaluateBurrow(g?.window ?? [], lag, {
            windowSize: this.windowSize,
            ...(active === undefined ? {} : { groupActive: active }),
          });
          snap.lagStatus = burrow.status;
          snap.lagStatusReason = burrow.reason;
          snap.windowComplete = burrow.complete;
        }
      }
      partitions.push(snap);
    }
    const out: TopicSnapshot = { topic, takenAt: at, stale: false, partitions, lastAttemptAt: at };
    if (group !== undefined) out.group = group;
    return out;
  }

  private staleSnapshot(
    topic: string,
    group: string | undefined,
    error: string,
    attemptAt: number,
    topo: TopicTopology | undefined,
  ): TopicSnapshot {
    const prev = this.snapshots.get(snapshotKey(topic, group));
    const partitions = (prev?.partitions ?? []).map((p) => {
      // Keep the data, but let leader health reflect what the probe saw just now.
      const tp = topo?.partitions.find((x) => x.partition === p.partition);
      return tp ? { ...p, leader: tp.leader, leaderAvailable: tp.leaderAvailable } : { ...p };
    });
    const out: TopicSnapshot = {
      topic,
      takenAt: prev?.takenAt ?? attemptAt,
      stale: true,
      error,
      partitions,
      lastAttemptAt: attemptAt,
    };
    if (group !== undefined) out.group = group;
    return out;
  }
}

/** What `connectLoadAware` needs from a partitioner (src/partitioners/load-aware.ts's LoadAwarePartitioner has it). */
export interface LoadSink {
  updateLoad(loads: ReadonlyArray<number> | ReadonlyMap<number, number>, at?: number): void;
}

export const LoadSignal = { lag: 'lag', rate: 'rate' } as const;
export type LoadSignal = (typeof LoadSignal)[keyof typeof LoadSignal];

export interface ConnectLoadAwareOptions {
  /** Which per-partition number becomes the partition's load: consumer lag (needs a group) or append rate. */
  signal: LoadSignal;
  /** Only snapshots of this topic (default: the metrics' first topic). */
  topic?: string;
  /** Only snapshots of this group (default: the metrics' first group; required in practice for 'lag'). */
  group?: string;
  /**
   * Feed stale snapshots too. Default false: old numbers are not fed as if fresh, so the partitioner's own
   * staleness/recovery rules decide (its `at` is the data's time, not the poll attempt's).
   */
  includeStale?: boolean;
}

/**
 * Wires a PartitionMetrics to a load-aware partitioner: every fresh snapshot of the chosen topic (and group)
 * becomes one `updateLoad(Map<partition, load>, takenAt)` call. Partitions whose lag is unknown are left out
 * of the map rather than reported as 0. Returns the unsubscribe function.
 */
export function connectLoadAware(
  metrics: PartitionMetrics,
  partitioner: LoadSink,
  options: ConnectLoadAwareOptions,
): () => void {
  const topic = options.topic ?? metrics.topics[0];
  const group = options.group ?? metrics.groups[0];
  if (options.signal === LoadSignal.lag && group === undefined) {
    throw new ClusterError(
      'connectLoadAware with signal "lag" needs PartitionMetrics to watch a consumer group',
      'E_USAGE',
    );
  }
  const feed = (snap: TopicSnapshot): void => {
    if (snap.topic !== topic) return;
    if (options.signal === LoadSignal.lag && snap.group !== group) return;
    if (options.signal === LoadSignal.rate && group !== undefined && snap.group !== group) return;
    if (snap.stale && !options.includeStale) return;
    if (snap.partitions.length === 0) return;
    const loads = new Map<number, number>();
    for (const p of snap.partitions) {
      const v = options.signal === LoadSignal.lag ? p.lag : p.rate;
      if (v !== undefined) loads.set(p.partition, v);
    }
    partitioner.updateLoad(loads, snap.takenAt);
  };
  const existing = topic === undefined ? undefined : metrics.latest(topic, group);
  if (existing) feed(existing);
  return metrics.onSnapshot(feed);
}
