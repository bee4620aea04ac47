/**
 * Composite keys: partition by a tuple of record fields (e.g. tenant + user) instead of the message key, so
 * all records of one (tenant, user) pair share a partition whatever the key is. The tuple is hashed with Java
 * murmur2 over a canonical byte encoding, reproducible from any language:
 *
 *   for each field, in the configured order:
 *     absent/null → 4 bytes 0xFF 0xFF 0xFF 0xFF                (length −1, Kafka's null-string convention)
 *     otherwise   → 4-byte big-endian length, then the UTF-8 bytes of the value
 *                   (strings as-is; numbers, booleans, bigints via JS String(): 42, 1.5, true; bytes raw)
 *   partition = (murmur2(bytes) & 0x7fffffff) % numPartitions       (Java Utils.murmur2 / toPositive)
 *
 * Length prefixes make the encoding injective (("ab","c") ≠ ("a","bc")), unlike joining with a separator.
 * In Java: a ByteBuffer with putInt(len) / put(bytes) per field, then Utils.toPositive(Utils.murmur2(buf)) % n.
 */
import { UsageError } from '../errors.js';
import { murmur2, toPositive } from '../hash/index.js';
import { checkPartitionCount, explicitPartition, oneHot } from './common.js';
import { headerString, readPath, splitPath } from './routing-common.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

const encoder = new TextEncoder();

export type CompositeValue = string | number | boolean | bigint | Uint8Array | null | undefined;

function valueBytes(v: CompositeValue | unknown): Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return v;
  switch (typeof v) {
    case 'string':
      return encoder.encode(v);
    case 'number':
      if (!Number.isFinite(v)) throw new UsageError(`composite key: non-finite number ${v}`, 'E_COMPOSITE');
      return encoder.encode(String(v));
    case 'boolean':
    case 'bigint':
      return encoder.encode(String(v));
    default:
      throw new UsageError(`composite key: fields must be scalars, got ${typeof v}`, 'E_COMPOSITE');
  }
}

/** The canonical encoding of a tuple (see the module comment). */
export function compositeKeyBytes(values: readonly (CompositeValue | unknown)[]): Uint8Array {
  const parts = values.map(valueBytes);
  let len = 0;
  for (const p of parts) len += 4 + (p === null ? 0 : p.length);
  const out = new Uint8Array(len);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    if (p === null) {
      view.setInt32(at, -1);
      at += 4;
    } else {
      view.setInt32(at, p.length);
      out.set(p, at + 4);
      at += 4 + p.length;
    }
  }
  return out;
}

/** Partition of a tuple: Java-compatible murmur2 over `compositeKeyBytes(values)`. */
export function compositePartition(
  values: readonly (CompositeValue | unknown)[],
  partitionCount: number,
): number {
  checkPartitionCount(partitionCount);
  return toPositive(murmur2(compositeKeyBytes(values))) % partitionCount;
}

export interface CompositeOptions {
  /** Field names in tuple order. "a.b" = dotted path in record.value; "header:x" = header x; "key" = message key. */
  fields: readonly string[];
  name?: string | undefined;
}

type Reader = (r: RecordInfo) => unknown;

function compileField(f: string): Reader {
  if (f === 'key') return (r) => r.key;
  if (f.startsWith('header:')) {
    const h = f.slice('header:'.length);
    if (h === '') throw new UsageError('composite: empty header name', 'E_STRATEGY');
    return (r) => headerString(r, h);
  }
  const path = splitPath(f);
  return (r) => readPath(r.value, path);
}

export class CompositeKeyPartitioner implements Partitioner {
  readonly name: string;
  readonly fields: readonly string[];
  private readonly readers: Reader[];

  constructor(options: CompositeOptions) {
    if (!Array.isArray(options.fields) || options.fields.length === 0) {
      throw new UsageError(
        'composite: at least one field is required, e.g. composite:tenant,user',
        'E_STRATEGY',
      );
    }
    this.fields = [...options.fields];
    this.readers = this.fields.map(compileField);
    this.name = options.name ?? `composite:${this.fields.join(',')}`;
  }

  /** The tuple of a record, in field order (undefined for absent fields). */
  tupleOf(record: RecordInfo): unknown[] {
    return this.readers.map((read) => read(record));
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    return toPositive(murmur2(compositeKeyBytes(this.tupleOf(record)))) % ctx.partitionCount;
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return oneHot(ctx.partitionCount, this.partition(record, ctx));
  }
}
