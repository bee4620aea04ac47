/**
 * Round-robin strategies.
 *
 * `roundrobin` — Java `RoundRobinPartitioner`: keys ignored; a per-topic counter starting at 0;
 *   `available.get(toPositive(counter++) % available.size())`, or `% numPartitions` over all partitions
 *   when none is available.
 * `legacy` — Java's `DefaultPartitioner` before 2.4 (KIP-480) and KafkaJS's `DefaultPartitioner`: keyed
 *   records `toPositive(murmur2(key)) % numPartitions`; keyless ones round-robin over available partitions
 *   with a per-topic counter that starts at a random value (Java: `ThreadLocalRandom.nextInt()`; KafkaJS:
 *   a random 32-bit start).
 */
import { murmur2 } from '../hash/murmur2.js';
import {
  availableOrNull,
  checkPartitionCount,
  explicitPartition,
  isNullKey,
  oneHot,
  randomInt31,
  topicKey,
  type RandomSource,
} from './common.js';
import type { Partitioner, PartitionContext, RecordInfo } from './types.js';

export interface RoundRobinOptions {
  random?: RandomSource;
}

abstract class CounterBase implements Partitioner {
  abstract readonly name: string;
  private readonly counters = new Map<string, number>();
  protected abstract readonly hashKeys: boolean;
  protected abstract start(): number;

  private peekCounter(topic: string): number {
    let c = this.counters.get(topic);
    if (c === undefined) {
      c = this.start();
      this.counters.set(topic, c);
    }
    return c;
  }

  private keylessPartition(ctx: PartitionContext, counter: number): number {
    const positive = counter & 0x7fffffff; // Utils.toPositive on the int counter
    const avail = availableOrNull(ctx);
    return avail === null ? positive % ctx.partitionCount : avail[positive % avail.length]!;
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    checkPartitionCount(ctx.partitionCount);
    const key = record.key;
    if (this.hashKeys && !isNullKey(key)) return (murmur2(key) & 0x7fffffff) % ctx.partitionCount;
    const topic = topicKey(ctx);
    const c = this.peekCounter(topic);
    this.counters.set(topic, (c + 1) | 0); // AtomicInteger.getAndIncrement wraps at 2^31
    return this.keylessPartition(ctx, c);
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return oneHot(ctx.partitionCount, explicit);
    checkPartitionCount(ctx.partitionCount);
    const key = record.key;
    if (this.hashKeys && !isNullKey(key))
      return oneHot(ctx.partitionCount, (murmur2(key) & 0x7fffffff) % ctx.partitionCount);
    return oneHot(ctx.partitionCount, this.keylessPartition(ctx, this.peekCounter(topicKey(ctx))));
  }
}

/** Java `RoundRobinPartitioner`. */
export class RoundRobinPartitioner extends CounterBase {
  readonly name = 'roundrobin';
  protected readonly hashKeys = false;
  protected start(): number {
    return 0;
  }
}

/** Java pre-2.4 `DefaultPartitioner` / KafkaJS `DefaultPartitioner`. */
export class LegacyPartitioner extends CounterBase {
  readonly name = 'legacy';
  protected readonly hashKeys = true;
  private readonly random: RandomSource;
  constructor(options: RoundRobinOptions = {}) {
    super();
    this.random = options.random ?? Math.random;
  }
  protected start(): number {
    return randomInt31(this.random);
  }
}

export function roundRobinPartitioner(): RoundRobinPartitioner {
  return new RoundRobinPartitioner();
}

export function legacyPartitioner(options: RoundRobinOptions = {}): LegacyPartitioner {
  return new LegacyPartitioner(options);
}
