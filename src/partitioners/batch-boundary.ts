/**
 * When does a keyless sticky partition end? Java decides by bytes: `BuiltInPartitioner.updatePartitionInfo`
 * switches once `batch.size` bytes (default 16384) were appended to the sticky partition (KIP-480/KIP-794;
 * with a full batch it is exactly then, at the latest at 2 × batch.size). librdkafka decides by time:
 * `sticky.partitioning.linger.ms` (default 10). KafkaJS has neither notion — a `send()` call is the only
 * grouping it knows — so kpart's sticky strategies take all three limits and switch at the first one reached:
 *
 *   batchSize        bytes per sticky partition (default 16384, Java's batch.size). A record's size is
 *                    RecordInfo.size, which the adapters set to key + value bytes (Java counts the encoded
 *                    record, a few bytes more per record); a record without a size counts as
 *                    `assumedRecordSize` bytes (default 100) so callers that know nothing still rotate.
 *   batchRecords     records per sticky partition (default 0 = off): for workloads measured in records.
 *   lingerMs         milliseconds per sticky partition (default 0 = off), like librdkafka's rule; uses
 *                    PartitionContext.now (else Date.now()).
 *
 * Like Java, the record that reaches the limit still goes to the current partition; the next one switches.
 */
import { numberOption } from './common.js';

export interface BatchBoundaryOptions {
  /** Java `batch.size`: bytes to a sticky partition before switching (default 16384; 0 = no byte limit). */
  batchSize?: number;
  /** Records to a sticky partition before switching (default 0 = no record limit). */
  batchRecords?: number;
  /** Milliseconds a sticky partition is kept (default 0 = no time limit), librdkafka-style. */
  lingerMs?: number;
  /** Bytes counted for a record whose `size` is unknown (default 100). */
  assumedRecordSize?: number;
}

export interface ResolvedBatchBoundary {
  batchSize: number;
  batchRecords: number;
  lingerMs: number;
  assumedRecordSize: number;
}

export const DEFAULT_BATCH_SIZE = 16384;
export const DEFAULT_ASSUMED_RECORD_SIZE = 100;

export function resolveBatchBoundary(o: BatchBoundaryOptions = {}): ResolvedBatchBoundary {
  const r = {
    batchSize: o.batchSize ?? DEFAULT_BATCH_SIZE,
    batchRecords: o.batchRecords ?? 0,
    lingerMs: o.lingerMs ?? 0,
    assumedRecordSize: o.assumedRecordSize ?? DEFAULT_ASSUMED_RECORD_SIZE,
  };
  for (const [k, v] of Object.entries(r)) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${k} must be a finite number >= 0, got ${v}`);
  }
  if (r.batchSize === 0 && r.batchRecords === 0 && r.lingerMs === 0) {
    throw new RangeError('a sticky strategy needs at least one of batchSize, batchRecords, lingerMs > 0');
  }
  return r;
}

/** Reads batch-boundary options from registry StrategyOptions (numbers or numeric strings). */
export function batchBoundaryFromOptions(options: Readonly<Record<string, unknown>>): BatchBoundaryOptions {
  return {
    batchSize: numberOption(options, 'batchSize', DEFAULT_BATCH_SIZE, 0, true),
    batchRecords: numberOption(options, 'batchRecords', 0, 0, true),
    lingerMs: numberOption(options, 'lingerMs', 0, 0),
    assumedRecordSize: numberOption(options, 'assumedRecordSize', DEFAULT_ASSUMED_RECORD_SIZE, 0),
  };
}

/** Per-topic sticky bookkeeping: the current partition and what went there since it was chosen. */
export interface StickySlot {
  partition: number;
  bytes: number;
  records: number;
  chosenAt: number;
}

export function newSlot(): StickySlot {
  return { partition: -1, bytes: 0, records: 0, chosenAt: 0 };
}

/** True when the slot's time limit ran out before placing a record at `now`. */
export function timeExpired(b: ResolvedBatchBoundary, slot: StickySlot, now: number): boolean {
  return b.lingerMs > 0 && now - slot.chosenAt >= b.lingerMs;
}

/** Accounts one record placed on the slot; returns true when the slot is now full (switch before the next). */
export function accountRecord(b: ResolvedBatchBoundary, slot: StickySlot, size: number | undefined): boolean {
  slot.bytes += size === undefined || !(size >= 0) ? b.assumedRecordSize : size;
  slot.records += 1;
  return (
    (b.batchSize > 0 && slot.bytes >= b.batchSize) || (b.batchRecords > 0 && slot.records >= b.batchRecords)
  );
}
