/**
 * KIP-480 sticky partitioning as Java 2.4–3.2 shipped it: `DefaultPartitioner` hashes keyed records with
 * murmur2 over all partitions and sends keyless ones to a sticky partition chosen by `StickyPartitionCache`;
 * `UniformStickyPartitioner` (ignoreKeys) does the same for every record.
 *
 * `StickyPartitionCache.nextPartition`: with no available partition, `random % numPartitions`; with one, that
 * one; otherwise draw `availablePartitions.get(random % size)` until it differs from the previous sticky
 * partition. Java switches on a new batch (onNewBatch); here the batch boundary is batch-boundary.ts's rule
 * (by default `batch.size` = 16384 bytes of key + value). A sticky partition that lost its leader is left at
 * once (Java would keep filling a batch that waits for a leader; in a Node send path that is a failed send),
 * unless no partition has a leader at all: then it is kept, as there is nothing better to switch to.
 */
import { murmur2 } from '../hash/murmur2.js';
import {
  accountRecord,
  newSlot,
  resolveBatchBoundary,
  timeExpired,
  type BatchBoundaryOptions,
  type ResolvedBatchBoundary,
  type StickySlot,
} from './batch-boundary.js';
import {
  availabilityScores,
  availableOrNull,
  checkPartitionCount,
  explicitPartition,
  isAvailable,
  isNullKey,
  noneAvailable,
  oneHot,
  randomInt31,
  topicKey,
  type RandomSource,
} from './common.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

export interface StickyOptions extends BatchBoundaryOptions {
  /** Java `partitioner.ignore.keys` / UniformStickyPartitioner: keyed records are sticky-placed too. */
  ignoreKeys?: boolean;
  random?: RandomSource;
}

/** Per-topic slot state with a "full" flag: the switch happens lazily, with the next record's context. */
export interface TopicSlot extends StickySlot {
  full: boolean;
}

/**
 * True when the sticky partition p should be left because its leader is gone while another partition has one.
 * With no leader anywhere there is nothing better to switch to: the partition is kept (as Java keeps
 * appending to its batch) instead of being re-drawn on every record.
 */
function lostLeader(ctx: PartitionContext, p: number): boolean {
  return !isAvailable(ctx, p) && !noneAvailable(ctx);
}

/**
 * Shared shell of the sticky strategies: explicit > murmur2 key (unless ignoreKeys) > keyless sticky slot.
 * Subclasses decide the next sticky partition.
 */
export abstract class StickyBase implements Partitioner {
  abstract readonly name: string;
  protected readonly boundary: ResolvedBatchBoundary;
  protected readonly ignoreKeys: boolean;
  protected readonly random: RandomSource;
  private readonly slots = new Map<string, TopicSlot>();
  private lastTopic: string | null = null;
  private lastSlot: TopicSlot | null = null;

  constructor(options: StickyOptions) {
    this.boundary = resolveBatchBoundary(options);
    this.ignoreKeys = options.ignoreKeys ?? false;
    this.random = options.random ?? Math.random;
  }

  /** Chooses the next sticky partition for `topic`; `previous` is -1 when there was none. */
  protected abstract nextPartition(ctx: PartitionContext, topic: string, previous: number): number;

  protected slot(topic: string): TopicSlot {
    if (topic === this.lastTopic && this.lastSlot !== null) return this.lastSlot;
    let s = this.slots.get(topic);
    if (s === undefined) {
      s = { ...newSlot(), full: false };
      this.slots.set(topic, s);
    }
    this.lastTopic = topic;
    this.lastSlot = s;
    return s;
  }

  /** The current sticky partition of a topic (-1 before its first keyless record). */
  currentPartition(topic = ''): number {
    return this.slots.get(topic)?.partition ?? -1;
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    const n = ctx.partitionCount;
    checkPartitionCount(n);
    const key = record.key;
    // Java BuiltInPartitioner.partitionForKey: toPositive(murmur2(keyBytes)) % numPartitions (all partitions).
    if (!this.ignoreKeys && !isNullKey(key)) return (murmur2(key) & 0x7fffffff) % n;
    const topic = topicKey(ctx);
    const s = this.slot(topic);
    const b = this.boundary;
    const now = b.lingerMs > 0 ? (ctx.now ?? Date.now()) : 0;
    if (
      s.full ||
      s.partition < 0 ||
      s.partition >= n ||
      lostLeader(ctx, s.partition) ||
      timeExpired(b, s, now)
    ) {
      s.partition = this.nextPartition(ctx, topic, s.partition);
      s.bytes = 0;
      s.records = 0;
      s.chosenAt = now;
      s.full = false;
    }
    s.full = accountRecord(b, s, record.size);
    return s.partition;
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return oneHot(ctx.partitionCount, explicit);
    checkPartitionCount(ctx.partitionCount);
    const key = record.key;
    if (!this.ignoreKeys && !isNullKey(key))
      return oneHot(ctx.partitionCount, (murmur2(key) & 0x7fffffff) % ctx.partitionCount);
    // Keyless: prefer the current sticky partition when it is still usable, without advancing state.
    const s = this.slots.get(topicKey(ctx));
    if (
      s !== undefined &&
      !s.full &&
      s.partition >= 0 &&
      s.partition < ctx.partitionCount &&
      !lostLeader(ctx, s.partition)
    ) {
      return oneHot(ctx.partitionCount, s.partition);
    }
    return availabilityScores(ctx);
  }
}

/** Java 2.4–3.2 `DefaultPartitioner` (or `UniformStickyPartitioner` with ignoreKeys): KIP-480 sticky. */
export class StickyPartitioner extends StickyBase {
  readonly name: string;

  constructor(options: StickyOptions = {}, name = 'sticky') {
    super(options);
    this.name = name;
  }

  /** Java `StickyPartitionCache.nextPartition`. */
  protected nextPartition(ctx: PartitionContext, _topic: string, previous: number): number {
    const n = ctx.partitionCount;
    // No partition has a leader: one random draw among all, no "differ from the previous" loop.
    if (noneAvailable(ctx)) return randomInt31(this.random) % n;
    const avail = availableOrNull(ctx);
    const size = avail === null ? n : avail.length;
    if (size === 1) return avail === null ? 0 : avail[0]!;
    // Draw until the new partition differs from the previous one. Java loops on ThreadLocalRandom; an
    // injected (possibly constant) random source could loop forever, so after a bounded number of draws
    // take the candidate after the last draw instead — one that differs, as size >= 2 distinct ids.
    let i = randomInt31(this.random) % size;
    let p = avail === null ? i : avail[i]!;
    for (let tries = 1; p === previous; tries++) {
      i = tries < 64 ? randomInt31(this.random) % size : (i + 1) % size;
      p = avail === null ? i : avail[i]!;
    }
    return p;
  }
}

export function stickyPartitioner(options: StickyOptions = {}): StickyPartitioner {
  return new StickyPartitioner(options);
}
