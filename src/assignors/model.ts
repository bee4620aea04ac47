/**
 * The indexed form of a group every assignor works on. Partitions become integers ("global ids": topics
 * sorted by name, partitions ascending, so `topicStart[t] + p`), members become indexes in Java's
 * `MemberInfo` order, and ownership lives in typed arrays: no per-partition objects or strings on hot paths,
 * which is what lets the sticky assignor handle a million partitions in well under two seconds.
 */
import { InputError } from '../errors.js';
import type { Assignment, GroupDescription, GroupMember, PerPartition } from './types.js';

/** Java's `AbstractStickyAssignor.DEFAULT_GENERATION`: a claim without a generation. */
export const DEFAULT_GENERATION = -1;

export interface CompiledGroup {
  readonly group: GroupDescription;
  /** Members in Java `MemberInfo` order: static members (by instance id) first, then by member id. */
  readonly members: readonly GroupMember[];
  readonly memberIds: readonly string[];
  readonly topicNames: readonly string[];
  readonly topicIndex: ReadonlyMap<string, number>;
  /** topicStart[t] = global id of partition 0 of topic t; topicStart[T] = total partitions. */
  readonly topicStart: Int32Array;
  /** Topic index of each global partition id. */
  readonly partitionTopic: Int32Array;
  readonly totalPartitions: number;
  /** Per member: subscribed topic indexes (existing topics only), ascending. */
  readonly subscriptions: readonly Int32Array[];
  /** subscribed[m * T + t] = 1 when member m subscribes to topic t. */
  readonly subscribed: Uint8Array;
  /** Per topic: subscribing member indexes, ascending. */
  readonly subscribers: readonly Int32Array[];
  /** Per member: partitions it reported as owned (existing ones, duplicates removed), in reported order. */
  readonly reportedOwned: readonly Int32Array[];
}

/** Java `MemberInfo.compareTo`: both static → by instance id; a static member sorts first; else by member id. */
export function compareMembers(a: GroupMember, b: GroupMember): number {
  const ai = a.instanceId;
  const bi = b.instanceId;
  if (ai !== undefined && bi !== undefined) return ai < bi ? -1 : ai > bi ? 1 : cmp(a.id, b.id);
  if (ai !== undefined) return -1;
  if (bi !== undefined) return 1;
  return cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  // JS string comparison is by UTF-16 code units, like Java's String.compareTo.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function validateGroup(group: GroupDescription): void {
  if (group === null || typeof group !== 'object') throw new InputError('group must be an object');
  if (group.topics === null || typeof group.topics !== 'object' || Array.isArray(group.topics))
    throw new InputError('group "topics" must be an object of topic → partition count');
  for (const [t, n] of Object.entries(group.topics)) {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new InputError(
        `topic "${t}" must have a non-negative integer partition count, got ${JSON.stringify(n)}`,
      );
  }
  if (!Array.isArray(group.members)) throw new InputError('group "members" must be an array');
  const seen = new Set<string>();
  for (const m of group.members) {
    if (m === null || typeof m !== 'object' || typeof m.id !== 'string' || m.id === '')
      throw new InputError('every member needs a non-empty string "id"');
    if (seen.has(m.id)) throw new InputError(`duplicate member id "${m.id}"`);
    seen.add(m.id);
    if (!Array.isArray(m.topics) || (m.topics as unknown[]).some((t) => typeof t !== 'string'))
      throw new InputError(`member "${m.id}" needs "topics": an array of topic names`);
    if (m.instanceId !== undefined && typeof m.instanceId !== 'string')
      throw new InputError(`member "${m.id}" has a non-string instanceId`);
    if (m.rack !== undefined && typeof m.rack !== 'string')
      throw new InputError(`member "${m.id}" has a non-string rack`);
    if (m.generation !== undefined && !Number.isSafeInteger(m.generation))
      throw new InputError(`member "${m.id}" has a non-integer generation`);
    if (m.owned !== undefined)
      checkPerPartition(
        `member "${m.id}" owned`,
        m.owned,
        (x) => Number.isSafeInteger(x) && (x as number) >= 0,
      );
    if (m.weights !== undefined)
      checkPerPartition(
        `member "${m.id}" weights`,
        m.weights,
        (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0,
      );
  }
  if (group.partitionRacks !== undefined) {
    const ok = (x: unknown): boolean => Array.isArray(x) && x.every((r) => typeof r === 'string');
    checkPerPartition('partitionRacks', group.partitionRacks, ok, 'arrays of rack names');
  }
  if (group.weights !== undefined)
    checkPerPartition('weights', group.weights, (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0);
}

/**
 * What the assignors will ignore in a valid group, as Java's do (a subscribed topic missing from the
 * metadata, owned partitions the topic does not have) or fill in (load-aware: partitions without a weight
 * weigh 1). Legitimate in a live group, usually a typo in a hand-written file: `kpart assign` prints
 * these as warnings so nothing is dropped silently. `weights: false` leaves out the weight checks (only the
 * load-aware assignor reads weights).
 */
export function groupWarnings(group: GroupDescription, options: { weights?: boolean } = {}): string[] {
  const weights = options.weights ?? true;
  const out: string[] = [];
  const count = (t: string): number | undefined =>
    Object.prototype.hasOwnProperty.call(group.topics, t) ? group.topics[t] : undefined;
  const missing = new Set<string>();
  for (const m of group.members) {
    for (const t of m.topics) if (count(t) === undefined) missing.add(t);
    for (const [t, ps] of Object.entries(m.owned ?? {})) {
      const n = count(t);
      const outside = ps.filter((p) => n === undefined || p >= n);
      if (outside.length > 0)
        out.push(
          n === undefined
            ? `member "${m.id}" owns partitions of "${t}", which "topics" does not list; ignored`
            : `member "${m.id}" owns ${t} ${outside.join(',')}, beyond its ${n} partitions; ignored`,
        );
    }
    if (weights) weightWarnings(`member "${m.id}" weights`, m.weights, count, out, false);
  }
  for (const t of [...missing].sort())
    out.push(`topic "${t}" is subscribed but not in "topics": nothing of it is assigned`);
  if (weights) weightWarnings('weights', group.weights, count, out, true);
  return out;
}

function weightWarnings(
  what: string,
  weights: PerPartition<number> | undefined,
  count: (t: string) => number | undefined,
  out: string[],
  whole: boolean,
): void {
  for (const [t, ws] of Object.entries(weights ?? {})) {
    const n = count(t);
    if (n === undefined) out.push(`${what} for "${t}", a topic "topics" does not list, are ignored`);
    else if (ws.length > n)
      out.push(`${what}["${t}"] has ${ws.length} values for ${n} partitions; the extra ones are ignored`);
    // Member weights may cover a few partitions on purpose (they override the group's); group weights are
    // meant to cover the topic.
    else if (whole && ws.length < n)
      out.push(`${what}["${t}"] has ${ws.length} values for ${n} partitions; the others weigh 1`);
  }
}

function checkPerPartition(
  what: string,
  v: unknown,
  ok: (x: unknown) => boolean,
  items = 'non-negative numbers',
): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(`${what} must be an object of topic → array`);
  for (const [t, arr] of Object.entries(v as Record<string, unknown>)) {
    if (!Array.isArray(arr) || !arr.every(ok))
      throw new InputError(`${what}["${t}"] must be an array of ${items}`);
  }
}

export function compileGroup(group: GroupDescription): CompiledGroup {
  validateGroup(group);
  const members = [...group.members].sort(compareMembers);
  const topicNames = Object.keys(group.topics).sort(cmp);
  const T = topicNames.length;
  const topicIndex = new Map<string, number>();
  const topicStart = new Int32Array(T + 1);
  for (let t = 0; t < T; t++) {
    topicIndex.set(topicNames[t]!, t);
    topicStart[t + 1] = topicStart[t]! + (group.topics[topicNames[t]!] ?? 0);
  }
  const total = topicStart[T]!;
  const partitionTopic = new Int32Array(total);
  for (let t = 0; t < T; t++) partitionTopic.fill(t, topicStart[t]!, topicStart[t + 1]!);

  const M = members.length;
  const subscribed = new Uint8Array(M * T);
  const subscriptions: Int32Array[] = [];
  const subscriberLists: number[][] = topicNames.map(() => []);
  // Members usually share one topics array (same subscription); resolve each distinct array once.
  const memo = new Map<readonly string[], Int32Array>();
  for (let m = 0; m < M; m++) {
    const topics = members[m]!.topics;
    let sorted = memo.get(topics);
    if (sorted === undefined) {
      const idx = new Set<number>();
      for (const name of topics) {
        const t = topicIndex.get(name);
        if (t !== undefined) idx.add(t);
      }
      sorted = Int32Array.from(idx).sort();
      memo.set(topics, sorted);
    }
    subscriptions.push(sorted);
    for (const t of sorted) {
      subscribed[m * T + t] = 1;
      subscriberLists[t]!.push(m);
    }
  }
  const seen = new Int32Array(total).fill(-1);
  const reportedOwned = members.map((member, m) =>
    ownedToGlobal(member.owned, topicIndex, topicStart, seen, m),
  );
  return {
    group,
    members,
    memberIds: members.map((m) => m.id),
    topicNames,
    topicIndex,
    topicStart,
    partitionTopic,
    totalPartitions: total,
    subscriptions,
    subscribed,
    subscribers: subscriberLists.map((l) => Int32Array.from(l)),
    reportedOwned,
  };
}

function ownedToGlobal(
  owned: PerPartition<number> | undefined,
  topicIndex: ReadonlyMap<string, number>,
  topicStart: Int32Array,
  seen: Int32Array,
  m: number,
): Int32Array {
  if (!owned) return new Int32Array(0);
  let n = 0;
  for (const topic in owned) n += owned[topic]!.length;
  const out = new Int32Array(n);
  let k = 0;
  for (const topic in owned) {
    const ps = owned[topic]!;
    const t = topicIndex.get(topic);
    // Claims on topics that no longer exist (or partitions beyond the count) are dropped, as Java filters
    // owned partitions by `partitionsPerTopic`.
    if (t === undefined) continue;
    const base = topicStart[t]!;
    const count = topicStart[t + 1]! - base;
    for (const p of ps) {
      if (p < 0 || p >= count) continue;
      const g = base + p;
      if (seen[g] === m) continue;
      seen[g] = m;
      out[k++] = g;
    }
  }
  return k === n ? out : out.slice(0, k);
}

/**
 * Valid previous ownership, as Java's `AbstractStickyAssignor.allSubscriptionsEqual` decides it:
 *   - only members of the newest generation count (a missing generation is DEFAULT_GENERATION = -1), so claims
 *     from members that missed a rebalance are discarded;
 *   - a partition claimed by several members of that generation is invalid for all of them (Java logs
 *     "Found multiple consumers ... claiming the same TopicPartition" and drops it from each).
 * Returns per-member valid owned lists (reported order kept), the previous owner per partition (-1 none)
 * and the flag of multiply-claimed partitions.
 */
export interface ValidOwnership {
  owned: Int32Array[];
  prevOwner: Int32Array;
  multiClaimed: Uint8Array;
}

export function validOwnership(g: CompiledGroup): ValidOwnership {
  const M = g.members.length;
  let maxGen = DEFAULT_GENERATION;
  for (const m of g.members) maxGen = Math.max(maxGen, m.generation ?? DEFAULT_GENERATION);
  const prevOwner = new Int32Array(g.totalPartitions).fill(-1);
  const multi = new Uint8Array(g.totalPartitions);
  const current: boolean[] = [];
  for (let m = 0; m < M; m++) {
    const isCurrent = (g.members[m]!.generation ?? DEFAULT_GENERATION) === maxGen;
    current.push(isCurrent);
    if (!isCurrent) continue;
    const own = g.reportedOwned[m]!;
    for (let i = 0; i < own.length; i++) {
      const p = own[i]!;
      if (prevOwner[p] === -1 && multi[p] === 0) prevOwner[p] = m;
      else {
        multi[p] = 1;
        prevOwner[p] = -1;
      }
    }
  }
  const owned: Int32Array[] = [];
  for (let m = 0; m < M; m++) {
    if (!current[m]) {
      owned.push(new Int32Array(0));
      continue;
    }
    const own = g.reportedOwned[m]!;
    let k = 0;
    const out = new Int32Array(own.length);
    for (let i = 0; i < own.length; i++) if (prevOwner[own[i]!] === m) out[k++] = own[i]!;
    owned.push(k === own.length ? out : out.slice(0, k));
  }
  return { owned, prevOwner, multiClaimed: multi };
}

/**
 * Builds the public assignment from an owner array (-1 = unassigned; `skip[p] = 1` leaves p out); partitions
 * come out ascending. Member-major with a counting sort, so each member's object gets its topics in order
 * and no per-partition lookups happen (objects sharing a key sequence also share V8 hidden classes).
 */
export function toAssignment(g: CompiledGroup, owner: Int32Array, skip?: Uint8Array): Assignment {
  const M = g.members.length;
  const P = owner.length;
  const start = new Int32Array(M + 1);
  for (let p = 0; p < P; p++) {
    const m = owner[p]!;
    if (m >= 0 && (skip === undefined || skip[p] === 0)) start[m + 1]!++;
  }
  for (let m = 0; m < M; m++) start[m + 1]! += start[m]!;
  const fill = start.slice(0, M);
  const byMember = new Int32Array(start[M]!);
  for (let p = 0; p < P; p++) {
    const m = owner[p]!;
    if (m >= 0 && (skip === undefined || skip[p] === 0)) byMember[fill[m]!++] = p;
  }
  const out: Assignment = {};
  for (let m = 0; m < M; m++) {
    const rec: Record<string, number[]> = {};
    let i = start[m]!;
    const end = start[m + 1]!;
    while (i < end) {
      const t = g.partitionTopic[byMember[i]!]!;
      const base = g.topicStart[t]!;
      const limit = g.topicStart[t + 1]!;
      const list: number[] = [];
      while (i < end && byMember[i]! < limit) list.push(byMember[i++]! - base);
      setKey(rec, g.topicNames[t]!, list);
    }
    setKey(out, g.memberIds[m]!, rec);
  }
  return out;
}

/** Plain-object assignment that stays safe for a key named "__proto__" (a legal Kafka topic name). */
function setKey<V>(rec: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__')
    Object.defineProperty(rec, key, { value, enumerable: true, writable: true, configurable: true });
  else rec[key] = value;
}

/** Cooperative revocations: what each member reported owning that is not in its new assignment. */
export function revokedFrom(g: CompiledGroup, owner: Int32Array, skip: Uint8Array | undefined): Assignment {
  const out: Assignment = {};
  for (let m = 0; m < g.members.length; m++) {
    const rec: Record<string, number[]> = {};
    const own = g.reportedOwned[m]!;
    for (let i = 0; i < own.length; i++) {
      const p = own[i]!;
      if (owner[p] === m && (skip === undefined || skip[p] === 0)) continue;
      const t = g.partitionTopic[p]!;
      const name = g.topicNames[t]!;
      (rec[name] ??= []).push(p - g.topicStart[t]!);
    }
    for (const list of Object.values(rec)) list.sort((a, b) => a - b);
    setKey(out, g.memberIds[m]!, sortKeys(rec));
  }
  return out;
}

function sortKeys(rec: Record<string, number[]>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const k of Object.keys(rec).sort(cmp)) setKey(out, k, rec[k]!);
  return out;
}

/** True when every member subscribes to the same (existing) topics. */
export function allSubscriptionsEqual(g: CompiledGroup): boolean {
  const first = g.subscriptions[0];
  if (!first) return true;
  for (const s of g.subscriptions) {
    if (s.length !== first.length) return false;
    for (let i = 0; i < s.length; i++) if (s[i] !== first[i]) return false;
  }
  return true;
}
