/**
 * A bounded in-memory history of snapshots per (topic, group), so the dashboard's "lag over time" chart has a
 * past as soon as the page opens (a page that only remembered what it polled itself would start empty).
 * Fed from the source's onSnapshot; one point per successful poll; old points fall off the front.
 */
import type { TopicSnapshot } from '../cluster/types.js';

export interface HistoryPoint {
  /** Poll time, ms since epoch. */
  t: number;
  /** Total lag over the topic's partitions (null when no group is watched). */
  totalLag: number | null;
  /** Per-partition lag by partition index (null entries when unknown). */
  lag: (number | null)[];
  /** Records/s appended over the whole topic. */
  rate: number;
}

export function historyKey(topic: string, group?: string): string {
  return group === undefined ? topic : `${topic}\u0000${group}`;
}

export class SnapshotHistory {
  private readonly points = new Map<string, HistoryPoint[]>();
  constructor(private readonly capacity = 720) {}

  add(s: TopicSnapshot): void {
    // A failed poll carries old data: adding it again would draw a flat line that never happened.
    if (s.stale) return;
    const key = historyKey(s.topic, s.group);
    const list = this.points.get(key) ?? [];
    if (list.length > 0 && list[list.length - 1]!.t >= s.takenAt) return;
    const width = s.partitions.reduce((m, p) => Math.max(m, p.partition + 1), 0);
    const lag: (number | null)[] = new Array<number | null>(width).fill(null);
    let total = 0;
    let anyLag = false;
    let rate = 0;
    for (const p of s.partitions) {
      rate += p.rate;
      if (p.lag !== undefined) {
        lag[p.partition] = p.lag;
        total += p.lag;
        anyLag = true;
      }
    }
    list.push({ t: s.takenAt, totalLag: anyLag ? total : null, lag, rate });
    if (list.length > this.capacity) list.splice(0, list.length - this.capacity);
    this.points.set(key, list);
  }

  get(topic: string, group?: string): HistoryPoint[] {
    return [...(this.points.get(historyKey(topic, group)) ?? [])];
  }
}
