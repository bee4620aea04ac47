/**
 * Built-in synthetic workloads for `kpart simulate`, `repartition` and the demo. Every workload is driven by
 * a seeded Rng, so the same spec + options always yields the same records (tests and README output rely on
 * it). Specs are `name[:arg[:arg]]`:
 *
 *   uniform                  every key equally likely
 *   zipf[:s]                 P(rank k) ∝ k^−s (default s = 1); s ≈ 1.1 is typical of user ids
 *   hot[:k[:share]]          k dominant keys (default 3) take `share` of the records (default 0.5), the rest uniform
 *   bursty[:factor[:prob]]   1 s windows; a window bursts with probability `prob` (0.1) at `factor`× (10) the
 *                            base rate, 80 % of a burst's records from one key (a flash sale, a retry storm)
 *   tenants[:t[:s]]          t tenants (20) with Zipf(s) (1.2) traffic shares; keys `tenant-07/user-123`,
 *                            value { tenant, user }; bigger tenants also send bigger records
 *
 * Aliases: hot-keys/hotkeys → hot, burst/bursts → bursty, multi-tenant/multitenant → tenants (any case).
 */
import { UsageError } from '../errors.js';
import { Rng, ZipfSampler } from './prng.js';

export const WorkloadKind = {
  uniform: 'uniform',
  zipf: 'zipf',
  hot: 'hot',
  bursty: 'bursty',
  tenants: 'tenants',
} as const;
export type WorkloadKind = (typeof WorkloadKind)[keyof typeof WorkloadKind];

/** Other names people use for the same workloads (accepted in specs; output uses the canonical name). */
export const WORKLOAD_ALIASES: Readonly<Record<string, WorkloadKind>> = {
  'hot-keys': 'hot',
  hotkeys: 'hot',
  hot_keys: 'hot',
  burst: 'bursty',
  bursts: 'bursty',
  'multi-tenant': 'tenants',
  multitenant: 'tenants',
  multi_tenant: 'tenants',
  tenant: 'tenants',
};

export interface WorkloadRecord {
  key: string;
  /** Serialized record size in bytes. */
  size: number;
  /** ms since epoch. */
  timestamp: number;
  value?: unknown;
}

export interface WorkloadOptions {
  /** Distinct keys in the key space. */
  keys: number;
  seed?: number;
  /** Mean record size in bytes (sizes vary ±50 % around it). Default 256. */
  recordSize?: number;
  /** Timestamp of the first record (ms). Default 2024-01-01T00:00:00Z, so output does not depend on the clock. */
  startTime?: number;
  /** Base rate in records per second, for timestamps. Default 1000. */
  rate?: number;
}

export interface WorkloadSpec {
  kind: WorkloadKind;
  args: number[];
}

const DEFAULT_START = Date.UTC(2024, 0, 1);

/** Parses and validates a spec such as "zipf:1.1" (UsageError on anything else). */
export function parseWorkloadSpec(spec: string): WorkloadSpec {
  const [given = '', ...rawArgs] = spec.trim().split(':');
  const lower = given.toLowerCase();
  const name = WORKLOAD_ALIASES[lower] ?? lower;
  if (!(Object.values(WorkloadKind) as string[]).includes(name)) {
    throw new UsageError(
      `unknown workload "${spec}"; known: ${Object.values(WorkloadKind).join(', ')} (e.g. zipf:1.1)`,
      'E_WORKLOAD',
    );
  }
  const kind = name as WorkloadKind;
  const args = rawArgs.map((a) => {
    const n = a.trim() === '' ? NaN : Number(a);
    if (!Number.isFinite(n))
      throw new UsageError(`workload "${spec}": argument "${a}" is not a number`, 'E_WORKLOAD');
    return n;
  });
  const maxArgs: Record<WorkloadKind, number> = { uniform: 0, zipf: 1, hot: 2, bursty: 2, tenants: 2 };
  if (args.length > maxArgs[kind])
    throw new UsageError(`workload "${spec}": too many arguments`, 'E_WORKLOAD');
  const bad = (msg: string): never => {
    throw new UsageError(`workload "${spec}": ${msg}`, 'E_WORKLOAD');
  };
  if (kind === 'zipf' && args[0] !== undefined && !(args[0] > 0 && args[0] <= 10))
    bad('exponent must be in (0, 10]');
  if (kind === 'hot') {
    if (args[0] !== undefined && !(Number.isInteger(args[0]) && args[0] >= 1))
      bad('hot key count must be an integer >= 1');
    if (args[1] !== undefined && !(args[1] > 0 && args[1] < 1)) bad('share must be in (0, 1)');
  }
  if (kind === 'bursty') {
    if (args[0] !== undefined && !(args[0] >= 1 && args[0] <= 1000)) bad('burst factor must be in [1, 1000]');
    if (args[1] !== undefined && !(args[1] > 0 && args[1] <= 1)) bad('burst probability must be in (0, 1]');
  }
  if (kind === 'tenants') {
    if (args[0] !== undefined && !(Number.isInteger(args[0]) && args[0] >= 1))
      bad('tenant count must be an integer >= 1');
    if (args[1] !== undefined && !(args[1] > 0 && args[1] <= 10)) bad('exponent must be in (0, 10]');
  }
  return { kind, args };
}

/** An endless, reproducible record stream. */
export interface Workload {
  readonly spec: string;
  next(): WorkloadRecord;
}

export function createWorkload(spec: string | WorkloadSpec, options: WorkloadOptions): Workload {
  const parsed = typeof spec === 'string' ? parseWorkloadSpec(spec) : spec;
  const label = typeof spec === 'string' ? spec : [spec.kind, ...spec.args].join(':');
  const keys = options.keys;
  if (!(Number.isInteger(keys) && keys >= 1))
    throw new UsageError(`--keys must be a positive integer, got ${keys}`);
  const rng = new Rng(options.seed ?? 1);
  const meanSize = options.recordSize ?? 256;
  const start = options.startTime ?? DEFAULT_START;
  const rate = options.rate ?? 1000;
  const size = (mean: number): number => Math.max(1, Math.round(mean * (0.5 + rng.next())));
  let i = 0;
  const evenTs = (): number => start + Math.floor((i++ * 1000) / rate);

  switch (parsed.kind) {
    case 'uniform':
      return {
        spec: label,
        next: () => ({ key: `user-${rng.int(keys) + 1}`, size: size(meanSize), timestamp: evenTs() }),
      };
    case 'zipf': {
      const zipf = new ZipfSampler(keys, parsed.args[0] ?? 1);
      return {
        spec: label,
        next: () => ({ key: `user-${zipf.sample(rng)}`, size: size(meanSize), timestamp: evenTs() }),
      };
    }
    case 'hot': {
      const hotCount = Math.min(parsed.args[0] ?? 3, keys);
      const share = parsed.args[1] ?? 0.5;
      return {
        spec: label,
        next: () => {
          // hot keys are user-1..user-k; the rest of the traffic is uniform over the whole key space
          const key = rng.next() < share ? `user-${rng.int(hotCount) + 1}` : `user-${rng.int(keys) + 1}`;
          return { key, size: size(meanSize), timestamp: evenTs() };
        },
      };
    }
    case 'bursty': {
      const factor = parsed.args[0] ?? 10;
      const prob = parsed.args[1] ?? 0.1;
      const basePerWindow = Math.max(1, Math.round(rate));
      let windowIndex = -1;
      let left = 0;
      let inWindow = 0;
      let perWindow = basePerWindow;
      let burstKey = '';
      let bursting = false;
      return {
        spec: label,
        next: () => {
          if (left === 0) {
            windowIndex++;
            bursting = rng.next() < prob;
            perWindow = bursting ? Math.round(basePerWindow * factor) : basePerWindow;
            left = perWindow;
            inWindow = 0;
            burstKey = `user-${rng.int(keys) + 1}`;
          }
          const timestamp = start + windowIndex * 1000 + Math.floor((inWindow * 1000) / perWindow);
          left--;
          inWindow++;
          const key = bursting && rng.next() < 0.8 ? burstKey : `user-${rng.int(keys) + 1}`;
          return { key, size: size(meanSize), timestamp };
        },
      };
    }
    case 'tenants': {
      const tenants = Math.min(parsed.args[0] ?? 20, keys);
      const tenantZipf = new ZipfSampler(tenants, parsed.args[1] ?? 1.2);
      const usersPerTenant = Math.max(1, Math.floor(keys / tenants));
      const width = String(tenants).length;
      const names = Array.from({ length: tenants }, (_, t) => `tenant-${String(t + 1).padStart(width, '0')}`);
      return {
        spec: label,
        next: () => {
          const t = tenantZipf.sample(rng); // rank 1 = the biggest tenant
          const tenant = names[t - 1]!;
          const user = `user-${rng.int(usersPerTenant) + 1}`;
          // the biggest tenants also send the biggest records (richer payloads), up to 2× the mean
          const mean = meanSize * (0.5 + 1.5 / t);
          return { key: `${tenant}/${user}`, size: size(mean), timestamp: evenTs(), value: { tenant, user } };
        },
      };
    }
  }
}

/** Feeds `records` workload records into anything with add() (an Analyzer, a RepartitionAnalyzer). */
export function feedWorkload(
  sink: { add(r: WorkloadRecord): void },
  workload: Workload,
  records: number,
): void {
  for (let i = 0; i < records; i++) sink.add(workload.next());
}
