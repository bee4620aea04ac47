/**
 * Burrow's partition evaluator (linkedin/Burrow core/internal/evaluator/caching.go, `calculatePartitionStatus`),
 * over a window of committed-offset observations. No thresholds, only the shape of the window:
 *   1. lag zero at any point in the window, or no current lag  → OK (the other rules are skipped)
 *   2. committed offset ever goes backwards                    → REWIND
 *   3. no commit for longer than the window spans              → STOP
 *   4. committed offset never moves (and lag > 0)              → STALL
 *   5. offsets move but lag never decreases                    → WARN
 *   otherwise                                                  → OK
 * Checked in that order (worst first), exactly like Burrow.
 *
 * Where kpart differs, and why:
 *   - Burrow reads commits from __consumer_offsets, so each window entry carries the commit's own timestamp.
 *     kpart reads committed offsets with OffsetFetch, which carries no timestamp: one entry is recorded per
 *     poll, stamped with the poll time. Rule 3 therefore cannot see "no commits" from timestamps alone (a poll
 *     always looks fresh). kpart applies rule 3 when the caller knows the group has no live member
 *     (`groupActive === false`, from DescribeGroups when the cluster supports it): a consumer that is gone
 *     stopped committing by definition. Without that knowledge a dead consumer reads as STALL, like a stuck one.
 *   - Burrow evaluates even a single entry (and a lone old commit reads as STOP). kpart needs `minSamples`
 *     entries (default 2) before it reports anything but OK, and says how complete the window is, like
 *     Burrow's `complete` field.
 */
import { LagStatus } from './types.js';

/** One entry of the window: the committed offset and the lag at the time it was observed. */
export interface OffsetObservation {
  /** When observed (ms since epoch). */
  at: number;
  /** Committed offset (>= 0). */
  offset: number;
  /** Log-end offset minus committed offset at that time. */
  lag: number;
}

export interface BurrowOptions {
  /** Entries below which the status stays OK (window too short to judge). Default 2. */
  minSamples?: number;
  /** Window length Burrow would keep (its `intervals`, default 10); sets `complete`. */
  windowSize?: number;
  /** False when the group is known to have no active member (enables rule 3, STOP). */
  groupActive?: boolean;
}

export interface BurrowResult {
  status: LagStatus;
  /** Fraction of the window filled (Burrow's `complete`), 0..1. */
  complete: number;
  /** Which rule decided, for humans ("lag was zero in the window", ...). */
  reason: string;
}

export const BURROW_DEFAULT_WINDOW = 10;

/** Evaluates one partition. `window` is oldest first; `currentLag` is the lag now. */
export function evaluateBurrow(
  window: readonly OffsetObservation[],
  currentLag: number,
  options: BurrowOptions = {},
): BurrowResult {
  const size = options.windowSize ?? BURROW_DEFAULT_WINDOW;
  const minSamples = options.minSamples ?? 2;
  const complete = Math.min(1, window.length / size);
  if (window.length === 0) return { status: LagStatus.OK, complete, reason: 'no committed offsets observed' };
  // Rule 1: Burrow skips every other check when there is no current lag or the lag touched zero in the window.
  if (currentLag <= 0) return { status: LagStatus.OK, complete, reason: 'no current lag' };
  if (window.some((o) => o.lag === 0))
    return { status: LagStatus.OK, complete, reason: 'lag was zero within the window' };
  if (window.length < minSamples)
    return {
      status: LagStatus.OK,
      complete,
      reason: `window has ${window.length} of ${minSamples} entries needed`,
    };
  // Rule 2.
  for (let i = 1; i < window.length; i++) {
    if (window[i]!.offset < window[i - 1]!.offset)
      return { status: LagStatus.REWIND, complete, reason: 'committed offset went backwards' };
  }
  // Rule 3 (see the header: needs membership knowledge instead of commit timestamps).
  if (options.groupActive === false)
    return { status: LagStatus.STOP, complete, reason: 'group has no active member and lag > 0' };
  // Rule 4.
  let moved = false;
  for (let i = 1; i < window.length; i++) if (window[i]!.offset !== window[i - 1]!.offset) moved = true;
  if (!moved)
    return { status: LagStatus.STALL, complete, reason: 'committed offset did not move while lag > 0' };
  // Rule 5.
  for (let i = 1; i < window.length; i++) {
    if (window[i]!.lag < window[i - 1]!.lag)
      return { status: LagStatus.OK, complete, reason: 'lag decreased within the window' };
  }
  return { status: LagStatus.WARN, complete, reason: 'offsets move but lag never decreased' };
}

/** Severity order, worst last; a group's status is its worst partition's (Burrow's group rollup). */
export const LAG_STATUS_SEVERITY: Readonly<Record<LagStatus, number>> = {
  OK: 0,
  WARN: 1,
  STALL: 2,
  STOP: 3,
  REWIND: 4,
};

export function worstStatus(statuses: Iterable<LagStatus>): LagStatus {
  let worst: LagStatus = LagStatus.OK;
  for (const s of statuses) if (LAG_STATUS_SEVERITY[s] > LAG_STATUS_SEVERITY[worst]) worst = s;
  return worst;
}
