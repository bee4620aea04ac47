/**
 * Lag in seconds from offsets, the way kafka-lag-exporter does it (LookupTable.scala): keep a sliding table of
 * (log-end offset, time) points per partition, then ask "when was the log end at the committed offset?" by
 * linear interpolation between the two surrounding points, or by extrapolation along the whole table's trend
 * when the committed offset is older than the table. Lag seconds = now − that time.
 *
 * Matched details: out-of-order or decreasing points are dropped; flat lines (no new records) are compressed
 * to their first and latest point, so the table keeps history instead of filling with one offset; a committed
 * offset equal to the newest end offset means zero lag; fewer than two points means no estimate.
 */

export interface OffsetTimePoint {
  offset: number;
  /** ms since epoch. */
  time: number;
}

/** kafka-lag-exporter's default lookup table size. */
export const DEFAULT_LOOKUP_TABLE_SIZE = 60;

export class OffsetTimeTable {
  private readonly points: OffsetTimePoint[] = [];

  constructor(private readonly limit = DEFAULT_LOOKUP_TABLE_SIZE) {
    if (!(limit >= 2)) throw new RangeError('lookup table needs room for at least 2 points');
  }

  get length(): number {
    return this.points.length;
  }

  dump(): readonly OffsetTimePoint[] {
    return this.points.slice();
  }

  add(point: OffsetTimePoint): void {
    const last = this.points[this.points.length - 1];
    if (last) {
      if (last.time >= point.time) return; // out of order
      if (last.offset > point.offset) return; // not monotonic (log truncated/recreated): ignore, like the exporter
      const prev = this.points[this.points.length - 2];
      if (last.offset === point.offset && prev && prev.offset === point.offset) {
        // Flat line: move its right end instead of adding a point.
        this.points[this.points.length - 1] = point;
        return;
      }
    }
    if (this.points.length === this.limit) this.points.shift();
    this.points.push(point);
  }

  /** Estimated time (ms) at which the log end was `offset`; 'zero' when it is the newest end; undefined if unknown. */
  lookup(offset: number): { time: number; extrapolated: boolean } | 'zero' | undefined {
    const last = this.points[this.points.length - 1];
    if (!last) return undefined;
    if (offset >= last.offset) return 'zero';
    if (this.points.length < 2) return undefined;
    let left: OffsetTimePoint | undefined;
    let right: OffsetTimePoint | undefined;
    let extrapolated = false;
    // Newest segment first, as the exporter searches (reverse iterator).
    for (let i = this.points.length - 1; i > 0; i--) {
      const r = this.points[i]!;
      const l = this.points[i - 1]!;
      if (offset >= l.offset && offset <= r.offset && r.offset > l.offset) {
        left = l;
        right = r;
        break;
      }
    }
    if (!left || !right) {
      extrapolated = true;
      left = this.points[0]!;
      right = last;
    }
    const dy = right.offset - left.offset;
    // A table that never moved has no trend to extrapolate along.
    if (dy <= 0) return undefined;
    const dx = right.time - left.time;
    return { time: right.time - ((right.offset - offset) * dx) / dy, extrapolated };
  }

  /** Seconds of lag for a committed offset at time `now` (>= 0), or undefined when it cannot be estimated. */
  lagSeconds(committedOffset: number, now: number): number | undefined {
    const r = this.lookup(committedOffset);
    if (r === undefined) return undefined;
    if (r === 'zero') return 0;
    return Math.max(0, (now - r.time) / 1000);
  }
}
