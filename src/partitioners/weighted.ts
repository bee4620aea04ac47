/**
 * Weighted composite: several strategies vote, weights decide. Each sub-strategy scores every partition —
 * its `score()` when it has one (time-window, load-aware...), else a one-hot of its `partition()` choice —
 * each score vector is scaled to max 1 (so a weight means the same thing whatever a strategy's score range),
 * the weighted sum is taken and the highest-scoring partition wins. This is the blend feature pipelines
 * describe for ML workloads, e.g. time-window 0.4 + murmur2 0.4 + round-robin 0.2: records of one window and
 * one key agree on a partition, round-robin breaks the remaining ties toward spreading.
 * Ties (within 1e-9 of the best) are broken deterministically: keyed records by murmur2(key) over the tied
 * partitions (a key always resolves a tie the same way), keyless records round-robin over them.
 * Each sub-strategy is consulted exactly once per record, so stateful ones (round-robin, sticky) advance once.
 */
import { UsageError } from '../errors.js';
import { murmur2, toPositive } from '../hash/index.js';
import { checkPartitionCount, explicitPartition, isNullKey, oneHot } from './common.js';
import { createStrategy, type StrategyOptions } from './registry.js';
import { Cursor } from './routing-common.js';
import { validateFor, type Partitioner, type PartitionContext, type RecordInfo } from './types.js';

export interface WeightedPart {
  /** A partitioner, or a spec for createStrategy (e.g. "time-window:60000"). */
  strategy: Partitioner | string;
  weight: number;
  /** Options for a strategy given as a spec. */
  options?: StrategyOptions | undefined;
}

const EPS = 1e-9;

export class WeightedPartitioner implements Partitioner {
  readonly name: string;
  readonly parts: ReadonlyArray<{ partitioner: Partitioner; weight: number }>;
  private readonly cursor = new Cursor();
  private readonly tied: number[] = [];

  constructor(parts: readonly WeightedPart[], name?: string) {
    if (parts.length === 0)
      throw new UsageError('weighted: at least one strategy=weight is required', 'E_STRATEGY');
    let total = 0;
    this.parts = parts.map((p) => {
      if (!(typeof p.weight === 'number' && Number.isFinite(p.weight) && p.weight >= 0)) {
        throw new UsageError(
          `weighted: weight must be a finite number >= 0, got ${String(p.weight)}`,
          'E_STRATEGY',
        );
      }
      total += p.weight;
      const partitioner =
        typeof p.strategy === 'string' ? createStrategy(p.strategy, p.options ?? {}) : p.strategy;
      return { partitioner, weight: p.weight };
    });
    if (!(total > 0)) throw new UsageError('weighted: weights must not all be 0', 'E_STRATEGY');
    this.name = name ?? `weighted:${this.parts.map((p) => `${p.partitioner.name}=${p.weight}`).join(',')}`;
  }

  /** The combined score vector of one record (consults every sub-strategy once). */
  combinedScores(record: RecordInfo, ctx: PartitionContext): Float64Array {
    const n = ctx.partitionCount;
    const total = new Float64Array(n);
    for (const { partitioner, weight } of this.parts) {
      const s = partitioner.score
        ? partitioner.score(record, ctx)
        : oneHot(n, partitioner.partition(record, ctx));
      if (weight === 0) continue;
      let max = 0;
      for (let p = 0; p < n; p++) {
        const v = s[p] ?? 0;
        if (v > max) max = v;
      }
      if (!(max > 0)) continue; // a strategy with no preference adds nothing
      const f = weight / max;
      for (let p = 0; p < n; p++) {
        const v = s[p] ?? 0;
        if (v > 0) total[p] = total[p]! + v * f;
      }
    }
    return total;
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    const n = ctx.partitionCount;
    checkPartitionCount(n);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    const s = this.combinedScores(record, ctx);
    let best = -Infinity;
    for (let p = 0; p < n; p++) if (s[p]! > best) best = s[p]!;
    const tied = this.tied;
    tied.length = 0;
    for (let p = 0; p < n; p++) if (s[p]! >= best - EPS) tied.push(p);
    if (tied.length === 1) return tied[0]!;
    return isNullKey(record.key)
      ? this.cursor.next(tied)
      : tied[toPositive(murmur2(record.key)) % tied.length]!;
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return this.combinedScores(record, ctx);
  }

  validate(partitionCount: number): void {
    for (const { partitioner } of this.parts) validateFor(partitioner, partitionCount);
  }
}

/**
 * Parses "spec=weight,spec=weight" (specs may contain ":" — e.g. "time-window:60000=0.4,murmur2=0.4,
 * roundrobin=0.2"; specs containing "," need the options form). Weights must be numbers >= 0.
 */
export function parseWeightedSpec(text: string): Array<{ strategy: string; weight: number }> {
  const out: Array<{ strategy: string; weight: number }> = [];
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.lastIndexOf('=');
    const spec = eq > 0 ? item.slice(0, eq).trim() : '';
    const w = eq > 0 ? item.slice(eq + 1).trim() : '';
    const weight = Number(w);
    if (spec === '' || w === '' || !Number.isFinite(weight) || weight < 0) {
      throw new UsageError(`weighted: expected strategy=weight (weight >= 0), got "${item}"`, 'E_STRATEGY');
    }
    if (spec === 'weighted' || spec.startsWith('weighted:'))
      throw new UsageError('weighted: cannot nest weighted in the spec form', 'E_STRATEGY');
    out.push({ strategy: spec, weight });
  }
  return out;
}
