/**
 * What changing a topic's partition count from `from` to `to` does to key placement (`kpart repartition`).
 * Every strategy is run twice on the same records (one instance sized `from`, one sized `to`); a record
 * "moves" when the two disagree. Per-key order in Kafka only holds within one partition, so each moved key
 * is a key whose new records may be consumed before its old, still-unread ones.
 *
 * Keys are counted over a bounded, unbiased sample of distinct keys: a key is in the sample when its hash
 * falls under a threshold that halves whenever the sample outgrows its limit (adaptive hash sampling), so
 * huge key spaces cost bounded memory and every key is either fully in or fully out.
 */
import { murmur2 } from '../hash/index.js';
import { canonicalStrategyName, createStrategy, type StrategyOptions } from '../partitioners/registry.js';
import type { PartitionContext, Partitioner } from '../partitioners/types.js';
import type { AnalysisRecord } from './analyzer.js';
import type { RecordSink } from './input.js';

/** Strategies whose keyed placement is hash % partitions: a key stays only when both moduli agree. */
const MODULO_STRATEGIES = new Set([
  'murmur2',
  'murmur2_random',
  'fnv1a',
  'fnv1a_random',
  'consistent',
  'consistent_random',
  'default',
  'sticky',
  'adaptive',
  'legacy',
]);

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Expected share of keys that move (0..1) for uniformly hashed keys, where known: for `hash % n` a key stays
 * iff h mod a = h mod b, which holds for min(a, b) residues per lcm(a, b); jump consistent hashing moves
 * only |a − b| / max(a, b).
 */
export function expectedMovedShare(strategy: string, from: number, to: number): number | null {
  const given = strategy.split(':')[0] ?? '';
  const name = canonicalStrategyName(given) ?? given;
  if (from === to) return 0;
  if (MODULO_STRATEGIES.has(name)) {
    const lcm = (from / gcd(from, to)) * to;
    return 1 - Math.min(from, to) / lcm;
  }
  if (name === 'jump') return Math.abs(to - from) / Math.max(from, to);
  return null;
}

export interface RepartitionStrategyResult {
  strategy: string;
  records: number;
  recordsMoved: number;
  /** % of keyed records whose partition changes (0..100). */
  recordsMovedPercent: number;
  /** Distinct keys in the sample (all keys when sampleRate is 1). */
  keysSampled: number;
  keysMoved: number;
  /** % of distinct keys whose partition changes (0..100). */
  keysMovedPercent: number;
  /** Theory for uniformly hashed keys, % (0..100), null when not known for the strategy. */
  expectedKeysMovedPercent: number | null;
  /** True when some key was seen on more than one partition under one count (keys do not map to one partition). */
  keyOrderNotKept: boolean;
}

export interface RepartitionResult {
  from: number;
  to: number;
  records: number;
  keyless: number;
  malformed: number;
  malformedLines: number[];
  /** Fraction of the key space sampled (1 = every key). */
  keySampleRate: number;
  strategies: RepartitionStrategyResult[];
  /** Plain-words consequences and migration plan. */
  advice: string[];
}

export interface RepartitionOptions {
  from: number;
  to: number;
  strategies: readonly string[];
  strategyOptions?: StrategyOptions;
  /** Distinct keys kept before the sample is thinned. Default 200,000. */
  maxSampledKeys?: number;
}

const decoder = new TextDecoder();

/**
 * The sampling hash must be independent of every placement hash: sampling on murmur2's low bits would keep
 * only keys with h mod 2^level = 0, exactly the ones that never move between power-of-two counts. A salted
 * murmur2 (different input bytes) is independent of murmur2/CRC32/FNV of the key itself.
 */
function sampleHash(key: string): number {
  return murmur2(`\u0000kpart-sample\u0000${key}`) >>> 0;
}

export class RepartitionAnalyzer implements RecordSink {
  records = 0;
  keyless = 0;
  malformed = 0;
  readonly malformedLines: number[] = [];
  private readonly fromS: Partitioner[];
  private readonly toS: Partitioner[];
  private readonly moved: number[];
  private readonly counted: number[];
  /** key → bit per strategy: 1 = moved, plus bit 30 = inconsistent placement seen. */
  private readonly sample = new Map<string, number>();
  private readonly firstFrom = new Map<string, Int32Array>();
  private readonly inconsistent: boolean[];
  private level = 0;
  private readonly maxKeys: number;
  private readonly ctxFrom: PartitionContext;
  private readonly ctxTo: PartitionContext;

  constructor(private readonly options: RepartitionOptions) {
    const make = (): Partitioner[] =>
      options.strategies.map((s) => createStrategy(s, options.strategyOptions ?? {}));
    this.fromS = make();
    this.toS = make();
    this.moved = options.strategies.map(() => 0);
    this.counted = options.strategies.map(() => 0);
    this.inconsistent = options.strategies.map(() => false);
    this.maxKeys = options.maxSampledKeys ?? 200_000;
    this.ctxFrom = { partitionCount: options.from };
    this.ctxTo = { partitionCount: options.to };
  }

  addKeyRange(buf: Uint8Array, start: number, end: number, size: number): void {
    this.add({ key: decoder.decode(buf.subarray(start, end)), size });
  }

  addMalformed(line: number, _reason: string): void {
    this.malformed++;
    if (this.malformedLines.length < 20) this.malformedLines.push(line);
  }

  add(rec: AnalysisRecord): void {
    this.records++;
    const key = rec.key;
    if (key === null || key === undefined) {
      this.keyless++;
      return;
    }
    const k = typeof key === 'string' ? key : decoder.decode(key);
    const info = { key: k, size: rec.size ?? 0, value: rec.value, timestamp: rec.timestamp };
    const sampled = this.level === 0 || sampleHash(k) % (1 << this.level) === 0;
    let bits = sampled ? this.sample.get(k) : undefined;
    const isNew = sampled && bits === undefined;
    let firsts = sampled ? this.firstFrom.get(k) : undefined;
    if (isNew) {
      bits = 0;
      firsts = new Int32Array(this.fromS.length).fill(-1);
    }
    for (let i = 0; i < this.fromS.length; i++) {
      const a = this.fromS[i]!.partition(info, this.ctxFrom);
      const b = this.toS[i]!.partition(info, this.ctxTo);
      this.counted[i]!++;
      const mv = a !== b;
      if (mv) this.moved[i]!++;
      if (sampled) {
        if (isNew && mv) bits! |= 1 << i;
        if (firsts![i] === -1) firsts![i] = a;
        else if (firsts![i] !== a) this.inconsistent[i] = true;
      }
    }
    if (isNew) {
      this.sample.set(k, bits!);
      this.firstFrom.set(k, firsts!);
      if (this.sample.size > this.maxKeys) this.thin();
    }
  }

  /** Halves the sampling threshold and drops keys no longer under it. */
  private thin(): void {
    this.level++;
    const mod = 1 << this.level;
    for (const k of this.sample.keys()) {
      if (sampleHash(k) % mod !== 0) {
        this.sample.delete(k);
        this.firstFrom.delete(k);
      }
    }
  }

  result(): RepartitionResult {
    const { from, to } = this.options;
    const keysSampled = this.sample.size;
    const strategies = this.options.strategies.map((name, i): RepartitionStrategyResult => {
      let keysMoved = 0;
      for (const bits of this.sample.values()) if (bits & (1 << i)) keysMoved++;
      const expected = expectedMovedShare(name, from, to);
      return {
        strategy: name,
        records: this.counted[i]!,
        recordsMoved: this.moved[i]!,
        recordsMovedPercent: this.counted[i] ? (100 * this.moved[i]!) / this.counted[i]! : 0,
        keysSampled,
        keysMoved,
        keysMovedPercent: keysSampled ? (100 * keysMoved) / keysSampled : 0,
        expectedKeysMovedPercent: expected === null ? null : 100 * expected,
        keyOrderNotKept: this.inconsistent[i]!,
      };
    });
    return {
      from,
      to,
      records: this.records,
      keyless: this.keyless,
      malformed: this.malformed,
      malformedLines: [...this.malformedLines],
      keySampleRate: 1 / 2 ** this.level,
      strategies,
      advice: repartitionAdvice(from, to, strategies),
    };
  }
}

function pct(x: number): string {
  return `${x.toFixed(1)}%`;
}

/** Plain-words consequences for per-key ordering and a migration plan. */
export function repartitionAdvice(
  from: number,
  to: number,
  strategies: readonly RepartitionStrategyResult[],
): string[] {
  const out: string[] = [];
  if (from === to) return ['The partition count does not change: no key moves.'];
  for (const s of strategies) {
    if (s.keyOrderNotKept) {
      out.push(
        `${s.strategy}: records of one key already go to several partitions, so it keeps no per-key order to lose; repartitioning only changes the spread.`,
      );
      continue;
    }
    out.push(
      `${s.strategy}: ${pct(s.keysMovedPercent)} of keys (${pct(s.recordsMovedPercent)} of records) change partition going from ${from} to ${to}.` +
        (s.keysMoved > 0
          ? ` For each moved key, records written after the change land on a new partition while older ones may still be unread on the old one, so a consumer can see them out of order.`
          : ''),
    );
  }
  const stable = [...strategies]
    .filter((s) => !s.keyOrderNotKept)
    .sort((a, b) => a.keysMovedPercent - b.keysMovedPercent)[0];
  const worst = [...strategies]
    .filter((s) => !s.keyOrderNotKept)
    .sort((a, b) => b.keysMovedPercent - a.keysMovedPercent)[0];
  if (stable && worst && stable !== worst && worst.keysMovedPercent > 2 * stable.keysMovedPercent) {
    out.push(
      `A repartition-stable strategy (${stable.strategy}) moves ${pct(stable.keysMovedPercent)} of keys instead of ${pct(worst.keysMovedPercent)} with ${worst.strategy}; adopting it is itself a one-time full move, so switch at a migration, not in place.`,
    );
  }
  out.push(
    `Migration, option 1 — new topic + dual write: create the topic with ${to} partitions, have producers write to both topics, let consumers drain the old topic (lag 0 on every partition), switch consumers to the new topic, then stop writing the old one. Per-key order holds throughout; it costs double writes for the overlap.`,
  );
  out.push(
    `Migration, option 2 — in place: pause producers (or buffer), wait until every consumer group's lag is 0, ${to > from ? 'add partitions' : 'recreate the topic (Kafka cannot remove partitions)'}, then resume. Order holds because nothing old is left unread when keys move; it costs a write pause of about the time to drain the lag.`,
  );
  out.push(
    'Without either, accept that moved keys may be processed out of order for about as long as the consumer lag at the moment of the change.',
  );
  return out;
}
