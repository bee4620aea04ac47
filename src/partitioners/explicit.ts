/**
 * Explicit partitioning: the producer names the partition. Sources, in order:
 *   1. record.partition (Java `ProducerRecord.partition()` — always wins, as in `KafkaProducer.partition()`);
 *   2. a header (e.g. `x-partition: 7`), for producers that cannot set the partition field;
 *   3. a dotted field of record.value (e.g. `route.partition`).
 * A value that is present but not a partition of the topic is rejected like Java rejects an invalid explicit
 * partition ("Invalid partition given with record"); with `invalid: 'fallback'` it is routed by the fallback
 * instead. Absent everywhere → the fallback (default: murmur2 for keyed, round-robin for keyless).
 */
import { InputError } from '../errors.js';
import { checkPartitionCount, explicitPartition, oneHot } from './common.js';
import { compileSource, fallbackOption } from './routing-common.js';
import { validateFor, type Partitioner, type PartitionContext, type RecordInfo } from './types.js';

export const InvalidPartitionPolicy = { throw: 'throw', fallback: 'fallback' } as const;
export type InvalidPartitionPolicy = (typeof InvalidPartitionPolicy)[keyof typeof InvalidPartitionPolicy];

export interface ExplicitOptions {
  header?: string | undefined;
  field?: string | undefined;
  fallback?: Partitioner | undefined;
  invalid?: InvalidPartitionPolicy | undefined;
  name?: string | undefined;
}

/** Parses a partition number as written in a header/field: decimal digits only ("07" ok, "1.5", "-1", "0x3" not). */
function parsePartition(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) return null;
  return Number(t);
}

export class ExplicitPartitioner implements Partitioner {
  readonly name: string;
  private readonly read: ((r: RecordInfo) => string | undefined) | null;
  private readonly fallback: Partitioner;
  private readonly invalid: InvalidPartitionPolicy;
  fallbacks = 0;

  constructor(options: ExplicitOptions = {}) {
    this.name = options.name ?? 'explicit';
    this.read = options.header === undefined && options.field === undefined ? null : compileSource(options);
    this.fallback = fallbackOption(options.fallback);
    this.invalid = options.invalid ?? 'throw';
  }

  partition(record: RecordInfo, ctx: PartitionContext): number {
    checkPartitionCount(ctx.partitionCount);
    const p = explicitPartition(record, ctx);
    if (p >= 0) return p;
    if (this.read !== null) {
      const raw = this.read(record);
      const q = parsePartition(raw);
      if (q !== undefined) {
        if (q !== null && q < ctx.partitionCount) return q;
        if (this.invalid === 'throw') {
          throw new InputError(
            `invalid explicit partition "${String(raw)}": topic has ${ctx.partitionCount} partitions`,
            'E_PARTITION',
          );
        }
      }
    }
    this.fallbacks++;
    return this.fallback.partition(record, ctx);
  }

  validate(partitionCount: number): void {
    validateFor(this.fallback, partitionCount);
  }

  score(record: RecordInfo, ctx: PartitionContext): Float64Array {
    return oneHot(ctx.partitionCount, this.partition(record, ctx));
  }
}
