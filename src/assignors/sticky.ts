/**
 * Java `StickyAssignor` / `CooperativeStickyAssignor` (both on `AbstractStickyAssignor`): the assignment is
 * balanced first (partition counts within one of each other when subscriptions are equal; otherwise no
 * single partition can move to a member with fewer partitions, Java's `isBalanced`), then keeps as many
 * previously owned partitions as possible.
 *
 * Previous ownership is validated like Java's `allSubscriptionsEqual` (see `validOwnership`): stale claims
 * from older generations are discarded and partitions claimed by several members of the newest generation are
 * treated as unowned (and, for the cooperative variant, withheld for one round).
 *
 * Two paths, as in Java:
 *   - equal subscriptions → `constrainedAssign` (KAFKA-12464): one pass over owned partitions with min/max
 *     quotas, then a round-robin fill of the unowned partitions; O(P + M);
 *   - unequal subscriptions → a general path: keep valid owned partitions, place unowned ones on the least
 *     loaded subscriber (fewest-subscriber topics first, like Java's `sortPartitions`), then move partitions
 *     from members with ≥ 2 more partitions to eligible members until Java's `isBalanced` holds. Moves prefer
 *     partitions the member did not own before, so survivors keep theirs whenever balance allows.
 *
 * Both work on integer partition ids and typed arrays only.
 */
import {
  allSubscriptionsEqual,
  compileGroup,
  revokedFrom,
  toAssignment,
  validOwnership,
  type CompiledGroup,
  type ValidOwnership,
} from './model.js';
import type { AssignmentResult, GroupDescription } from './types.js';

export interface StickyTarget {
  /** Target owner per global partition id (-1 when nobody subscribes to its topic). */
  owner: Int32Array;
  /** Partitions changing owner from a previous (valid or stale) claim, or that several members claimed. */
  transferring: Uint8Array;
  valid: ValidOwnership;
}

export function stickyAssign(group: GroupDescription): AssignmentResult {
  const g = compileGroup(group);
  const target = stickyTarget(g);
  return { assignment: toAssignment(g, target.owner) };
}

/**
 * Java `CooperativeStickyAssignor.adjustAssignment`: the sticky target minus the partitions that change
 * owner; the previous owner revokes them now (listed in `revoked`) and they are assigned in the follow-up
 * rebalance that the revoking member triggers.
 */
export function cooperativeStickyAssign(group: GroupDescription): AssignmentResult {
  const g = compileGroup(group);
  const target = stickyTarget(g);
  return {
    assignment: toAssignment(g, target.owner, target.transferring),
    revoked: revokedFrom(g, target.owner, target.transferring),
  };
}

export function stickyTarget(g: CompiledGroup): StickyTarget {
  const valid = validOwnership(g);
  const owner = allSubscriptionsEqual(g) ? constrainedAssign(g, valid) : generalAssign(g, valid);
  const transferring = new Uint8Array(g.totalPartitions);
  for (let p = 0; p < g.totalPartitions; p++) {
    const prev = valid.prevOwner[p]!;
    if ((prev !== -1 && owner[p] !== prev) || (valid.multiClaimed[p] === 1 && owner[p] !== -1))
      transferring[p] = 1;
  }
  // A member of an older generation still reports (and may still consume) what it owned: its claim does not
  // count for the target, but a partition it reports going to a member that did not report it is one it must
  // revoke first, so it is withheld for a round too (Java's computePartitionsTransferringOwnership works on
  // the reported owned partitions; otherwise the leader's validateCooperativeAssignment check fails).
  const M = g.members.length;
  let stale = false;
  for (let m = 0; m < M && !stale; m++) stale = valid.owned[m]!.length !== g.reportedOwned[m]!.length;
  if (stale) {
    const keptByReporter = new Uint8Array(g.totalPartitions);
    for (let m = 0; m < M; m++) {
      const own = g.reportedOwned[m]!;
      for (let i = 0; i < own.length; i++) if (owner[own[i]!] === m) keptByReporter[own[i]!] = 1;
    }
    for (let m = 0; m < M; m++) {
      const own = g.reportedOwned[m]!;
      for (let i = 0; i < own.length; i++) {
        const p = own[i]!;
        if (owner[p] !== -1 && owner[p] !== m && keptByReporter[p] === 0) transferring[p] = 1;
      }
    }
  }
  return { owner, transferring, valid };
}

/**
 * Port of Java's `AbstractStickyAssignor.constrainedAssign` (post KAFKA-12464). Members are visited in
 * member-id order: Java iterates a HashMap over the owned partitions (we pick a fixed order, so the result
 * does not depend on arrival order) and then `Collections.sort`s both unfilled-member lists by member id,
 * not by `group.instance.id`, so static members deal in member-id order too.
 */
function constrainedAssign(g: CompiledGroup, valid: ValidOwnership): Int32Array {
  const M = g.members.length;
  const owner = new Int32Array(g.totalPartitions).fill(-1);
  // Only partitions of subscribed topics take part (the group may list topics nobody subscribes to).
  const topics = g.subscriptions[0] ?? new Int32Array(0);
  let P = 0;
  for (const t of topics) P += g.topicStart[t + 1]! - g.topicStart[t]!;
  if (M === 0 || P === 0) return owner;
  const minQuota = Math.floor(P / M);
  const maxQuota = Math.ceil(P / M);
  const expectedOver = P % M;
  let currentOver = 0;
  const count = new Int32Array(M);
  const under: number[] = [];
  let exact: number[] = [];

  const T = g.topicNames.length;
  for (const m of byMemberId(g)) {
    // Java filters owned partitions to the subscribed topics (`allTopics.contains(tp.topic())`).
    let own = valid.owned[m]!;
    if (own.some((p) => g.subscribed[m * T + g.partitionTopic[p]!] === 0))
      own = own.filter((p) => g.subscribed[m * T + g.partitionTopic[p]!] === 1);
    let keep: number;
    if (own.length < minQuota) {
      keep = own.length;
      under.push(m);
    } else if (own.length >= maxQuota && currentOver < expectedOver) {
      currentOver++;
      if (currentOver === expectedOver) exact = [];
      keep = maxQuota;
    } else {
      keep = minQuota;
      if (currentOver < expectedOver) exact.push(m);
    }
    for (let i = 0; i < keep; i++) owner[own[i]!] = m;
    count[m] = keep;
  }

  // Round-robin fill in partition order: members under minQuota first (Java restarts its iterator over the
  // remaining under-quota list after each pass), then members at exactly minQuota up to maxQuota (FIFO).
  let list = under;
  let pos = 0;
  let next: number[] = [];
  let exactHead = 0;
  for (const t of topics)
    for (let p = g.topicStart[t]!; p < g.topicStart[t + 1]!; p++) {
      if (owner[p] !== -1) continue;
      let m: number;
      let fromUnder = true;
      if (pos < list.length) {
        m = list[pos++]!;
      } else if (next.length > 0) {
        list = next;
        next = [];
        pos = 0;
        m = list[pos++]!;
      } else if (exactHead < exact.length) {
        list = [];
        pos = 0;
        m = exact[exactHead++]!;
        fromUnder = false;
      } else {
        throw new Error('sticky constrainedAssign: no more unfilled consumers (bug)');
      }
      owner[p] = m;
      const c = ++count[m]!;
      if (fromUnder) {
        // Reaching minQuota moves the member to the back of the "exactly minQuota" queue, as in Java.
        if (c === minQuota) exact.push(m);
        else next.push(m);
      } else if (c === maxQuota) {
        currentOver++;
      }
    }
  return owner;
}

/** Member indexes in member-id order (the `MemberInfo` order already is, unless some member is static). */
function byMemberId(g: CompiledGroup): Iterable<number> {
  const idx = Array.from({ length: g.members.length }, (_, m) => m);
  if (g.members.every((m) => m.instanceId === undefined)) return idx;
  const ids = g.memberIds;
  return idx.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
}

/** Lazy binary min-heap of members keyed by (partition count, member index). */
class CountHeap {
  private readonly heap: number[] = [];
  private readonly keyOf: number[] = [];
  constructor(private readonly count: Int32Array) {}
  push(m: number): void {
    const h = this.heap;
    h.push(m);
    this.keyOf.push(this.count[m]!);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(i, parent)) {
        this.swap(i, parent);
        i = parent;
      } else break;
    }
  }
  /** The member with the fewest partitions (entries whose count changed are re-keyed lazily). */
  popMin(): number | undefined {
    for (;;) {
      const h = this.heap;
      if (h.length === 0) return undefined;
      const m = h[0]!;
      const key = this.keyOf[0]!;
      this.removeTop();
      if (key === this.count[m]) return m;
      this.push(m);
    }
  }
  private removeTop(): void {
    const h = this.heap;
    const k = this.keyOf;
    const lastM = h.pop()!;
    const lastK = k.pop()!;
    if (h.length === 0) return;
    h[0] = lastM;
    k[0] = lastK;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let s = i;
      if (l < h.length && this.less(l, s)) s = l;
      if (r < h.length && this.less(r, s)) s = r;
      if (s === i) break;
      this.swap(i, s);
      i = s;
    }
  }
  private less(a: number, b: number): boolean {
    const ka = this.keyOf[a]!;
    const kb = this.keyOf[b]!;
    return ka < kb || (ka === kb && this.heap[a]! < this.heap[b]!);
  }
  private swap(a: number, b: number): void {
    const h = this.heap;
    const k = this.keyOf;
    const tm = h[a]!;
    h[a] = h[b]!;
    h[b] = tm;
    const tk = k[a]!;
    k[a] = k[b]!;
    k[b] = tk;
  }
}

function generalAssign(g: CompiledGroup, valid: ValidOwnership): Int32Array {
  const P = g.totalPartitions;
  const M = g.members.length;
  const T = g.topicNames.length;
  const owner = new Int32Array(P).fill(-1);
  const count = new Int32Array(M);
  // Per (member, topic): the partitions held, so a move can pick one without scanning the topic.
  const held = new Map<number, number[]>();
  const hold = (m: number, p: number): void => {
    const key = m * T + g.partitionTopic[p]!;
    const l = held.get(key);
    if (l) l.push(p);
    else held.set(key, [p]);
    owner[p] = m;
    count[m]!++;
  };
  // 1. keep valid owned partitions the member still subscribes to (Java: "revocationRequired" otherwise).
  for (let m = 0; m < M; m++) {
    const own = valid.owned[m]!;
    for (let i = 0; i < own.length; i++) {
      const p = own[i]!;
      if (g.subscribed[m * T + g.partitionTopic[p]!] === 1) hold(m, p);
    }
  }
  // 2. unowned partitions to the least-loaded subscriber; topics with fewer potential consumers first.
  const topicOrder = Array.from({ length: T }, (_, t) => t).sort(
    (a, b) => g.subscribers[a]!.length - g.subscribers[b]!.length || a - b,
  );
  for (const t of topicOrder) {
    const subs = g.subscribers[t]!;
    if (subs.length === 0) continue;
    let heap: CountHeap | undefined;
    for (let p = g.topicStart[t]!; p < g.topicStart[t + 1]!; p++) {
      if (owner[p] !== -1) continue;
      if (!heap) {
        heap = new CountHeap(count);
        for (const m of subs) heap.push(m);
      }
      const m = heap.popMin()!;
      hold(m, p);
      heap.push(m);
    }
  }
  // 3. balance: while some topic has a holder with ≥ 2 more partitions than one of its subscribers, move one.
  // Each move lowers Σ count², so this terminates; at the end Java's isBalanced holds.
  let changed = true;
  while (changed) {
    changed = false;
    for (let t = 0; t < T; t++) {
      const subs = g.subscribers[t]!;
      if (subs.length < 2) continue;
      for (;;) {
        let minM = -1;
        let maxM = -1;
        for (const m of subs) {
          if (minM === -1 || count[m]! < count[minM]!) minM = m;
          if ((held.get(m * T + t)?.length ?? 0) > 0 && (maxM === -1 || count[m]! > count[maxM]!)) maxM = m;
        }
        if (maxM === -1 || count[maxM]! < count[minM]! + 2) break;
        const list = held.get(maxM * T + t)!;
        // Prefer a partition the donor did not own before this rebalance (keeps stickiness).
        let idx = list.length - 1;
        for (let i = list.length - 1; i >= 0; i--) {
          if (valid.prevOwner[list[i]!] !== maxM) {
            idx = i;
            break;
          }
        }
        const p = list[idx]!;
        list[idx] = list[list.length - 1]!;
        list.pop();
        count[maxM]!--;
        hold(minM, p);
        changed = true;
      }
    }
  }
  return owner;
}
