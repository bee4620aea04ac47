/**
 * Streaming heavy hitters: the Space-Saving algorithm (Metwally, Agrawal & El Abbadi, 2005) with `capacity`
 * counters. Guarantees, for a stream of N records:
 *   - every key whose true count exceeds N / capacity is monitored (no false negatives among heavy hitters);
 *   - a monitored key's `count` overestimates its true count by at most its `error` ≤ min counter ≤ N / capacity,
 *     so `count − error ≤ true count ≤ count`.
 * `bytes` is the bytes observed while the key was monitored: a lower bound on its true bytes, exact when
 * error = 0 (the usual case for genuinely hot keys, which enter the summary early and never leave).
 *
 * Each entry also remembers the partition its records landed on per strategy (−1 none yet, −2 more than one),
 * so a report can say "these 3 keys make partition 7 hot".
 *
 * Summaries are mergeable (Agarwal et al., "Mergeable summaries", 2012): merging adds counts, charging a key
 * missing from one side that side's minimum counter, so the bounds above hold for the combined stream with
 * N = N₁ + N₂. `toJSON`/`fromJSON` let worker processes ship their summaries (e.g. through Kafka) to a merger.
 *
 * Internals: keys are kept as UTF-8 bytes in a preallocated arena; an open-addressing table keyed by
 * murmur2(key) (bytes compared on a hash match) finds a key; a Stream-Summary (Metwally et al.: buckets of equal
 * counts in a sorted doubly-linked list, each holding a linked list of its keys) gives the minimum and every
 * increment in O(1) — a heap would sift ~log2(capacity) levels on each eviction, the common case in long
 * tails. Nothing is allocated per record.
 */
import { murmur2Range } from '../hash/index.js';

export const PARTITION_NONE = -1;
export const PARTITION_SPREAD = -2;

export interface HeavyHitter {
  key: string;
  /** Estimated records (an overestimate by at most `error`). */
  count: number;
  error: number;
  /** Bytes observed while monitored (a lower bound). */
  bytes: number;
  /** Per strategy slot: the partition all its records landed on, or null when they landed on several. */
  partitions: (number | null)[];
}

export interface SpaceSavingEntryJSON {
  key?: string;
  keyBase64?: string;
  count: number;
  error: number;
  bytes: number;
  partitions: number[];
}

export interface SpaceSavingJSON {
  type: 'kpart.space-saving';
  version: 1;
  capacity: number;
  partitionSlots: number;
  total: number;
  totalBytes: number;
  entries: SpaceSavingEntryJSON[];
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Keys up to this many bytes live in one preallocated arena (no allocation per new key); longer ones get their own copy. */
const INLINE = 48;

export class SpaceSaving {
  readonly capacity: number;
  readonly partitionSlots: number;
  /** Records offered (across merges). */
  total = 0;
  totalBytes = 0;

  private used = 0;
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private readonly bytes: Float64Array;
  private readonly hashes: Int32Array;
  private readonly parts: Int32Array;
  private readonly lens: Int32Array;
  private readonly arena: Uint8Array;
  private readonly overflow: (Uint8Array | undefined)[];
  /** Open-addressing table (linear probing) from murmur2(key) to slot + 1; 0 = empty. */
  private readonly table: Int32Array;
  private readonly mask: number;
  // Stream-Summary: elements (slots) in per-count buckets; buckets in ascending count order from `minBucket`
  private readonly ePrev: Int32Array;
  private readonly eNext: Int32Array;
  private readonly eBucket: Int32Array;
  private readonly bCount: Float64Array;
  private readonly bFirst: Int32Array;
  private readonly bPrev: Int32Array;
  private readonly bNext: Int32Array;
  private readonly bFree: Int32Array;
  private bFreeTop = 0;
  private minBucket = -1;
  private scratch = new Uint8Array(256);

  constructor(capacity = 1000, partitionSlots = 1) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    if (!(Number.isInteger(partitionSlots) && partitionSlots >= 0))
      throw new RangeError('partitionSlots must be an integer >= 0');
    this.capacity = capacity;
    this.partitionSlots = partitionSlots;
    this.counts = new Float64Array(capacity);
    this.errors = new Float64Array(capacity);
    this.bytes = new Float64Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.parts = new Int32Array(capacity * partitionSlots).fill(PARTITION_NONE);
    this.lens = new Int32Array(capacity);
    this.arena = new Uint8Array(capacity * INLINE);
    this.overflow = new Array<Uint8Array | undefined>(capacity).fill(undefined);
    let size = 16;
    while (size < capacity * 4) size *= 2; // load factor <= 1/4 keeps probe chains short
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.ePrev = new Int32Array(capacity);
    this.eNext = new Int32Array(capacity);
    this.eBucket = new Int32Array(capacity);
    // at most one bucket per element, plus one allocated before an emptied one is freed
    this.bCount = new Float64Array(capacity + 1);
    this.bFirst = new Int32Array(capacity + 1);
    this.bPrev = new Int32Array(capacity + 1);
    this.bNext = new Int32Array(capacity + 1);
    this.bFree = new Int32Array(capacity + 1);
    this.resetBuckets();
  }

  /** Number of monitored keys. */
  get size(): number {
    return this.used;
  }

  /** Smallest counter when full (the error bound for unmonitored keys), else 0. */
  minCount(): number {
    return this.used < this.capacity ? 0 : this.bCount[this.minBucket]!;
  }

  /** Counts one record of `key` (UTF-8 for strings) with `size` bytes; `partitions[i]` = where strategy i put it. */
  offer(key: string | Uint8Array, size = 0, partitions?: ArrayLike<number>): void {
    if (typeof key !== 'string') return this.offerRange(key, 0, key.length, size, partitions);
    // encode into a reused scratch buffer: no allocation per record
    if (this.scratch.length < key.length * 3) this.scratch = new Uint8Array(key.length * 3 + 64);
    const n = utf8.encodeInto(key, this.scratch).written;
    this.offerRange(this.scratch, 0, n, size, partitions);
  }

  /** Same as offer() for buf[start, end), without allocating; pass `hash` = murmur2 of the range if known. */
  offerRange(
    buf: Uint8Array,
    start: number,
    end: number,
    size = 0,
    partitions?: ArrayLike<number>,
    hash = murmur2Range(buf, start, end),
  ): void {
    this.total++;
    this.totalBytes += size;
    const slot = this.find(buf, start, end, hash);
    if (slot >= 0) {
      this.increment(slot);
      this.bytes[slot]! += size;
      if (partitions) this.notePartitions(slot, partitions);
      return;
    }
    let s: number;
    let base = 0;
    if (this.used < this.capacity) {
      s = this.used++;
      this.insertElement(s, 1);
    } else {
      // evict any key of the minimum bucket; the newcomer inherits its count as error
      s = this.bFirst[this.minBucket]!;
      base = this.bCount[this.minBucket]!;
      this.unlink(s);
      this.increment(s);
    }
    this.setKey(s, buf, start, end, hash);
    this.errors[s] = base;
    this.bytes[s] = size;
    const ps = this.partitionSlots;
    for (let i = s * ps; i < (s + 1) * ps; i++) this.parts[i] = PARTITION_NONE;
    if (partitions) this.notePartitions(s, partitions);
  }

  // ---- Stream-Summary ----

  private resetBuckets(): void {
    this.minBucket = -1;
    this.bFreeTop = 0;
    for (let b = this.bFree.length - 1; b >= 0; b--) this.bFree[this.bFreeTop++] = b;
  }

  /** A new bucket with `count` right after bucket `after` (-1 = as the new minimum). */
  private newBucketAfter(after: number, count: number): number {
    const b = this.bFree[--this.bFreeTop]!;
    this.bCount[b] = count;
    this.bFirst[b] = -1;
    const next = after >= 0 ? this.bNext[after]! : this.minBucket;
    this.bPrev[b] = after;
    this.bNext[b] = next;
    if (next >= 0) this.bPrev[next] = b;
    if (after >= 0) this.bNext[after] = b;
    else this.minBucket = b;
    return b;
  }

  private removeBucket(b: number): void {
    const prev = this.bPrev[b]!;
    const next = this.bNext[b]!;
    if (prev >= 0) this.bNext[prev] = next;
    else this.minBucket = next;
    if (next >= 0) this.bPrev[next] = prev;
    this.bFree[this.bFreeTop++] = b;
  }

  private attach(e: number, b: number): void {
    const first = this.bFirst[b]!;
    this.ePrev[e] = -1;
    this.eNext[e] = first;
    if (first >= 0) this.ePrev[first] = e;
    this.bFirst[b] = e;
    this.eBucket[e] = b;
  }

  private detach(e: number): void {
    const prev = this.ePrev[e]!;
    const next = this.eNext[e]!;
    if (prev >= 0) this.eNext[prev] = next;
    else this.bFirst[this.eBucket[e]!] = next;
    if (next >= 0) this.ePrev[next] = prev;
  }

  /** Count of element e + 1, in O(1). */
  private increment(e: number): void {
    const b = this.eBucket[e]!;
    const c = this.bCount[b]! + 1;
    this.counts[e] = c;
    const next = this.bNext[b]!;
    if (next >= 0 && this.bCount[next] === c) {
      this.detach(e);
      this.attach(e, next);
    } else if (this.bFirst[b] === e && this.eNext[e]! < 0) {
      // alone in its bucket and no bucket holds c yet: the bucket itself moves up (order is kept)
      this.bCount[b] = c;
      return;
    } else {
      const nb = this.newBucketAfter(b, c);
      this.detach(e);
      this.attach(e, nb);
    }
    if (this.bFirst[b]! < 0) this.removeBucket(b);
  }

  /** Puts element e in the bucket for `count` (walks the bucket list: only used when building, not per record). */
  private insertElement(e: number, count: number): void {
    this.counts[e] = count;
    let b = -1;
    let cur = this.minBucket;
    while (cur >= 0 && this.bCount[cur]! <= count) {
      b = cur;
      cur = this.bNext[cur]!;
    }
    this.attach(e, b >= 0 && this.bCount[b] === count ? b : this.newBucketAfter(b, count));
  }

  private find(buf: Uint8Array, start: number, end: number, hash: number): number {
    const table = this.table;
    const len = end - start;
    let i = hash & this.mask;
    for (;;) {
      const t = table[i]!;
      if (t === 0) return -1;
      const slot = t - 1;
      if (this.hashes[slot] === hash && this.lens[slot] === len) {
        let j = 0;
        if (len <= INLINE) {
          const arena = this.arena;
          const off = slot * INLINE;
          while (j < len && arena[off + j] === buf[start + j]) j++;
        } else {
          const kb = this.overflow[slot]!;
          while (j < len && kb[j] === buf[start + j]) j++;
        }
        if (j === len) return slot;
      }
      i = (i + 1) & this.mask;
    }
  }

  private setKey(slot: number, buf: Uint8Array, start: number, end: number, hash: number): void {
    const len = end - start;
    this.lens[slot] = len;
    this.hashes[slot] = hash;
    if (len <= INLINE) {
      const arena = this.arena;
      const off = slot * INLINE;
      for (let j = 0; j < len; j++) arena[off + j] = buf[start + j]!;
      this.overflow[slot] = undefined;
    } else {
      // a copy: buf may be the reader's buffer, which is overwritten by the next read
      this.overflow[slot] = Uint8Array.prototype.slice.call(buf, start, end);
    }
    let i = hash & this.mask;
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = slot + 1;
  }

  /** Removes slot from the table with backward-shift deletion (no tombstones, so probes stay short). */
  private unlink(slot: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = this.hashes[slot]! & mask;
    while (table[i] !== slot + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const t = table[j]!;
      if (t === 0) break;
      const home = this.hashes[t - 1]! & mask;
      // move t back into the hole at i unless its home lies cyclically in (i, j]
      const inRange = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!inRange) {
        table[i] = t;
        i = j;
      }
    }
    table[i] = 0;
  }

  /** The key bytes of a slot (a view into the arena: copy before keeping). */
  private keyView(slot: number): Uint8Array {
    const len = this.lens[slot]!;
    return len <= INLINE ? this.arena.subarray(slot * INLINE, slot * INLINE + len) : this.overflow[slot]!;
  }

  private notePartitions(slot: number, partitions: ArrayLike<number>): void {
    const base = slot * this.partitionSlots;
    const n = Math.min(this.partitionSlots, partitions.length);
    for (let i = 0; i < n; i++) {
      const prev = this.parts[base + i]!;
      const p = partitions[i]!;
      if (prev === PARTITION_NONE) this.parts[base + i] = p;
      else if (prev !== p) this.parts[base + i] = PARTITION_SPREAD;
    }
  }

  private keyString(slot: number): string {
    return utf8Decoder.decode(this.keyView(slot));
  }

  private slotsByCount(): number[] {
    const names = Array.from({ length: this.used }, (_, i) => this.keyString(i));
    const slots = Array.from({ length: this.used }, (_, i) => i);
    slots.sort(
      (a, b) =>
        this.counts[b]! - this.counts[a]! || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0),
    );
    return slots;
  }

  /** The k keys with the highest counts, highest first (ties by key, for reproducible output). */
  top(k = 10): HeavyHitter[] {
    return this.slotsByCount()
      .slice(0, k)
      .map((slot) => {
        const partitions: (number | null)[] = [];
        for (let i = 0; i < this.partitionSlots; i++) {
          const p = this.parts[slot * this.partitionSlots + i]!;
          partitions.push(p >= 0 ? p : null);
        }
        return {
          key: this.keyString(slot),
          count: this.counts[slot]!,
          error: this.errors[slot]!,
          bytes: this.bytes[slot]!,
          partitions,
        };
      });
  }

  /** Merges `other` into this summary (same partitionSlots); the result keeps this summary's capacity. */
  merge(other: SpaceSaving): this {
    if (other.partitionSlots !== this.partitionSlots) {
      throw new RangeError(
        `cannot merge summaries with ${this.partitionSlots} and ${other.partitionSlots} strategy slots`,
      );
    }
    const m1 = this.minCount();
    const m2 = other.minCount();
    interface Acc {
      key: Uint8Array;
      count: number;
      error: number;
      bytes: number;
      parts: number[];
      in1: boolean;
      in2: boolean;
    }
    const all = new Map<string, Acc>();
    const collect = (s: SpaceSaving, first: boolean): void => {
      for (let slot = 0; slot < s.used; slot++) {
        const kb = Uint8Array.prototype.slice.call(s.keyView(slot));
        const id = Buffer.from(kb.buffer, kb.byteOffset, kb.length).toString('latin1');
        const parts = Array.from(s.parts.subarray(slot * s.partitionSlots, (slot + 1) * s.partitionSlots));
        const acc = all.get(id);
        if (!acc) {
          all.set(id, {
            key: kb,
            count: s.counts[slot]!,
            error: s.errors[slot]!,
            bytes: s.bytes[slot]!,
            parts,
            in1: first,
            in2: !first,
          });
        } else {
          acc.count += s.counts[slot]!;
          acc.error += s.errors[slot]!;
          acc.bytes += s.bytes[slot]!;
          acc.parts = acc.parts.map((p, i) => combinePartition(p, parts[i] ?? PARTITION_NONE));
          acc.in2 = true;
        }
      }
    };
    collect(this, true);
    collect(other, false);
    const merged = [...all.values()].map((a) => {
      // a key unseen by one summary may still have had up to that summary's min counter there
      const extra = (a.in1 ? 0 : m1) + (a.in2 ? 0 : m2);
      return { ...a, count: a.count + extra, error: a.error + extra };
    });
    merged.sort((a, b) => b.count - a.count);
    const total = this.total + other.total;
    const totalBytes = this.totalBytes + other.totalBytes;
    this.reset();
    for (const e of merged.slice(0, this.capacity)) this.place(e.key, e.count, e.error, e.bytes, e.parts);
    this.total = total;
    this.totalBytes = totalBytes;
    return this;
  }

  private reset(): void {
    this.used = 0;
    this.resetBuckets();
    this.table.fill(0);
    this.overflow.fill(undefined);
    this.parts.fill(PARTITION_NONE);
    this.total = 0;
    this.totalBytes = 0;
  }

  private place(
    key: Uint8Array,
    count: number,
    error: number,
    bytes: number,
    parts: readonly number[],
  ): void {
    const slot = this.used++;
    this.insertElement(slot, count);
    this.errors[slot] = error;
    this.bytes[slot] = bytes;
    this.setKey(slot, key, 0, key.length, murmur2Range(key, 0, key.length));
    for (let i = 0; i < this.partitionSlots; i++)
      this.parts[slot * this.partitionSlots + i] = parts[i] ?? PARTITION_NONE;
  }

  toJSON(): SpaceSavingJSON {
    return {
      type: 'kpart.space-saving',
      version: 1,
      capacity: this.capacity,
      partitionSlots: this.partitionSlots,
      total: this.total,
      totalBytes: this.totalBytes,
      entries: this.slotsByCount().map((slot) => {
        const kb = this.keyView(slot);
        let key: string | undefined;
        try {
          key = strictDecoder.decode(kb);
        } catch {
          key = undefined; // not UTF-8: ship the raw bytes
        }
        const entry: SpaceSavingEntryJSON = {
          count: this.counts[slot]!,
          error: this.errors[slot]!,
          bytes: this.bytes[slot]!,
          partitions: Array.from(
            this.parts.subarray(slot * this.partitionSlots, (slot + 1) * this.partitionSlots),
          ),
        };
        if (key !== undefined) entry.key = key;
        else entry.keyBase64 = Buffer.from(kb).toString('base64');
        return entry;
      }),
    };
  }

  static fromJSON(json: SpaceSavingJSON | string): SpaceSaving {
    const j = (typeof json === 'string' ? JSON.parse(json) : json) as SpaceSavingJSON;
    if (j?.type !== 'kpart.space-saving' || j.version !== 1 || !Array.isArray(j.entries)) {
      throw new TypeError('not a kpart Space-Saving summary (type kpart.space-saving, version 1)');
    }
    const s = new SpaceSaving(j.capacity, j.partitionSlots);
    for (const e of j.entries.slice(0, s.capacity)) {
      const key =
        e.key !== undefined ? utf8.encode(e.key) : new Uint8Array(Buffer.from(e.keyBase64 ?? '', 'base64'));
      s.place(key, e.count, e.error, e.bytes, e.partitions);
    }
    s.total = j.total;
    s.totalBytes = j.totalBytes;
    return s;
  }
}

function combinePartition(a: number, b: number): number {
  if (a === PARTITION_NONE) return b;
  if (b === PARTITION_NONE) return a;
  return a === b ? a : PARTITION_SPREAD;
}
