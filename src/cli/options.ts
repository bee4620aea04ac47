/**
 * Value parsers for CLI flags. Each throws UsageError (exit 2, one line) naming the flag and the bad value,
 * so every command validates the same way. Enum-backed flags take their choices from `as const` objects.
 */
import { UsageError } from '../errors.js';

export function parseInteger(
  flag: string,
  raw: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const s = raw.trim();
  if (!/^[-+]?\d+$/.test(s)) throw new UsageError(`${flag} must be an integer, got "${raw}"`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new UsageError(`${flag} must be an integer ${range}, got "${raw}"`);
  }
  return n;
}

export function parsePositiveInt(flag: string, raw: string, max = Number.MAX_SAFE_INTEGER): number {
  return parseInteger(flag, raw, 1, max);
}

export function parseNumber(flag: string, raw: string, min = -Infinity, max = Infinity): number {
  const s = raw.trim();
  const n = s === '' ? NaN : Number(s);
  if (!Number.isFinite(n) || n < min || n > max) {
    const range = max === Infinity ? (min === -Infinity ? '' : ` >= ${min}`) : ` between ${min} and ${max}`;
    throw new UsageError(`${flag} must be a number${range}, got "${raw}"`);
  }
  return n;
}

/** Validates a value against an `as const` enum object's values. */
export function parseChoice<T extends string>(
  flag: string,
  raw: string,
  choices: Readonly<Record<string, T>>,
): T {
  const values = Object.values(choices);
  if ((values as string[]).includes(raw)) return raw as T;
  throw new UsageError(`${flag} must be one of ${values.join(', ')}; got "${raw}"`);
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

const BYTES_RE = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*(\/s)?\s*$/i;

/** Parses a byte size or rate such as "500MB/s", "50 MiB", "1.5GB" into bytes (per second when "/s"). */
export function parseBytes(flag: string, raw: string): number {
  const m = BYTES_RE.exec(raw);
  if (!m) throw new UsageError(`${flag} must be a size like 500MB/s or 64KiB, got "${raw}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = SIZE_UNITS[unit];
  const n = Number(m[1]) * (mult ?? 1);
  if (!(n > 0)) throw new UsageError(`${flag} must be greater than zero, got "${raw}"`);
  return n;
}

/** What a rate counts: bytes ("500MB/s") or records ("20k msg/s"). */
export const RateUnit = { bytes: 'bytes/s', records: 'records/s' } as const;
export type RateUnit = (typeof RateUnit)[keyof typeof RateUnit];

const COUNT_MULTIPLIERS: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/**
 * Parses a throughput: a byte rate as parseBytes does ("500MB/s", "64KiB/s", a bare number is bytes), or a
 * record rate such as "20000msg/s", "20k records/s", "1.5M rec/s" (decimal k/M/G; msg, msgs, messages, rec,
 * recs, records or events).
 */
export function parseRate(flag: string, raw: string): { value: number; unit: RateUnit } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)\s*(?:msgs?|messages|recs?|records|events)\s*(?:\/s)?\s*$/i.exec(
    raw,
  );
  if (!m) {
    if (!BYTES_RE.test(raw))
      throw new UsageError(`${flag} must be a rate like 500MB/s or 20k msg/s, got "${raw}"`);
    return { value: parseBytes(flag, raw), unit: RateUnit.bytes };
  }
  const value = Number(m[1]) * (COUNT_MULTIPLIERS[(m[2] ?? '').toLowerCase()] ?? 1);
  if (!(value > 0)) throw new UsageError(`${flag} must be greater than zero, got "${raw}"`);
  return { value, unit: RateUnit.records };
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "500ms", "10s", "5m", "1h" or a bare number of milliseconds into milliseconds. */
export function parseDuration(flag: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw);
  if (!m) throw new UsageError(`${flag} must be a duration like 500ms, 10s or 5m, got "${raw}"`);
  return Math.round(Number(m[1]) * (DURATION_UNITS[m[2] ?? 'ms'] ?? 1));
}

/** Splits "a,b,c" into trimmed non-empty parts. */
export function parseList(flag: string, raw: string): string[] {
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return parts;
}
