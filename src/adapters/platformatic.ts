/**
 * @platformatic/kafka adapter: turns any kpart Partitioner (or strategy spec) into the producer's
 * `partitioner(message, key, { metadata }) => number` option (@platformatic/kafka 1.x,
 * `clients/producer/producer.js#assignPartition`):
 *
 *   const producer = new Producer({ ..., partitioner: platformaticPartitioner('murmur2_random') });
 *
 * Facts of that API the adapter builds on:
 *   - it is called only when `message.partition` is not a number (an explicit partition never reaches it);
 *   - `key` is the *serialized* key (Buffer) or undefined; `message.value` is still the unserialized value;
 *   - `metadata` is the client's cached ClusterMetadata and may not know the topic yet (first send);
 *   - the result is reduced `% partitionsCount` afterwards.
 * partitionCount and availability (leader >= 0 and the leader present in `metadata.brokers`) come from
 * `metadata.topics.get(topic)`. When the topic is not in the cached metadata yet the adapter uses
 * `options.partitionCount` if given; otherwise it returns Java's keyed hash `murmur2(key) & 0x7fffffff`
 * (exact after the client's modulo for the murmur2/default family) or a round-robin counter for keyless
 * records, and counts the miss (`stats().unknownMetadata`). Call `producer.metadata({ topics })` once before
 * the first send to avoid that path.
 *
 * Note: @platformatic/kafka's own defaultPartitioner uses `murmur2 >>> 0`, which differs from Java for half of
 * all keys; kpart's strategies use Java's `& 0x7fffffff`.
 */
import { murmur2 } from '../hash/murmur2.js';
import { createStrategy, type StrategyOptions } from '../partitioners/registry.js';
import type { Partitioner, PartitionContext, RecordInfo } from '../partitioners/types.js';
import { withFallback, type FallbackOptions } from '../partitioners/wrappers.js';

/** Structural subset of @platformatic/kafka's ClusterMetadata the adapter reads (no runtime import). */
export interface PlatformaticMetadataLike {
  brokers?: ReadonlyMap<number, unknown>;
  topics: ReadonlyMap<
    string,
    { partitionsCount: number; partitions: ReadonlyArray<{ leader: number } | undefined> }
  >;
}

/** Structural subset of @platformatic/kafka's MessageToProduce. */
export interface PlatformaticMessageLike {
  topic: string;
  key?: unknown;
  value?: unknown;
  partition?: number;
  timestamp?: bigint | number;
  headers?: unknown;
}

export interface PlatformaticAdapterOptions {
  strategyOptions?: StrategyOptions;
  /** Partition count to use while the topic is missing from the cached metadata. */
  partitionCount?: number | ((topic: string) => number | undefined);
  /** Overrides availability (ascending partition ids); undefined = derive from metadata. */
  available?: (topic: string) => readonly number[] | undefined;
  /** Wrap in withFallback (default true). */
  fallback?: boolean | FallbackOptions;
  /** Clock for time-based strategies (default Date.now). */
  now?: () => number;
}

export type PlatformaticPartitionerFn = ((
  message: PlatformaticMessageLike,
  key: Buffer | undefined,
  context: { metadata: PlatformaticMetadataLike | undefined },
) => number) & { stats(): { calls: number; unknownMetadata: number } };

function valueSize(v: unknown): number | undefined {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (v instanceof Uint8Array) return v.length;
  return undefined; // not serialized yet: let the strategy assume a size
}

export function platformaticPartitioner(
  strategy: Partitioner | string,
  options: PlatformaticAdapterOptions = {},
): PlatformaticPartitionerFn {
  const instance =
    typeof strategy === 'string' ? createStrategy(strategy, options.strategyOptions ?? {}) : strategy;
  const fallback = options.fallback ?? true;
  const p = fallback === false ? instance : withFallback(instance, fallback === true ? {} : fallback);
  const counters = new Map<string, number>();
  let calls = 0;
  let unknownMetadata = 0;
  const place = (
    message: PlatformaticMessageLike,
    key: Buffer | undefined,
    context: { metadata: PlatformaticMetadataLike | undefined },
  ): number => {
    const topic = message.topic;
    const meta = context?.metadata?.topics.get(topic);
    let partitionCount = meta?.partitionsCount;
    if (partitionCount === undefined) {
      const pc = options.partitionCount;
      partitionCount = typeof pc === 'function' ? pc(topic) : pc;
    }
    if (partitionCount === undefined || !(partitionCount > 0)) {
      unknownMetadata++;
      if (key !== undefined) return murmur2(key) & 0x7fffffff;
      const c = counters.get(topic) ?? 0;
      counters.set(topic, (c + 1) & 0x7fffffff);
      return c;
    }
    let available = options.available?.(topic);
    if (available === undefined && meta !== undefined) {
      const brokers = context.metadata?.brokers;
      const ids: number[] = [];
      let all = true;
      for (let i = 0; i < meta.partitions.length; i++) {
        const leader = meta.partitions[i]?.leader ?? -1;
        if (leader >= 0 && (brokers === undefined || brokers.has(leader))) ids.push(i);
        else all = false;
      }
      if (!all) available = ids;
    }
    const ctx: PartitionContext = {
      topic,
      partitionCount,
      available,
      now: options.now ? options.now() : undefined,
    };
    const vs = valueSize(message.value);
    const record: RecordInfo = {
      key: key ?? null,
      size: vs === undefined ? undefined : (key?.length ?? 0) + vs,
      partition: typeof message.partition === 'number' ? message.partition : undefined,
      value: message.value,
      timestamp: message.timestamp === undefined ? undefined : Number(message.timestamp),
    };
    return p.partition(record, ctx);
  };
  const fn = (
    message: PlatformaticMessageLike,
    key: Buffer | undefined,
    context: { metadata: PlatformaticMetadataLike | undefined },
  ): number => {
    calls++;
    if (fallback === false) return place(message, key, context);
    try {
      return place(message, key, context);
    } catch {
      // Reading metadata or a caller's callback (`partitionCount`, `available`) threw before the
      // fallback-wrapped strategy ran. The send must not fail: Java's keyed rule (exact after the client's
      // modulo), else partition 0.
      return key instanceof Uint8Array ? murmur2(key) & 0x7fffffff : 0;
    }
  };
  return Object.assign(fn, { stats: () => ({ calls, unknownMetadata }) });
}
