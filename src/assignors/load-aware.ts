/**
 * Load-aware assignor (beyond Java): partitions carry weights (bytes/s, records/s, lag...) and the goal is
 * to minimise the most loaded member's total weight, then keep as many valid previous owners as possible.
 *
 * Algorithm:
 *   1. A from-scratch reference: LPT (longest processing time first: heaviest partition to the least loaded
 *      eligible member) followed by local search (moves, then pairwise swaps, that lower the maximum).
 *   2. A sticky candidate: each member keeps its valid owned partitions, heaviest first, while its load stays
 *      within the reference's maximum; the rest are placed LPT-style; the same local search follows.
 *   3. The sticky candidate wins unless its maximum load exceeds the reference's by more than `tolerance`
 *      (default 2 %); otherwise the reference is used.
 * Ownership claims are validated like the sticky assignor (newest generation only, conflicts dropped).
 */
import { compileGroup, toAssignment, validOwnership, type CompiledGroup } from './model.js';
import type { AssignmentResult, GroupDescription } from './types.js';

/** Max (partitions of the busiest member × all partitions) for one swap scan. */
const SWAP_SCAN_BUDGET = 20_000_000;

export interface LoadAwareOptions {
  /**
   * Accept the sticky result when its max load is at most (1 + tolerance) × the from-scratch one. Default
   * 0.02: moving a partition costs a pause and a state warm-up, so a 2 % better maximum does not justify
   * reshuffling the group.
   */
  tolerance?: number;
  /** Upper bound on local-search improvement steps. Default 20 × partitions. */
  maxSteps?: number;
}

export interface LoadStats {
  /** Member id → total weight assigned. */
  loads: Record<string, number>;
  max: number;
  mean: number;
  /** max / mean (1 = perfectly even; 0 when there is no load). */
  maxToMean: number;
}

export interface LoadAwareResult extends AssignmentResult {
  stats: LoadStats;
}

/** Weight of every global partition: group weights, overridden by member-reported weights; default 1. */
export function partitionWeights(g: CompiledGroup): Float64Array {
  const w = new Float64Array(g.totalPartitions).fill(1);
  const apply = (src: Readonly<Record<string, readonly number[]>> | undefined): void => {
    if (!src) return;
    for (const [topic, ws] of Object.entries(src)) {
      const t = g.topicIndex.get(topic);
      if (t === undefined) continue;
      const base = g.topicStart[t]!;
      const n = g.topicStart[t + 1]! - base;
      for (let p = 0; p < Math.min(n, ws.length); p++) w[base + p] = ws[p]!;
    }
  };
  apply(g.group.weights);
  for (const m of g.members) apply(m.weights);
  return w;
}

export function loadAwareAssign(group: GroupDescription, options: LoadAwareOptions = {}): LoadAwareResult {
  const g = compileGroup(group);
  const w = partitionWeights(g);
  const owner = loadAwareOwners(g, w, options);
  return { assignment: toAssignment(g, owner), stats: loadStats(g, owner, w) };
}

export function loadStats(g: CompiledGroup, owner: Int32Array, w: Float64Array): LoadStats {
  const load = new Float64Array(g.members.length);
  for (let p = 0; p < owner.length; p++) if (owner[p]! >= 0) load[owner[p]!]! += w[p]!;
  const loads: Record<string, number> = {};
  let max = 0;
  let sum = 0;
  for (let m = 0; m < g.members.length; m++) {
    loads[g.memberIds[m]!] = load[m]!;
    max = Math.max(max, load[m]!);
    sum += load[m]!;
  }
  const mean = g.members.length ? sum / g.members.length : 0;
  return { loads, max, mean, maxToMean: mean > 0 ? max / mean : 0 };
}

export function loadAwareOwners(
  g: CompiledGroup,
  w: Float64Array,
  options: LoadAwareOptions = {},
): Int32Array {
  const tolerance = options.tolerance ?? 0.02;
  const maxSteps = options.maxSteps ?? 20 * Math.max(1, g.totalPartitions);
  const reference = place(g, w, new Int32Array(g.totalPartitions).fill(-1));
  improve(g, w, reference, maxSteps);
  const refMax = maxLoad(g, w, reference);

  const valid = validOwnership(g);
  const T = g.topicNames.length;
  const sticky = new Int32Array(g.totalPartitions).fill(-1);
  const load = new Float64Array(g.members.length);
  for (let m = 0; m < g.members.length; m++) {
    const own = Array.from(valid.owned[m]!).filter((p) => g.subscribed[m * T + g.partitionTopic[p]!] === 1);
    own.sort((a, b) => w[b]! - w[a]! || a - b);
    for (const p of own) {
      if (load[m]! + w[p]! <= refMax + 1e-9) {
        sticky[p] = m;
        load[m]! += w[p]!;
      }
    }
  }
  place(g, w, sticky);
  improve(g, w, sticky, maxSteps, valid.prevOwner);
  return maxLoad(g, w, sticky) <= refMax * (1 + tolerance) + 1e-9 ? sticky : reference;
}

function maxLoad(g: CompiledGroup, w: Float64Array, owner: Int32Array): number {
  const load = new Float64Array(g.members.length);
  for (let p = 0; p < owner.length; p++) if (owner[p]! >= 0) load[owner[p]!]! += w[p]!;
  let max = 0;
  for (const l of load) max = Math.max(max, l);
  return max;
}

/** LPT: unplaced partitions, heaviest first, each to the least-loaded subscriber (ties: fewer partitions, index). */
function place(g: CompiledGroup, w: Float64Array, owner: Int32Array): Int32Array {
  const M = g.members.length;
  const load = new Float64Array(M);
  const count = new Int32Array(M);
  for (let p = 0; p < owner.length; p++) {
    if (owner[p]! >= 0) {
      load[owner[p]!]! += w[p]!;
      count[owner[p]!]!++;
    }
  }
  const todo: number[] = [];
  for (let p = 0; p < owner.length; p++)
    if (owner[p] === -1 && g.subscribers[g.partitionTopic[p]!]!.length > 0) todo.push(p);
  todo.sort((a, b) => w[b]! - w[a]! || a - b);
  // One lazy min-heap of subscribers per topic, keyed by load: O(P log M) instead of a scan per partition.
  const heaps: (LoadHeap | undefined)[] = [];
  for (const p of todo) {
    const t = g.partitionTopic[p]!;
    let heap = heaps[t];
    if (!heap) {
      heap = heaps[t] = new LoadHeap(load);
      for (const m of g.subscribers[t]!) heap.push(m);
    }
    const best = heap.popMin();
    owner[p] = best;
    load[best]! += w[p]!;
    count[best]!++;
    heap.push(best);
  }
  return owner;
}

/** Lazy binary min-heap of members keyed by (load, index); stale keys are refreshed on pop. */
class LoadHeap {
  private readonly ms: number[] = [];
  private readonly ks: number[] = [];
  constructor(private readonly load: Float64Array) {}
  push(m: number): void {
    this.ms.push(m);
    this.ks.push(this.load[m]!);
    let i = this.ms.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  popMin(): number {
    for (;;) {
      const m = this.ms[0]!;
      const k = this.ks[0]!;
      const lastM = this.ms.pop()!;
      const lastK = this.ks.pop()!;
      if (this.ms.length > 0) {
        this.ms[0] = lastM;
        this.ks[0] = lastK;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let s = i;
          if (l < this.ms.length && this.less(l, s)) s = l;
          if (r < this.ms.length && this.less(r, s)) s = r;
          if (s === i) break;
          this.swap(i, s);
          i = s;
        }
      }
      if (k === this.load[m]) return m;
      this.push(m);
    }
  }
  private less(a: number, b: number): boolean {
    const ka = this.ks[a]!;
    const kb = this.ks[b]!;
    return ka < kb || (ka === kb && this.ms[a]! < this.ms[b]!);
  }
  private swap(a: number, b: number): void {
    const tm = this.ms[a]!;
    this.ms[a] = this.ms[b]!;
    this.ms[b] = tm;
    const tk = this.ks[a]!;
    this.ks[a] = this.ks[b]!;
    this.ks[b] = tk;
  }
}

/**
 * Local search on the most loaded member: move one of its partitions to an eligible member, or swap one of
 * its partitions with a lighter one of another member, choosing the step that lowers the pair's maximum the
 * most (ties: keep partitions with their previous owner). Stops when no step lowers the maximum.
 */
function improve(
  g: CompiledGroup,
  w: Float64Array,
  owner: Int32Array,
  maxSteps: number,
  prevOwner?: Int32Array,
): void {
  const M = g.members.length;
  const T = g.topicNames.length;
  if (M < 2) return;
  const load = new Float64Array(M);
  const parts: number[][] = Array.from({ length: M }, () => []);
  for (let p = 0; p < owner.length; p++) {
    const m = owner[p]!;
    if (m >= 0) {
      load[m]! += w[p]!;
      parts[m]!.push(p);
    }
  }
  const eps = 1e-9;
  let minW = Infinity;
  let maxW = -Infinity;
  for (let p = 0; p < owner.length; p++) {
    minW = Math.min(minW, w[p]!);
    maxW = Math.max(maxW, w[p]!);
  }
  const uniform = maxW - minW <= eps;
  for (let step = 0; step < maxSteps; step++) {
    let a = 0;
    for (let m = 1; m < M; m++) if (load[m]! > load[a]!) a = m;
    const la = load[a]!;
    // Best step from a. Steps that only move partitions a did not own before the rebalance (tier 0) win over
    // steps that take a partition from its previous owner (tier 1) whenever any of them lowers the maximum.
    let bestTier = 2;
    let bestGain = eps;
    let bestKind = 0; // 1 move, 2 swap
    let bp = -1;
    let bq = -1;
    let bb = -1;
    const consider = (tier: number, gain: number, kind: number, p: number, q: number, b: number): void => {
      if (gain <= eps) return;
      if (tier < bestTier || (tier === bestTier && gain > bestGain)) {
        bestTier = tier;
        bestGain = gain;
        bestKind = kind;
        bp = p;
        bq = q;
        bb = b;
      }
    };
    for (const p of parts[a]!) {
      const t = g.partitionTopic[p]!;
      for (const b of g.subscribers[t]!) {
        if (b === a) continue;
        const newMax = Math.max(la - w[p]!, load[b]! + w[p]!);
        consider(prevOwner && prevOwner[p] === a ? 1 : 0, la - newMax, 1, p, -1, b);
      }
    }
    if ((bestKind === 0 || bestTier > 0) && !uniform && parts[a]!.length * owner.length <= SWAP_SCAN_BUDGET) {
      // Swaps: only scanned when no move of a "new" partition helps, weights differ (with equal weights a
      // swap changes nothing) and the scan stays bounded.
      for (let b = 0; b < M; b++) {
        if (b === a) continue;
        for (const p of parts[a]!) {
          const tp = g.partitionTopic[p]!;
          if (g.subscribed[b * T + tp] === 0) continue;
          for (const q of parts[b]!) {
            const d = w[p]! - w[q]!;
            if (d <= eps) continue;
            if (g.subscribed[a * T + g.partitionTopic[q]!] === 0) continue;
            const newMax = Math.max(la - d, load[b]! + d);
            const tier = prevOwner && (prevOwner[p] === a || prevOwner[q] === b) ? 1 : 0;
            consider(tier, la - newMax, 2, p, q, b);
          }
        }
      }
    }
    if (bestKind === 0) return;
    const remove = (m: number, p: number): void => {
      const l = parts[m]!;
      const i = l.indexOf(p);
      l[i] = l[l.length - 1]!;
      l.pop();
    };
    remove(a, bp);
    parts[bb]!.push(bp);
    owner[bp] = bb;
    load[a]! -= w[bp]!;
    load[bb]! += w[bp]!;
    if (bestKind === 2) {
      remove(bb, bq);
      parts[a]!.push(bq);
      owner[bq] = a;
      load[bb]! -= w[bq]!;
      load[a]! += w[bq]!;
    }
  }
}
