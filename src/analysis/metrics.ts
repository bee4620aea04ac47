/**
 * Skew metrics over per-partition counts (and bytes). Always over ALL partitions, empty ones included:
 * analyzers that skip empty partitions report min > 0 and hide the worst skew.
 *
 * Definitions (percentages are 0..100):
 *   loadSkewRatio          max count / max(min count, 1)
 *   sizeSkewRatio          max bytes / max(min bytes, 1)
 *   coefficientOfVariation population stddev / mean of counts (0 when mean is 0)
 *   hotspotPercentage      % of partitions with count > 2 × mean
 *   partitionUtilization   % of partitions with at least one record
 *   maxToMean              max count / mean (0 when mean is 0)
 *   gini                   Gini coefficient of counts (0 = perfectly even, → 1 = all on one partition)
 */

export interface SkewMetrics {
  loadSkewRatio: number;
  sizeSkewRatio: number;
  coefficientOfVariation: number;
  hotspotPercentage: number;
  partitionUtilization: number;
  maxToMean: number;
  gini: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  /** Partitions with count > 2 × mean, ascending. */
  hotspots: number[];
  /** Partitions with zero records, ascending. */
  empty: number[];
}

export const AlertCode = {
  PARTITION_DEVIATION: 'PARTITION_DEVIATION',
  HIGH_STDDEV: 'HIGH_STDDEV',
  MAX_OVER_MIN: 'MAX_OVER_MIN',
} as const;
export type AlertCode = (typeof AlertCode)[keyof typeof AlertCode];

export interface SkewAlert {
  code: AlertCode;
  message: string;
  /** Partitions the alert is about (empty when it is about the whole topic). */
  partitions: number[];
}

/** The field's thresholds: a partition > 20 % off the mean, stddev > 30 % of the mean, max > 2 × min. */
export const ALERT_THRESHOLDS = { partitionDeviation: 0.2, stddevOfMean: 0.3, maxOverMin: 2 } as const;

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

function minMax(xs: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return xs.length === 0 ? [0, 0] : [min, max];
}

/** Gini coefficient of non-negative values: (2 Σ i·x₍ᵢ₎) / (n Σ x) − (n + 1) / n over ascending x, i from 1. */
export function gini(values: ArrayLike<number>): number {
  const n = values.length;
  const total = sum(values);
  if (n === 0 || total === 0) return 0;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  let weighted = 0;
  for (let i = 0; i < n; i++) weighted += (i + 1) * sorted[i]!;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

export function computeSkewMetrics(
  counts: ArrayLike<number>,
  bytes: ArrayLike<number> = counts,
): SkewMetrics {
  const n = counts.length;
  const total = sum(counts);
  const mean = n === 0 ? 0 : total / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (counts[i]! - mean) ** 2;
  const stddev = n === 0 ? 0 : Math.sqrt(sq / n);
  const [min, max] = minMax(counts);
  const [bmin, bmax] = minMax(bytes);
  const hotspots: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < n; i++) {
    if (counts[i]! > 2 * mean) hotspots.push(i);
    if (counts[i]! === 0) empty.push(i);
  }
  return {
    loadSkewRatio: max / Math.max(min, 1),
    sizeSkewRatio: bmax / Math.max(bmin, 1),
    coefficientOfVariation: mean === 0 ? 0 : stddev / mean,
    hotspotPercentage: n === 0 ? 0 : (100 * hotspots.length) / n,
    partitionUtilization: n === 0 ? 0 : (100 * (n - empty.length)) / n,
    maxToMean: mean === 0 ? 0 : max / mean,
    gini: gini(counts),
    mean,
    stddev,
    min,
    max,
    hotspots,
    empty,
  };
}

/** Alerts for one distribution using ALERT_THRESHOLDS. No records, no alerts. */
export function skewAlerts(
  counts: ArrayLike<number>,
  metrics: SkewMetrics = computeSkewMetrics(counts),
): SkewAlert[] {
  const alerts: SkewAlert[] = [];
  const { mean, stddev, min, max } = metrics;
  if (mean === 0) return alerts;
  const off: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    if (Math.abs(counts[i]! - mean) > ALERT_THRESHOLDS.partitionDeviation * mean) off.push(i);
  }
  if (off.length > 0) {
    alerts.push({
      code: AlertCode.PARTITION_DEVIATION,
      message: `${off.length} partition(s) more than 20% off the mean of ${mean.toFixed(1)} records`,
      partitions: off,
    });
  }
  if (stddev > ALERT_THRESHOLDS.stddevOfMean * mean) {
    alerts.push({
      code: AlertCode.HIGH_STDDEV,
      message: `stddev ${stddev.toFixed(1)} is ${((100 * stddev) / mean).toFixed(0)}% of the mean (threshold 30%)`,
      partitions: [],
    });
  }
  if (max > ALERT_THRESHOLDS.maxOverMin * min) {
    const hot: number[] = [];
    for (let i = 0; i < counts.length; i++) if (counts[i] === max) hot.push(i);
    alerts.push({
      code: AlertCode.MAX_OVER_MIN,
      message: `max partition (${max}) is more than 2x the min partition (${min})`,
      partitions: hot,
    });
  }
  return alerts;
}
