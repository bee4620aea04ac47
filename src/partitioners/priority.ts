/**
 * Priority routing: priority levels own reserved partitions (e.g. high → [0, 1]) so urgent traffic never
 * queues behind bulk traffic on the same partition; consumers of the reserved partitions can be scaled on
 * their own. Records without a (known) level are hashed with Java's murmur2 over the *remaining* partitions
 * (`remaining[toPositive(murmur2(key)) % remaining.length]`), keyless ones go round-robin over the remaining
 * available ones. Inside a level, keyed records are hashed over the level's partitions (per-key order kept),
 * keyless ones go round-robin.
 */
import { UsageError } from '../errors.js';
import { murmur2, toPositive } from '../hash/index.js';
import {
  availableOrNull,
  checkPartitionCount,
  explicitPartition,
  isAvailable,
  isNullKey,
  oneHot,
} from './common.js';
import { checkListFits, compileSource, Cursor, hashOver, parseMapping } from './routing-common.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

export interface PriorityOptions {
  /** level → reserved partitions, e.g. { high: [0, 1] } or "high=0-1,urgent=2". */
  levels:
    Readonly<Record<string, number | readonly number[]>> | ReadonlyMap<string, readonly number[]> | string;
  /** Header carrying the level (default "priority" when neither header nor field is given). */
  header?: string | undefined;
  /** Dotted path in record.value carrying the level. */
  field?: string | undefined;
  name?: string | undefined;
}

export class PriorityPartitioner implements Partitioner {
  readonly name: string;
  private readonly levels: Map<string, number[]>;
  private readonly reserved: number[];
  private readonly read: (r: RecordInfo) => string | undefined;
  private readonly cursors = new Map<string, Cursor>();
  private readonly restCursor = new Cursor();
  private cachedCount = -1;
  private remaining: number[] = [];

  constructor(options: PriorityOptions) {
    this.name = options.name ?? 'priority';
    this.levels = parseMapping(options.levels, 'priority levels');
    if (this.levels.size === 0)
      throw new UsageError(
        'priority: at least one level=partitions mapping is required',
        'E_STRATEGY_OPTION',
      );
    const all = new Set<number>();
    for (const [level, list] of this.levels) {
      for (const p of list) {
        if (all.has(p))
          throw new UsageError(
            `priority: partition ${p} is reserved twice (level "${level}")`,
            'E_STRATEGY_OPTION',
          );
        all.add(p);
      }
      this.cursors.set(level, new Cursor());
    }
    this.reserved = [...all].sort((a, b) => a - b);
    this.read = compileSource(
      options.header === undefined && options.field === undefined ? { header: 'priority' } : options,
    );
  }

  /** Partitions not reserved by any level, for `partitionCount` partitions (cached per count). */
  remainingFor(partitionCount: number): readonly number[] {
    if (partitionCount !== this.cachedCount) {
      const reserved = new Set(this.reserved);
      const rest: number[] = [];
      for (let p = 0; p < partitionCount; p++) if (!reserved.has(p)) rest.push(p);
      this.remaining = rest;
      this.cachedCount = partitionCount;
    }
    return this.remaining;
  }

  /** Throws when a reserved partition is beyond `partitionCount`. */
  validate(partitionCount: number): void {
    checkListFits(this.reserved, { partitionCount }, this.name);
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    checkListFits(this.reserved, ctx, 'priority');
    const level = this.read(record);
    const own = level === undefined ? undefined : this.levels.get(level);
    let list: readonly number[];
    let cursor: Cursor;
    if (own !== undefined) {
      list = own;
      cursor = this.cursors.get(level!)!;
    } else {
      list = this.remainingFor(ctx.partitionCount);
      cursor = this.restCursor;
      // Every partition reserved: unprioritised traffic still has to go somewhere — all partitions.
      if (list.length === 0)
        return isNullKey(record.key)
          ? cursor.nextIn(ctx.partitionCount)
          : toPositive(murmur2(record.key)) % ctx.partitionCount;
    }
    if (!isNullKey(record.key)) return hashOver(record.key, list);
    // Keyless: round-robin over the list's available partitions (Java/KafkaJS skip leaderless ones for keyless).
    if (availableOrNull(ctx) !== null) {
      const up = list.filter((p) => isAvailable(ctx, p));
      if (up.length > 0) return cursor.next(up);
    }
    return cursor.next(list);
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return oneHot(ctx.partitionCount, this.partition(record, ctx));
  }
}
