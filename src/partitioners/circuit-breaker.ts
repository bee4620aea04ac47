/**
 * Per-partition circuit breaker for load-aware routing (the closed → open → half-open cycle of Nygard's
 * "Release It!" / Hystrix, with load readings in place of call failures):
 *   closed    — traffic allowed; a reading ≥ `threshold` opens the circuit.
 *   open      — partition excluded until `recoveryMs` after it opened (readings meanwhile do not extend it).
 *   half-open — after the recovery period traffic is allowed again as a probe; the next reading decides:
 *               ≥ threshold → open for another recovery period; < `resetBelow` → closed; in between → stays
 *               half-open (hysteresis, so a partition hovering at the threshold does not flap).
 * Time is passed in (ms), never read from a clock here, so the breaker is deterministic and testable.
 * The breaker only reports; the caller (LoadAwarePartitioner) guarantees at least one partition stays usable
 * (least-loaded fallback) when every partition is open.
 */
import { UsageError } from '../errors.js';

export const BreakerState = { closed: 'closed', open: 'open', halfOpen: 'half-open' } as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

export interface CircuitBreakerOptions {
  /** Load at or above which a closed (or half-open) partition is opened. */
  threshold: number;
  /** How long an opened partition stays excluded, in ms. */
  recoveryMs: number;
  /** A half-open partition closes once a reading is below this (default: threshold). */
  resetBelow?: number | undefined;
}

const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;
const MAX_PARTITIONS = 1 << 20;

export class CircuitBreaker {
  readonly threshold: number;
  readonly recoveryMs: number;
  readonly resetBelow: number;
  private state = new Uint8Array(16);
  private until = new Float64Array(16);
  /** Times a partition was opened (from closed or half-open). */
  trips = 0;
  /** Times a half-open partition closed again. */
  restores = 0;

  constructor(options: CircuitBreakerOptions) {
    const { threshold, recoveryMs, resetBelow = threshold } = options;
    if (!Number.isFinite(threshold))
      throw new UsageError(
        `circuit breaker: threshold must be a finite number, got ${threshold}`,
        'E_STRATEGY_OPTION',
      );
    if (!(Number.isFinite(recoveryMs) && recoveryMs >= 0))
      throw new UsageError(
        `circuit breaker: recoveryMs must be >= 0, got ${recoveryMs}`,
        'E_STRATEGY_OPTION',
      );
    if (!(Number.isFinite(resetBelow) && resetBelow <= threshold))
      throw new UsageError('circuit breaker: resetBelow must be <= threshold', 'E_STRATEGY_OPTION');
    this.threshold = threshold;
    this.recoveryMs = recoveryMs;
    this.resetBelow = resetBelow;
  }

  private ensure(p: number): void {
    if (!(Number.isInteger(p) && p >= 0 && p < MAX_PARTITIONS))
      throw new UsageError(`circuit breaker: bad partition ${p}`, 'E_PARTITION');
    if (p < this.state.length) return;
    let size = this.state.length;
    while (size <= p) size *= 2;
    const s = new Uint8Array(size);
    s.set(this.state);
    const u = new Float64Array(size);
    u.set(this.until);
    this.state = s;
    this.until = u;
  }

  /**
   * State at `now`: an open partition whose recovery period has passed reads as half-open. Queries do not
   * store that transition (a query about a later time must not change how an earlier reading is judged);
   * `record` does.
   */
  private current(p: number, now: number): number {
    const s = this.state[p] ?? CLOSED;
    return s === OPEN && now >= this.until[p]! ? HALF_OPEN : s;
  }

  /** Feeds one load reading of partition p taken at time `at`. */
  record(p: number, load: number, at: number): void {
    if (!Number.isFinite(load)) return;
    this.ensure(p);
    const s = this.current(p, at);
    if (s === HALF_OPEN) this.state[p] = HALF_OPEN;
    if (s === CLOSED) {
      if (load >= this.threshold) this.open(p, at);
    } else if (s === HALF_OPEN) {
      if (load >= this.threshold) this.open(p, at);
      else if (load < this.resetBelow) {
        this.state[p] = CLOSED;
        this.restores++;
      }
    }
  }

  private open(p: number, at: number): void {
    this.state[p] = OPEN;
    this.until[p] = at + this.recoveryMs;
    this.trips++;
  }

  stateOf(p: number, now: number): BreakerState {
    if (p < 0 || p >= this.state.length) return 'closed';
    const s = this.current(p, now);
    return s === OPEN ? 'open' : s === HALF_OPEN ? 'half-open' : 'closed';
  }

  /** True while p is open (excluded). Half-open partitions are allowed (they take probe traffic). */
  isExcluded(p: number, now: number): boolean {
    return p >= 0 && p < this.state.length && this.current(p, now) === OPEN;
  }

  /** Open partitions among 0..partitionCount-1 at `now`, ascending. */
  excluded(partitionCount: number, now: number): number[] {
    const out: number[] = [];
    const m = Math.min(partitionCount, this.state.length);
    for (let p = 0; p < m; p++) if (this.current(p, now) === OPEN) out.push(p);
    return out;
  }

  /** Time at which an open partition becomes half-open (undefined unless open). */
  reopensAt(p: number, now: number): number | undefined {
    return this.isExcluded(p, now) ? this.until[p] : undefined;
  }

  reset(): void {
    this.state.fill(CLOSED);
    this.until.fill(0);
  }
}
