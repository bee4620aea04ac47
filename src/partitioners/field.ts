/**
 * Field routing: a record attribute such as region or department (a dotted path in record.value, or a header)
 * picks the partition. Mapped values go to their configured partition(s) — keyed records hashed over a
 * multi-partition mapping with murmur2 (per-key order kept), keyless round-robin. Unmapped values are hashed
 * with Java murmur2 *over the value's UTF-8 bytes*, so every record of one unmapped region still lands on one
 * partition, over all partitions or a configured `unknown` set. Records without the attribute go to the
 * fallback (default: murmur2 for keyed, round-robin for keyless).
 */
import { checkPartitionCount, explicitPartition, isNullKey, oneHot } from './common.js';
import {
  checkListFits,
  compileSource,
  Cursor,
  fallbackOption,
  hashOver,
  normaliseList,
  parseMapping,
  parsePartitionList,
} from './routing-common.js';
import { murmur2, toPositive } from '../hash/index.js';
import { validateFor, type Partitioner, type PartitionContext, type RecordInfo } from './types.js';

export type PartitionMapping =
  Readonly<Record<string, number | readonly number[]>> | ReadonlyMap<string, readonly number[]> | string;

export interface FieldOptions {
  /** Dotted path in record.value, e.g. "region" or "customer.department". */
  field?: string | undefined;
  /** Header to read instead of (or before) the field. */
  header?: string | undefined;
  /** value → partition(s); e.g. { eu: [0, 1], us: 2 } or "eu=0-1,us=2". */
  mapping?: PartitionMapping | undefined;
  /** Partitions unmapped values are hashed over (default: all). */
  unknown?: readonly number[] | string | undefined;
  fallback?: Partitioner | undefined;
  name?: string | undefined;
}

/**
 * Shared by field and geo routing: maps an attribute value to a partition.
 */
export class ValueRouter {
  private readonly mapping: Map<string, number[]>;
  private readonly unknown: number[] | null;
  private readonly cursors = new Map<string, Cursor>();
  private readonly mappedMax: number[];

  constructor(
    mapping: PartitionMapping | undefined,
    unknown: readonly number[] | string | undefined,
    what: string,
  ) {
    this.mapping = parseMapping(mapping, what);
    this.unknown =
      unknown === undefined
        ? null
        : typeof unknown === 'string'
          ? parsePartitionList(unknown, what)
          : normaliseList(unknown, what);
    const all = [...this.mapping.values()].flat();
    if (this.unknown) all.push(...this.unknown);
    this.mappedMax = all.length ? [Math.max(...all)] : [];
  }

  /** Throws when a mapped or `unknown` partition is beyond `partitionCount`. */
  validate(partitionCount: number, what: string): void {
    checkListFits(this.mappedMax, { partitionCount }, what);
  }

  route(value: string, record: RecordInfo, ctx: PartitionContext, what: string): number {
    checkListFits(this.mappedMax, ctx, what);
    const list = this.mapping.get(value);
    if (list !== undefined) {
      if (list.length === 1) return list[0]!;
      if (!isNullKey(record.key)) return hashOver(record.key, list);
      let c = this.cursors.get(value);
      if (c === undefined) this.cursors.set(value, (c = new Cursor()));
      return c.next(list);
    }
    const h = toPositive(murmur2(value));
    return this.unknown === null ? h % ctx.partitionCount : this.unknown[h % this.unknown.length]!;
  }
}

export class FieldPartitioner implements Partitioner {
  readonly name: string;
  private readonly read: (r: RecordInfo) => string | undefined;
  private readonly router: ValueRouter;
  private readonly fallback: Partitioner;
  fallbacks = 0;

  constructor(options: FieldOptions) {
    this.name = options.name ?? `field:${options.field ?? options.header ?? ''}`;
    this.read = compileSource(options);
    this.router = new ValueRouter(options.mapping, options.unknown, 'field');
    this.fallback = fallbackOption(options.fallback);
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    const v = this.read(record);
    if (v === undefined) {
      this.fallbacks++;
      return this.fallback.partition(record, ctx);
    }
    return this.router.route(v, record, ctx, this.name);
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return oneHot(ctx.partitionCount, this.partition(record, ctx));
  }

  validate(partitionCount: number): void {
    this.router.validate(partitionCount, this.name);
    validateFor(this.fallback, partitionCount);
  }
}
