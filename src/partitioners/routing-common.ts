/**
 * Pieces shared by the routing strategies (explicit, priority, field, geo, time-window, salting, composite,
 * weighted, load-aware, jump): record field access, partition-list parsing, the default fallback and a
 * cached round-robin cursor. Pure functions and small state holders only; no I/O.
 */
import { InputError, UsageError } from '../errors.js';
import { murmur2, toPositive } from '../hash/index.js';
import { availableOrNull, checkPartitionCount, isNullKey } from './common.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

const decoder = new TextDecoder();

/**
 * Value at a dotted path in record.value ("geo.region" → value.geo.region). Returns undefined when any step
 * is missing or not an object. Paths are split once by the caller (`splitPath`) so the send path does not
 * allocate.
 */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let v: unknown = value;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[step];
  }
  return v;
}

export function splitPath(path: string): readonly string[] {
  const parts = path.split('.');
  if (path === '' || parts.some((p) => p === ''))
    throw new UsageError(`bad field path "${path}"`, 'E_STRATEGY_OPTION');
  return parts;
}

/** A header as a string (Uint8Array headers decoded as UTF-8, as KafkaJS delivers them as Buffers). */
export function headerString(record: RecordInfo, name: string): string | undefined {
  const h = record.headers?.[name];
  if (h === undefined) return undefined;
  return typeof h === 'string' ? h : decoder.decode(h);
}

/**
 * A scalar record field as a routing string: strings as-is, finite numbers / booleans / bigints via String(),
 * Uint8Array as UTF-8. Objects, arrays, null and undefined are "absent" (undefined) — routing on them would
 * silently depend on JSON formatting.
 */
export function scalarString(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined;
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return v instanceof Uint8Array ? decoder.decode(v) : undefined;
  }
}

/** Where a strategy reads a routing attribute: a header or a dotted path into record.value. */
export interface FieldSource {
  header?: string | undefined;
  field?: string | undefined;
}

/** Compiled FieldSource: header first (cheap, set by the producer), then the value path. */
export function compileSource(src: FieldSource): (record: RecordInfo) => string | undefined {
  const header = src.header;
  const path = src.field === undefined ? undefined : splitPath(src.field);
  if (header === undefined && path === undefined)
    throw new UsageError('a header or field name is required', 'E_STRATEGY_OPTION');
  return (record) => {
    if (header !== undefined) {
      const h = headerString(record, header);
      if (h !== undefined) return h;
    }
    return path === undefined ? undefined : scalarString(readPath(record.value, path));
  };
}

/**
 * Parses a partition list: "3", "0-3" (inclusive range), "0+2+5" or combinations "0-1+4". Used by the
 * spec forms of priority/field/geo mappings (":" and "," are taken by the spec grammar).
 */
export function parsePartitionList(text: string, what: string): number[] {
  const out: number[] = [];
  for (const part of text.split('+')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m)
      throw new UsageError(
        `${what}: bad partition list "${text}" (use e.g. 3, 0-3 or 0+2+5)`,
        'E_STRATEGY_OPTION',
      );
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UsageError(`${what}: empty range "${part}"`, 'E_STRATEGY_OPTION');
    for (let p = a; p <= b; p++) out.push(p);
  }
  return normaliseList(out, what);
}

/** Sorted, de-duplicated, validated (non-negative integers) copy of a partition list. */
export function normaliseList(list: Iterable<unknown>, what: string): number[] {
  const set = new Set<number>();
  for (const p of list) {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) {
      throw new UsageError(
        `${what}: partitions must be non-negative integers, got ${JSON.stringify(p)}`,
        'E_STRATEGY_OPTION',
      );
    }
    set.add(p);
  }
  if (set.size === 0) throw new UsageError(`${what}: empty partition list`, 'E_STRATEGY_OPTION');
  return [...set].sort((x, y) => x - y);
}

/**
 * A name → partitions mapping from options ({ eu: [0, 1], us: 2 }) or from spec text "eu=0-1,us=2".
 */
export function parseMapping(raw: unknown, what: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (raw === undefined || raw === null) return out;
  if (typeof raw === 'string') {
    for (const item of raw.split(',')) {
      if (item.trim() === '') continue;
      const eq = item.lastIndexOf('=');
      if (eq <= 0)
        throw new UsageError(`${what}: expected name=partitions, got "${item}"`, 'E_STRATEGY_OPTION');
      out.set(item.slice(0, eq).trim(), parsePartitionList(item.slice(eq + 1), what));
    }
    return out;
  }
  const entries =
    raw instanceof Map
      ? [...(raw as Map<unknown, unknown>).entries()]
      : typeof raw === 'object'
        ? Object.entries(raw)
        : null;
  if (entries === null)
    throw new UsageError(`${what}: mapping must be an object or "name=partitions,..."`, 'E_STRATEGY_OPTION');
  for (const [k, v] of entries) {
    const list =
      typeof v === 'number'
        ? [v]
        : typeof v === 'string'
          ? parsePartitionList(v, what)
          : Array.isArray(v)
            ? v
            : null;
    if (list === null)
      throw new UsageError(`${what}: bad partitions for "${String(k)}"`, 'E_STRATEGY_OPTION');
    out.set(String(k), normaliseList(list, what));
  }
  return out;
}

/**
 * Throws when a configured partition does not exist in the topic. Configured mappings are checked against the
 * live partition count at decision time because the strategy is built before the topic's metadata is known.
 */
export function checkListFits(list: readonly number[], ctx: PartitionContext, what: string): void {
  const last = list[list.length - 1];
  if (last !== undefined && last >= ctx.partitionCount) {
    throw new InputError(
      `${what}: partition ${last} does not exist (topic has ${ctx.partitionCount})`,
      'E_PARTITION',
    );
  }
}

/** Java-compatible keyed placement over a subset: list[toPositive(murmur2(key)) % list.length]. */
export function hashOver(key: string | Uint8Array, list: readonly number[]): number {
  return list[toPositive(murmur2(key)) % list.length]!;
}

/**
 * Round-robin cursor over a partition list, as KafkaJS's DefaultPartitioner does for keyless records
 * (one counter, modulo the current list). Deterministic for a given record sequence.
 */
export class Cursor {
  private n = 0;
  next(list: readonly number[]): number {
    const i = this.n;
    this.n = (i + 1) & 0x7fffffff;
    return list[i % list.length]!;
  }
  nextIn(count: number): number {
    const i = this.n;
    this.n = (i + 1) & 0x7fffffff;
    return i % count;
  }
}

/**
 * The fallback routing strategies use when their attribute is absent (no header, unknown region...):
 * keyed → Java's murmur2 over all partitions; keyless → round-robin over available partitions (KafkaJS
 * DefaultPartitioner semantics), so a record never needs a routing attribute to be placed.
 */
export class DefaultFallback implements Partitioner {
  readonly name = 'default';
  private readonly cursor = new Cursor();
  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const key = record.key;
    if (!isNullKey(key)) return toPositive(murmur2(key)) % ctx.partitionCount;
    const a = availableOrNull(ctx);
    return a === null ? this.cursor.nextIn(ctx.partitionCount) : this.cursor.next(a);
  }
}

/** Options may name the fallback as a Partitioner instance; anything else is a usage error. */
export function fallbackOption(raw: unknown): Partitioner {
  if (raw === undefined || raw === null) return new DefaultFallback();
  if (typeof raw === 'object' && typeof (raw as Partitioner).partition === 'function')
    return raw as Partitioner;
  throw new UsageError(
    'strategy option fallback must be a Partitioner (use createStrategy(spec) to build one)',
    'E_STRATEGY_OPTION',
  );
}

/**
 * Splits spec arguments of the form "name=value" (order-free) into a record; bare words go to `positional`.
 */
export function namedArgs(
  args: readonly string[],
  known: readonly string[],
): { named: Record<string, string>; positional: string[] } {
  const named: Record<string, string> = {};
  const positional: string[] = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : '';
    if (known.includes(name)) named[name] = a.slice(eq + 1);
    else positional.push(a);
  }
  return { named, positional };
}

/** A positive integer spec argument, with a UsageError naming the strategy otherwise. */
export function positiveIntArg(raw: string | undefined, what: string, dflt?: number): number {
  if (raw === undefined || raw === '') {
    if (dflt !== undefined) return dflt;
    throw new UsageError(`${what} is required`, 'E_STRATEGY');
  }
  const n = Number(raw);
  if (!(/^\d+$/.test(raw.trim()) && Number.isSafeInteger(n) && n > 0)) {
    throw new UsageError(`${what} must be a positive integer, got "${raw}"`, 'E_STRATEGY');
  }
  return n;
}

export function stringOption(options: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = options[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '')
    throw new UsageError(`strategy option ${name} must be a non-empty string`, 'E_STRATEGY_OPTION');
  return v;
}
