/**
 * KafkaJS adapter: turns any kpart Partitioner (or strategy spec) into KafkaJS's `createPartitioner`
 * factory, `() => ({ topic, partitionMetadata, message }) => number`.
 *
 *   const producer = kafka.producer({ createPartitioner: createPartitioner('murmur2_random') });
 *
 * Mapping (KafkaJS 2.x `producer/groupMessagesPerPartition.js` calls the partitioner once per message):
 *   - partitionCount = partitionMetadata.length (all partitions, as Java hashes keys over all of them);
 *   - available = partitions whose `leader >= 0` (what KafkaJS's own DefaultPartitioner treats as available),
 *     or what `options.available` returns (e.g. from kpart's topology probe, which also notices leaders that
 *     are listed but unreachable);
 *   - an explicit `message.partition` wins (KafkaJS's DefaultPartitioner does the same);
 *   - key: a string is hashed as its UTF-8 bytes, a Buffer as is, null/undefined = no key (other values are
 *     stringified, as KafkaJS's murmur2 does);
 *   - size = key bytes + value bytes (drives the sticky strategies' batch boundary, see docs/partitioners.md).
 * By default the strategy is wrapped in `withFallback`, so a strategy error never fails `producer.send()`.
 */
import type { ICustomPartitioner, Message, PartitionerArgs, PartitionMetadata } from 'kafkajs';
import { createStrategy, type StrategyOptions } from '../partitioners/registry.js';
import type { Partitioner, PartitionContext, RecordInfo } from '../partitioners/types.js';
import { withFallback, type FallbackOptions } from '../partitioners/wrappers.js';

export interface KafkaJsAdapterOptions {
  /** Options for a strategy given by spec (ignored when a Partitioner instance is given). */
  strategyOptions?: StrategyOptions;
  /**
   * Available partitions of a topic, ascending; return undefined to use the metadata's leaders. Lets callers
   * exclude partitions whose leader is listed but down.
   */
  available?: (
    topic: string,
    partitionMetadata: readonly PartitionMetadata[],
  ) => readonly number[] | undefined;
  /** Wrap in withFallback (default true): never throw in the send path. `false` lets errors through. */
  fallback?: boolean | FallbackOptions;
  /** Maps the raw message value to RecordInfo.value (e.g. JSON.parse for field routing). Default: raw value. */
  decodeValue?: (value: Message['value'], message: Message) => unknown;
  /** Clock for time-based strategies (default Date.now). */
  now?: () => number;
}

export type KafkaJsPartitionerFn = (args: PartitionerArgs) => number;

/** Available partitions from KafkaJS metadata: leader >= 0, ascending; undefined when all are available. */
export function availableFromMetadata(partitionMetadata: readonly PartitionMetadata[]): number[] | undefined {
  let all = true;
  for (const p of partitionMetadata) if (!(p.leader >= 0)) all = false;
  if (all) return undefined;
  return partitionMetadata
    .filter((p) => p.leader >= 0)
    .map((p) => p.partitionId)
    .sort((a, b) => a - b);
}

function byteLength(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (v instanceof Uint8Array) return v.length;
  return Buffer.byteLength(String(v), 'utf8');
}

function headersOf(h: Message['headers']): RecordInfo['headers'] {
  if (h === undefined || h === null || typeof h !== 'object') return undefined;
  const out: Record<string, string | Uint8Array | undefined> = {};
  for (const [k, v] of Object.entries(h))
    out[k] = Array.isArray(v) ? (v[0] as string | Buffer | undefined) : (v as string | Buffer | undefined);
  return out;
}

/** The per-producer partition function for one Partitioner instance. */
export function kafkaJsPartitionFunction(
  partitioner: Partitioner,
  options: KafkaJsAdapterOptions = {},
): KafkaJsPartitionerFn {
  const fallback = options.fallback ?? true;
  const p = fallback === false ? partitioner : withFallback(partitioner, fallback === true ? {} : fallback);
  const availableOverride = options.available;
  const decode = options.decodeValue;
  const now = options.now;
  // KafkaJS hands the same partitionMetadata array until a metadata refresh: derive availability once per array.
  const availCache = new WeakMap<readonly PartitionMetadata[], { v: readonly number[] | undefined }>();
  let lastMetadata: readonly PartitionMetadata[] | null = null; // one-entry cache in front of the WeakMap
  let lastAvailable: readonly number[] | undefined;
  const place = ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    let available: readonly number[] | undefined;
    if (availableOverride) {
      available = availableOverride(topic, partitionMetadata) ?? availableFromMetadata(partitionMetadata);
    } else {
      if (partitionMetadata === lastMetadata) {
        available = lastAvailable;
      } else {
        let c = availCache.get(partitionMetadata);
        if (c === undefined) {
          c = { v: availableFromMetadata(partitionMetadata) };
          availCache.set(partitionMetadata, c);
        }
        available = c.v;
        lastMetadata = partitionMetadata;
        lastAvailable = available;
      }
    }
    const ctx: PartitionContext = {
      topic,
      partitionCount: partitionMetadata.length,
      available,
      now: now ? now() : undefined,
    };
    const rawKey = message.key;
    const key =
      rawKey === null || rawKey === undefined
        ? null
        : typeof rawKey === 'string' || rawKey instanceof Uint8Array
          ? rawKey
          : String(rawKey);
    const record: RecordInfo = {
      key,
      size: byteLength(key) + byteLength(message.value),
      partition: message.partition === null ? undefined : message.partition,
      value: decode ? decode(message.value, message) : message.value,
      timestamp: message.timestamp === undefined ? undefined : Number(message.timestamp),
      headers: headersOf(message.headers),
    };
    return p.partition(record, ctx);
  };
  if (fallback === false) return place;
  return (args: PartitionerArgs): number => {
    try {
      return place(args);
    } catch {
      // Building the record or context threw before the (fallback-wrapped) strategy ran: a throwing
      // `available` or `decodeValue` callback, headers that are not an object, a key that cannot be
      // stringified... The send must not fail: place the bare record (key, explicit partition) instead.
      const m = args?.message;
      const key = m?.key;
      const partition = m?.partition;
      return p.partition(
        {
          key: typeof key === 'string' || key instanceof Uint8Array ? key : null,
          partition: typeof partition === 'number' ? partition : undefined,
        },
        { topic: args?.topic, partitionCount: args?.partitionMetadata?.length ?? 0 },
      );
    }
  };
}

/**
 * KafkaJS `createPartitioner` factory. With a spec (e.g. "murmur2", "adaptive", "salted:8") each producer
 * gets its own strategy instance; with a Partitioner instance every producer shares that instance (so you can
 * keep pushing load signals into it).
 */
export function createPartitioner(
  strategy: Partitioner | string,
  options: KafkaJsAdapterOptions = {},
): ICustomPartitioner {
  return () => {
    const instance =
      typeof strategy === 'string' ? createStrategy(strategy, options.strategyOptions ?? {}) : strategy;
    return kafkaJsPartitionFunction(instance, options);
  };
}
