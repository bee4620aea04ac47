/**
 * Geo routing: the client IP of a record (a header or a dotted field of record.value) is resolved to a region
 * by a pluggable lookup `(ip) => region | undefined` — typically a MaxMind `.mmdb` reader built by
 * `geo-mmdb.ts` (which does the file I/O once, at load time, so this partitioner stays pure). Regions are
 * then routed like field values: mapped regions to their partitions, unmapped regions hashed by name with
 * murmur2 (one partition per region), unknown/absent IPs to the fallback.
 */
import { UsageError } from '../errors.js';
import { checkPartitionCount, explicitPartition, oneHot } from './common.js';
import { ValueRouter, type PartitionMapping } from './field.js';
import { compileSource, fallbackOption } from './routing-common.js';
import { validateFor, type Partitioner, type PartitionContext, type RecordInfo } from './types.js';

/** Resolves an IP address (v4 or v6 text) to a region name; undefined when unknown or not an IP. */
export type GeoLookup = (ip: string) => string | undefined;

export interface GeoOptions {
  lookup: GeoLookup;
  /** Dotted path in record.value holding the client IP (default "ip" when no header is given). */
  ipField?: string | undefined;
  /** Header holding the client IP, e.g. "x-forwarded-for" (its first address is used). */
  ipHeader?: string | undefined;
  /** region → partition(s), e.g. { EU: [0, 1, 2], NA: [3, 4, 5] }. Unmapped regions are hashed by name. */
  regions?: PartitionMapping | undefined;
  /** Partitions unmapped regions are hashed over (default: all). */
  unknownRegions?: readonly number[] | string | undefined;
  /** Where records go when the IP is absent or the lookup does not know it. */
  fallback?: Partitioner | undefined;
  name?: string | undefined;
}

export class GeoPartitioner implements Partitioner {
  readonly name: string;
  private readonly lookup: GeoLookup;
  private readonly readIp: (r: RecordInfo) => string | undefined;
  private readonly router: ValueRouter;
  private readonly fallback: Partitioner;
  /** Records whose region could not be determined (absent IP, unknown address, lookup error). */
  unknown = 0;

  constructor(options: GeoOptions) {
    if (typeof options.lookup !== 'function')
      throw new UsageError('geo: a lookup function (ip) => region is required', 'E_STRATEGY_OPTION');
    this.name = options.name ?? 'geo';
    this.lookup = options.lookup;
    this.readIp = compileSource(
      options.ipField === undefined && options.ipHeader === undefined
        ? { field: 'ip' }
        : { header: options.ipHeader, field: options.ipField },
    );
    this.router = new ValueRouter(options.regions, options.unknownRegions, 'geo regions');
    this.fallback = fallbackOption(options.fallback);
  }

  /** Region of a record, or undefined. X-Forwarded-For style lists use their first (client) address. */
  regionOf(record: RecordInfo): string | undefined {
    let ip = this.readIp(record);
    if (ip === undefined) return undefined;
    const comma = ip.indexOf(',');
    if (comma >= 0) ip = ip.slice(0, comma);
    ip = ip.trim();
    if (ip === '') return undefined;
    try {
      return this.lookup(ip) ?? undefined;
    } catch {
      // A malformed address must not break the send path: treat it as unknown.
      return undefined;
    }
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const explicit = explicitPartition(record, ctx);
    if (explicit >= 0) return explicit;
    const region = this.regionOf(record);
    if (region === undefined) {
      this.unknown++;
      return this.fallback.partition(record, ctx);
    }
    return this.router.route(region, record, ctx, this.name);
  }

  validate(partitionCount: number): void {
    this.router.validate(partitionCount, this.name);
    validateFor(this.fallback, partitionCount);
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return oneHot(ctx.partitionCount, this.partition(record, ctx));
  }
}

/** A lookup from a fixed table, e.g. for tests or a handful of known networks: exact address → region. */
export function tableLookup(table: Readonly<Record<string, string>>): GeoLookup {
  const m = new Map(Object.entries(table));
  return (ip) => m.get(ip);
}
