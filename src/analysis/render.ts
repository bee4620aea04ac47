/**
 * Plain-text rendering of an AnalysisResult (tables for people) and the plain-words recommendation shared
 * by the CLI and the HTML report. Everything here is derived from the result, nothing is hard-coded.
 */
import { formatTable } from '../cli/output.js';
import type { AnalysisResult, StrategyResult } from './analyzer.js';

export interface Recommendation {
  /** Best strategy that keeps every key on one partition (per-key order), or null. */
  keyed: string | null;
  /** Best strategy overall by coefficient of variation. */
  overall: string | null;
  /** Sentences in plain words. */
  text: string[];
}

function fx(n: number, d = 2): string {
  return n.toFixed(d);
}

/** True when every hot key landed on exactly one partition under strategy i (records of a key stay in order). */
export function keepsKeyOrder(result: AnalysisResult, strategy: string): boolean {
  const hot = result.hotKeys;
  if (hot.length === 0) return true;
  return hot.every((h) => h.partitions[strategy] !== null && h.partitions[strategy] !== undefined);
}

/** One sentence per over-loaded partition that hot keys explain: "3 keys (a, b, c) make partition 7 hot ...". */
export function hotPartitionSentences(s: StrategyResult): string[] {
  return s.hotPartitions
    .filter((h) => h.keys.length > 0)
    .map((h) => {
      const names = h.keys.slice(0, 5).join(', ') + (h.keys.length > 5 ? ', ...' : '');
      const n = h.keys.length;
      return (
        `${n} key${n === 1 ? '' : 's'} (${names}) make${n === 1 ? 's' : ''} partition ${h.partition} hot under ${s.strategy}: ` +
        `${fx(h.keysPercentOfPartition, 0)}% of its records; it carries ${fx(h.timesMean)}x the mean, ${fx(h.timesMeanWithoutKeys)}x without ${n === 1 ? 'that key' : 'them'}`
      );
    });
}

export function recommend(result: AnalysisResult): Recommendation {
  const text: string[] = [];
  if (result.records === 0) return { keyed: null, overall: null, text: ['No records were analyzed.'] };
  const usable = result.strategies.filter((s) => s.errors === 0);
  const byCv = [...usable].sort(
    (a, b) => a.coefficientOfVariation - b.coefficientOfVariation || a.maxToMean - b.maxToMean,
  );
  const keyed = byCv.filter((s) => keepsKeyOrder(result, s.strategy));
  const bestKeyed = keyed[0];
  const best = byCv[0];
  const describe = (s: StrategyResult): string =>
    `${s.strategy} (max/mean ${fx(s.maxToMean)}, CV ${fx(s.coefficientOfVariation)}, ${s.alerts.length} alert${s.alerts.length === 1 ? '' : 's'})`;
  if (bestKeyed) {
    if (bestKeyed.alerts.length === 0) {
      text.push(
        `Keep per-key ordering with ${describe(bestKeyed)}: it spreads this key distribution within the alert thresholds.`,
      );
    } else {
      const explained = bestKeyed.hotPartitions.find(
        (h) => h.keys.length > 0 && h.keysPercentOfPartition >= 30,
      );
      text.push(`Best strategy that keeps each key on one partition: ${describe(bestKeyed)}.`);
      if (explained) {
        text.push(
          `The skew comes from ${explained.keys.length === 1 ? 'one hot key' : 'a few hot keys'}: ${explained.keys.slice(0, 5).join(', ')} ${explained.keys.length === 1 ? 'carries' : 'carry'} ${fx(explained.keysPercentOfPartition, 0)}% of partition ${explained.partition}'s records. ` +
            'No key hash can split one key over several partitions, and more partitions will not help; ' +
            'if those keys do not need strict order, salt them (a salted strategy spreads each hot key over a few partitions), ' +
            'or give them their own topic.',
        );
      } else {
        text.push(
          'The skew comes from how the keys hash rather than from single hot keys: compare other hash strategies or partition counts.',
        );
      }
    }
  }
  if (best && best !== bestKeyed) {
    text.push(
      `Most even overall: ${describe(best)}` +
        (keepsKeyOrder(result, best.strategy)
          ? '.'
          : ', but it sends records of one key to several partitions, so per-key order is lost.'),
    );
  }
  const withErrors = result.strategies.filter((s) => s.errors > 0);
  for (const s of withErrors)
    text.push(
      `${s.strategy} could not place ${s.errors} record(s)` +
        (s.errorSample ? ` (first error: ${s.errorSample}).` : '.'),
    );
  if (result.malformed > 0) {
    text.push(
      `${result.malformed} malformed record(s) were skipped (first at line ${result.malformedLines.slice(0, 5).join(', ')}).`,
    );
  }
  return { keyed: bestKeyed?.strategy ?? null, overall: best?.strategy ?? null, text };
}

/** The human-readable analysis: strategy table, alerts, hot keys, explanations, recommendation. */
export function renderAnalysis(result: AnalysisResult): string {
  const out: string[] = [];
  out.push(
    `${result.records} records (${result.keyless} keyless), ${result.partitions} partitions, ${result.malformed} malformed` +
      (result.malformed > 0 ? ` (first lines: ${result.malformedLines.slice(0, 10).join(', ')})` : ''),
  );
  out.push('');
  out.push(
    formatTable(
      [
        'strategy',
        'min',
        'max',
        'max/mean',
        'load skew',
        'size skew',
        'CV',
        'gini',
        'hotspot %',
        'used %',
        'alerts',
      ],
      result.strategies.map((s) => [
        s.strategy,
        s.min,
        s.max,
        round(s.maxToMean),
        round(s.loadSkewRatio),
        round(s.sizeSkewRatio),
        round(s.coefficientOfVariation),
        round(s.gini),
        round(s.hotspotPercentage),
        round(s.partitionUtilization),
        s.alerts.map((a) => a.code).join(' ') || '-',
      ]),
    ),
  );
  for (const s of result.strategies) {
    if (s.errors > 0)
      out.push(
        `${s.strategy}: ${s.errors} record(s) could not be placed` +
          (s.errorSample ? ` (first error: ${s.errorSample})` : ''),
      );
  }
  out.push('');
  out.push('Records per partition:');
  out.push(
    formatTable(
      ['partition', ...result.strategies.map((s) => s.strategy)],
      Array.from({ length: result.partitions }, (_, p) => [
        p,
        ...result.strategies.map((s) => s.counts[p] ?? 0),
      ]),
    ),
  );
  if (result.hotKeys.length > 0) {
    out.push('');
    out.push(`Hot keys (Space-Saving, counts overestimated by at most ${result.sketch.errorBound}):`);
    out.push(
      formatTable(
        [
          'key',
          'records',
          '% records',
          '% bytes',
          ...result.strategies.map((s) => `partition (${s.strategy})`),
        ],
        result.hotKeys.map((h) => [
          h.key,
          h.records,
          round(h.recordsPercent),
          round(h.bytesPercent),
          ...result.strategies.map((s) => {
            const p = h.partitions[s.strategy];
            return p === null || p === undefined ? 'spread' : String(p);
          }),
        ]),
      ),
    );
  }
  const sentences = result.strategies.flatMap(hotPartitionSentences);
  if (sentences.length > 0) {
    out.push('');
    for (const s of sentences) out.push(`- ${s}`);
  }
  out.push('');
  out.push('Recommendation:');
  for (const t of recommend(result).text) out.push(`  ${t}`);
  return out.join('\n');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
