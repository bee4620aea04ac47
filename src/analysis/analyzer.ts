/**
 * The incremental analyzer behind `kpart analyze`, `simulate` and the demo, and the library API the
 * live-cluster tools reuse (`analyze --from-topic`): feed records one at a time, ask for the result at
 * any point. Every strategy sees every record in order (stateful strategies like sticky depend on it);
 * per-partition counts/bytes are kept per strategy, hot keys in one Space-Saving summary that also
 * remembers where each hot key landed under each strategy.
 *
 * Analyzers are mergeable (`merge`, `toJSON`/`fromJSON`), so a group of workers can each analyze a share
 * of the input and one process combines the states: counts add exactly, hot keys merge with Space-Saving's
 * bounds (see heavy-hitters.ts).
 */
import { UsageError } from '../errors.js';
import { murmur2, murmur2Range, partitionForKey, toPositive } from '../hash/index.js';
import { createStrategy, type StrategyOptions } from '../partitioners/registry.js';
import {
  validateFor,
  type PartitionContext,
  type Partitioner,
  type RecordInfo,
} from '../partitioners/types.js';
import { SpaceSaving, type SpaceSavingJSON } from './heavy-hitters.js';
import { computeSkewMetrics, skewAlerts, type SkewAlert, type SkewMetrics } from './metrics.js';

export interface AnalyzerOptions {
  partitions: number;
  /** Strategy specs ("murmur2", "salted:8") or ready partitioner instances. */
  strategies: readonly (string | Partitioner)[];
  /** Passed to createStrategy for every spec (e.g. { random } for reproducible random strategies). */
  strategyOptions?: StrategyOptions;
  /** Hot keys reported in result(). Default 10. */
  topK?: number;
  /** Space-Saving counters. Default max(1000, 20 × topK); error bound = records / capacity. */
  sketchCapacity?: number;
  /** How many malformed line numbers to keep for the report. Default 20. */
  maxMalformedLines?: number;
}

/** One record to analyze. A null/undefined key is a keyless record (placed by the strategy's keyless rule). */
export interface AnalysisRecord {
  key: string | Uint8Array | null | undefined;
  /** Record size in bytes. Default 0. */
  size?: number | undefined;
  value?: unknown;
  timestamp?: number | undefined;
}

/** Where the hot keys of one over-loaded partition come from ("3 keys make partition 7 hot"). */
export interface HotPartition {
  partition: number;
  records: number;
  /** records / mean records per partition. */
  timesMean: number;
  /** Hot keys that land on this partition, biggest first. */
  keys: string[];
  /** Records of those keys (Space-Saving estimates). */
  keyRecords: number;
  /** keyRecords as % of the partition's records (0..100). */
  keysPercentOfPartition: number;
  /** The partition's records / mean if those keys went elsewhere. */
  timesMeanWithoutKeys: number;
}

export interface StrategyResult extends SkewMetrics {
  strategy: string;
  counts: number[];
  bytes: number[];
  alerts: SkewAlert[];
  /** Records the strategy threw on (e.g. a routing field missing); they are in no partition. */
  errors: number;
  /** The first such error's message (present when `errors` > 0). */
  errorSample?: string;
  hotPartitions: HotPartition[];
}

export interface HotKeyResult {
  key: string;
  /** Estimated records (Space-Saving: overestimate by at most `error`). */
  records: number;
  error: number;
  /** records as % of all records (0..100). */
  recordsPercent: number;
  /** Bytes seen while tracked (a lower bound). */
  bytes: number;
  /** bytes as % of all bytes (0..100). */
  bytesPercent: number;
  /** Partition under the first strategy (null when its records went to several partitions). */
  partition: number | null;
  /** Partition per strategy, same rule. */
  partitions: Record<string, number | null>;
}

export interface AnalysisResult {
  records: number;
  partitions: number;
  malformed: number;
  /** First malformed line numbers (1-based), ascending. */
  malformedLines: number[];
  /** Malformed records per reason. */
  malformedReasons: Record<string, number>;
  /** Records without a key (null key field). */
  keyless: number;
  bytes: number;
  strategies: StrategyResult[];
  hotKeys: HotKeyResult[];
  /** Space-Saving parameters: a key's records are overestimated by at most errorBound. */
  sketch: { capacity: number; errorBound: number };
}

export interface AnalyzerStateJSON {
  type: 'kpart.analyzer';
  version: 1;
  partitions: number;
  strategies: string[];
  topK: number;
  maxMalformedLines: number;
  records: number;
  keyless: number;
  bytes: number;
  malformed: number;
  malformedLines: number[];
  malformedReasons: Record<string, number>;
  counts: number[][];
  partitionBytes: number[][];
  errors: number[];
  /** Per strategy: the first error's message, or null (absent in states from older versions). */
  errorSamples?: (string | null)[];
  sketch: SpaceSavingJSON;
}

const SHORTCUT_PROBES = ['', 'a', 'user-1', 'kpart', 'ünïcødé', '0123456789abcdef'];

export class Analyzer {
  readonly partitions: number;
  readonly strategyNames: string[];
  readonly sketch: SpaceSaving;
  readonly topK: number;
  records = 0;
  keyless = 0;
  bytes = 0;
  malformed = 0;
  readonly malformedLines: number[] = [];
  readonly malformedReasons: Record<string, number> = {};

  private readonly maxMalformedLines: number;
  private readonly strategies: Partitioner[];
  private readonly counts: Float64Array[];
  private readonly partBytes: Float64Array[];
  private readonly errors: Float64Array;
  private readonly errorSamples: (string | null)[];
  private readonly placed: Int32Array;
  /** Per strategy: true when its keyed placement is exactly toPositive(murmur2(key)) % n, so the hash is reused. */
  private readonly murmurShortcut: boolean[];
  private readonly anyShortcut: boolean;
  private readonly ctx: { partitionCount: number; now?: number };
  private readonly record: {
    key: string | Uint8Array | null | undefined;
    size: number;
    value?: unknown;
    timestamp?: number;
  };

  constructor(options: AnalyzerOptions) {
    const { partitions } = options;
    if (!(Number.isInteger(partitions) && partitions >= 1))
      throw new UsageError(`partitions must be a positive integer, got ${partitions}`);
    if (options.strategies.length === 0) throw new UsageError('at least one strategy is needed');
    this.partitions = partitions;
    this.topK = options.topK ?? 10;
    this.maxMalformedLines = options.maxMalformedLines ?? 20;
    this.strategies = options.strategies.map((s) =>
      typeof s === 'string' ? createStrategy(s, options.strategyOptions ?? {}) : s,
    );
    this.strategyNames = options.strategies.map((s, i) =>
      typeof s === 'string' ? s : (this.strategies[i]!.name ?? `strategy-${i}`),
    );
    const n = this.strategies.length;
    this.counts = Array.from({ length: n }, () => new Float64Array(partitions));
    this.partBytes = Array.from({ length: n }, () => new Float64Array(partitions));
    this.errors = new Float64Array(n);
    this.errorSamples = Array.from({ length: n }, () => null);
    // A configuration that cannot serve this many partitions (a mapping naming partition 7 of 4) is one
    // clear error now rather than every record failing later.
    for (const s of this.strategies) validateFor(s, partitions);
    this.placed = new Int32Array(n);
    this.sketch = new SpaceSaving(options.sketchCapacity ?? Math.max(1000, 20 * this.topK), n);
    this.ctx = { partitionCount: partitions };
    this.record = { key: null, size: 0 };
    this.murmurShortcut = this.strategies.map(
      (s, i) => this.strategyNames[i] === 'murmur2' && agreesWithMurmur2(s, partitions),
    );
    this.anyShortcut = this.murmurShortcut.includes(true);
  }

  /** Analyzes one record. */
  add(rec: AnalysisRecord): void {
    const key = rec.key;
    const size = rec.size ?? 0;
    this.records++;
    this.bytes += size;
    const r = this.record;
    r.key = key;
    r.size = size;
    r.value = rec.value;
    if (rec.timestamp !== undefined) {
      r.timestamp = rec.timestamp;
      // replaying recorded time: time-based strategies (librdkafka sticky linger) see the record's clock
      this.ctx.now = rec.timestamp;
    } else {
      delete r.timestamp;
      delete this.ctx.now; // a record without a time must not inherit the previous record's clock
    }
    const keyed = key !== null && key !== undefined;
    let hash = 0;
    if (keyed && this.anyShortcut)
      hash = typeof key === 'string' ? murmur2(key) : murmur2Range(key, 0, key.length);
    for (let i = 0; i < this.strategies.length; i++) {
      if (keyed && this.murmurShortcut[i]) this.place(i, toPositive(hash) % this.partitions, size);
      else this.placeWith(i, r, size);
    }
    if (keyed) this.sketch.offer(key, size, this.placed);
    else this.keyless++;
  }

  /**
   * Fast path for the file scanner: the key is buf[start, end) (not copied), no value/timestamp.
   * Equivalent to add({ key: buf.subarray(start, end), size }).
   */
  addKeyRange(buf: Uint8Array, start: number, end: number, size: number): void {
    this.records++;
    this.bytes += size;
    const hash = murmur2Range(buf, start, end);
    let view: Uint8Array | undefined;
    for (let i = 0; i < this.strategies.length; i++) {
      if (this.murmurShortcut[i]) this.place(i, toPositive(hash) % this.partitions, size);
      else {
        view ??= buf.subarray(start, end);
        const r = this.record;
        r.key = view;
        r.size = size;
        r.value = undefined;
        delete r.timestamp;
        this.placeWith(i, r, size);
      }
    }
    this.sketch.offerRange(buf, start, end, size, this.placed, hash);
  }

  private place(i: number, p: number, size: number): void {
    this.placed[i] = p;
    this.counts[i]![p]!++;
    this.partBytes[i]![p]! += size;
  }

  private placeWith(i: number, r: RecordInfo, size: number): void {
    let p: number;
    try {
      p = this.strategies[i]!.partition(r, this.ctx as PartitionContext);
    } catch (err) {
      p = -1;
      if (this.errorSamples[i] === null) this.errorSamples[i] = (err as Error)?.message ?? String(err);
    }
    if (Number.isInteger(p) && p >= 0 && p < this.partitions) this.place(i, p, size);
    else {
      if (this.errorSamples[i] === null)
        this.errorSamples[i] = `returned ${String(p)} for ${this.partitions} partitions`;
      this.errors[i]!++;
      this.placed[i] = -1;
    }
  }

  /** Counts a malformed input record (line numbers are 1-based). */
  addMalformed(line: number, reason: string): void {
    this.malformed++;
    this.malformedReasons[reason] = (this.malformedReasons[reason] ?? 0) + 1;
    if (this.malformedLines.length < this.maxMalformedLines) this.malformedLines.push(line);
  }

  /** Adds another analyzer's state (same partitions and strategies) into this one. */
  merge(other: Analyzer | AnalyzerStateJSON): this {
    const o = other instanceof Analyzer ? other.toJSON() : other;
    if (o.partitions !== this.partitions || o.strategies.join(',') !== this.strategyNames.join(',')) {
      throw new UsageError(
        `cannot merge an analysis of ${o.partitions} partitions / ${o.strategies.join(',')} into ${this.partitions} / ${this.strategyNames.join(',')}`,
      );
    }
    this.records += o.records;
    this.keyless += o.keyless;
    this.bytes += o.bytes;
    this.malformed += o.malformed;
    for (const [k, v] of Object.entries(o.malformedReasons))
      this.malformedReasons[k] = (this.malformedReasons[k] ?? 0) + v;
    const lines = [...this.malformedLines, ...o.malformedLines]
      .sort((a, b) => a - b)
      .slice(0, this.maxMalformedLines);
    this.malformedLines.splice(0, this.malformedLines.length, ...lines);
    for (let i = 0; i < this.strategies.length; i++) {
      for (let p = 0; p < this.partitions; p++) {
        this.counts[i]![p]! += o.counts[i]?.[p] ?? 0;
        this.partBytes[i]![p]! += o.partitionBytes[i]?.[p] ?? 0;
      }
      this.errors[i]! += o.errors[i] ?? 0;
      if (this.errorSamples[i] === null) this.errorSamples[i] = o.errorSamples?.[i] ?? null;
    }
    this.sketch.merge(SpaceSaving.fromJSON(o.sketch));
    return this;
  }

  toJSON(): AnalyzerStateJSON {
    return {
      type: 'kpart.analyzer',
      version: 1,
      partitions: this.partitions,
      strategies: [...this.strategyNames],
      topK: this.topK,
      maxMalformedLines: this.maxMalformedLines,
      records: this.records,
      keyless: this.keyless,
      bytes: this.bytes,
      malformed: this.malformed,
      malformedLines: [...this.malformedLines],
      malformedReasons: { ...this.malformedReasons },
      counts: this.counts.map((c) => Array.from(c)),
      partitionBytes: this.partBytes.map((c) => Array.from(c)),
      errors: Array.from(this.errors),
      errorSamples: [...this.errorSamples],
      sketch: this.sketch.toJSON(),
    };
  }

  /** Rebuilds an analyzer from toJSON() output (its strategies are re-created from their specs). */
  static fromJSON(json: AnalyzerStateJSON | string, strategyOptions: StrategyOptions = {}): Analyzer {
    const j = (typeof json === 'string' ? JSON.parse(json) : json) as AnalyzerStateJSON;
    if (j?.type !== 'kpart.analyzer' || j.version !== 1)
      throw new TypeError('not a kpart analyzer state (type kpart.analyzer, version 1)');
    const a = new Analyzer({
      partitions: j.partitions,
      strategies: j.strategies,
      strategyOptions,
      topK: j.topK,
      sketchCapacity: j.sketch.capacity,
      maxMalformedLines: j.maxMalformedLines,
    });
    return a.merge(j);
  }

  result(): AnalysisResult {
    const hitters = this.sketch.top(Math.max(this.topK, 100));
    const total = this.records;
    const strategies = this.strategies.map((_, i): StrategyResult => {
      const counts = Array.from(this.counts[i]!);
      const bytes = Array.from(this.partBytes[i]!);
      const metrics = computeSkewMetrics(counts, bytes);
      return {
        strategy: this.strategyNames[i]!,
        counts,
        bytes,
        ...metrics,
        alerts: skewAlerts(counts, metrics),
        errors: this.errors[i]!,
        ...(this.errors[i]! > 0 && this.errorSamples[i] ? { errorSample: this.errorSamples[i]! } : {}),
        hotPartitions: hotPartitions(counts, metrics.mean, hitters, i),
      };
    });
    const hotKeys = hitters.slice(0, this.topK).map((h): HotKeyResult => {
      const partitions: Record<string, number | null> = {};
      this.strategyNames.forEach((name, i) => (partitions[name] = h.partitions[i] ?? null));
      return {
        key: h.key,
        records: h.count,
        error: h.error,
        recordsPercent: total === 0 ? 0 : (100 * h.count) / total,
        bytes: h.bytes,
        bytesPercent: this.bytes === 0 ? 0 : (100 * h.bytes) / this.bytes,
        partition: h.partitions[0] ?? null,
        partitions,
      };
    });
    return {
      records: total,
      partitions: this.partitions,
      malformed: this.malformed,
      malformedLines: [...this.malformedLines],
      malformedReasons: { ...this.malformedReasons },
      keyless: this.keyless,
      bytes: this.bytes,
      strategies,
      hotKeys,
      sketch: { capacity: this.sketch.capacity, errorBound: this.sketch.minCount() },
    };
  }
}

/** Partitions well above the mean, with the hot keys that put them there. */
function hotPartitions(
  counts: number[],
  mean: number,
  hitters: ReturnType<SpaceSaving['top']>,
  strategy: number,
): HotPartition[] {
  if (mean === 0) return [];
  const over = counts
    .map((c, p) => ({ c, p }))
    .filter(({ c }) => c > mean * 1.2)
    .sort((a, b) => b.c - a.c || a.p - b.p)
    .slice(0, 5);
  return over.map(({ c, p }) => {
    // keys that alone carry >= 5 % of the partition; smaller ones are not what makes it hot
    const keys = hitters.filter((h) => h.partitions[strategy] === p && h.count >= 0.05 * c).slice(0, 10);
    const keyRecords = keys.reduce((s, h) => s + h.count, 0);
    return {
      partition: p,
      records: c,
      timesMean: c / mean,
      keys: keys.map((h) => h.key),
      keyRecords,
      keysPercentOfPartition: (100 * keyRecords) / c,
      timesMeanWithoutKeys: Math.max(0, c - keyRecords) / mean,
    };
  });
}

/**
 * A strategy named murmur2 must place keyed records exactly like Java; checking a few probes (on a fresh
 * instance, so the real one's state is untouched) guards the shortcut against a registry that differs.
 */
function agreesWithMurmur2(s: Partitioner, partitions: number): boolean {
  try {
    const probe = createStrategy('murmur2');
    return (
      s.name === 'murmur2' &&
      SHORTCUT_PROBES.every(
        (k) =>
          probe.partition({ key: k }, { partitionCount: partitions }) ===
          partitionForKey(k, partitions, 'murmur2'),
      )
    );
  } catch {
    return false;
  }
}
