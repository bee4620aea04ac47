/**
 * Kafka consumer-protocol bytes the client adapters exchange with Java and librdkafka members:
 *   - `ConsumerProtocolSubscription` v0–v3 (clients/src/main/resources/common/message/
 *     ConsumerProtocolSubscription.json): version, topics, user data; v1+ owned partitions; v2+ generation;
 *     v3+ rack id. Decoded fully so a KafkaJS leader sees what Java members report.
 *   - `ConsumerProtocolAssignment` v0: version, per-topic partitions, user data.
 *   - Java `StickyAssignor` user data (`STICKY_ASSIGNOR_USER_DATA_V1`: previous_assignment
 *     [topic STRING, partitions [INT32]], generation INT32; V0 without the generation), so sticky claims from
 *     Java members and kpart members mean the same thing in a mixed group.
 * All integers are big-endian; STRING is an INT16 length + UTF-8; arrays and BYTES have an INT32 length
 * (-1 = null), as in Kafka's non-flexible protocol versions.
 */
import { AssignorName, type GroupDescription, type GroupMember, type TopicPartitions } from './types.js';

class Reader {
  private o = 0;
  constructor(private readonly b: Buffer) {}
  get remaining(): number {
    return this.b.length - this.o;
  }
  int16(): number {
    const v = this.b.readInt16BE(this.o);
    this.o += 2;
    return v;
  }
  int32(): number {
    const v = this.b.readInt32BE(this.o);
    this.o += 4;
    return v;
  }
  string(): string {
    const n = this.int16();
    if (n < 0) throw new RangeError('null string');
    return this.str(n);
  }
  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.str(n);
  }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    if (this.o + n > this.b.length) throw new RangeError('truncated bytes');
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  array<T>(item: (r: Reader) => T): T[] {
    const n = this.int32();
    if (n < 0) return [];
    if (n > this.remaining) throw new RangeError('array longer than its buffer');
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
  private str(n: number): string {
    if (this.o + n > this.b.length) throw new RangeError('truncated string');
    const v = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return v;
  }
}

class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    this.int16(b.length);
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    this.parts.push(b);
    return this;
  }
  array<T>(items: readonly T[], write: (w: Writer, item: T) => void): this {
    this.int32(items.length);
    for (const it of items) write(this, it);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface Subscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions?: TopicPartitions;
  generation?: number;
  rack?: string;
}

function topicPartitions(r: Reader): [string, number[]] {
  return [r.string(), r.array((x) => x.int32())];
}

/** Decodes a `ConsumerProtocolSubscription` of any version 0–3 (newer versions: the v3 prefix is read). */
export function decodeSubscription(buf: Buffer): Subscription {
  const r = new Reader(buf);
  const version = r.int16();
  const topics = r.array((x) => x.string());
  const userData = r.bytes();
  const sub: Subscription = { version, topics, userData };
  if (version >= 1 && r.remaining > 0) sub.ownedPartitions = Object.fromEntries(r.array(topicPartitions));
  if (version >= 2 && r.remaining >= 4) {
    const g = r.int32();
    if (g >= 0) sub.generation = g;
  }
  if (version >= 3 && r.remaining >= 2) {
    const rack = r.nullableString();
    if (rack) sub.rack = rack;
  }
  return sub;
}

/** Encodes a `ConsumerProtocolSubscription` v0 (what KafkaJS and @platformatic/kafka members send). */
export function encodeSubscriptionV0(topics: readonly string[], userData: Buffer | null): Buffer {
  return new Writer()
    .int16(0)
    .array(topics, (w, t) => w.string(t))
    .bytes(userData)
    .done();
}

/** Encodes a `ConsumerProtocolAssignment` v0. */
export function encodeAssignment(assignment: TopicPartitions, userData: Buffer | null = null): Buffer {
  return new Writer()
    .int16(0)
    .array(Object.entries(assignment), (w, [t, ps]) => w.string(t).array(ps, (x, p) => x.int32(p)))
    .bytes(userData)
    .done();
}

export function decodeAssignment(buf: Buffer): {
  version: number;
  assignment: TopicPartitions;
  userData: Buffer | null;
} {
  const r = new Reader(buf);
  const version = r.int16();
  const assignment = Object.fromEntries(r.array(topicPartitions));
  const userData = r.remaining >= 4 ? r.bytes() : null;
  return { version, assignment, userData };
}

export interface StickyUserData {
  owned: TopicPartitions;
  generation?: number;
}

/** Java `StickyAssignor.serializeTopicPartitionAssignment` (V1 when a generation is known, else V0). */
export function encodeStickyUserData(data: StickyUserData): Buffer {
  const w = new Writer().array(Object.entries(data.owned), (x, [t, ps]) =>
    x.string(t).array(ps, (y, p) => y.int32(p)),
  );
  if (data.generation !== undefined) w.int32(data.generation);
  return w.done();
}

/** Java `StickyAssignor.deserializeTopicPartitionAssignment`: V1, falling back to V0 (no generation). */
export function decodeStickyUserData(buf: Buffer): StickyUserData {
  const r = new Reader(buf);
  const owned = Object.fromEntries(r.array(topicPartitions));
  if (r.remaining >= 4) return { owned, generation: r.int32() };
  return { owned };
}

/** Java `CooperativeStickyAssignor` user data: just the generation (INT32). */
export function decodeCooperativeUserData(buf: Buffer): number | undefined {
  return buf.length >= 4 ? buf.readInt32BE(0) : undefined;
}

export interface ProtocolMember {
  memberId: string;
  /** Raw `ConsumerProtocolSubscription` bytes (JoinGroup member metadata). */
  metadata?: Buffer;
  /** Or an already-decoded subscription (@platformatic/kafka decodes v0 itself). */
  subscription?: Subscription;
  instanceId?: string;
}

/**
 * Builds the assignor input from JoinGroup members, the way Java's assignors read a subscription:
 * sticky and load-aware take previous ownership and generation from the sticky user data (Java
 * `StickyAssignor.memberData`); cooperative-sticky from owned partitions and the generation (user data or
 * subscription field); range and roundrobin need only topics (and rack, for KIP-881).
 * Members whose metadata cannot be decoded keep an empty subscription rather than failing the rebalance.
 */
export function groupFromProtocol(
  protocol: AssignorName | string,
  members: readonly ProtocolMember[],
  partitionsPerTopic: Readonly<Record<string, number>>,
  extra: Pick<GroupDescription, 'partitionRacks' | 'weights'> = {},
): GroupDescription {
  const out: GroupMember[] = [];
  for (const m of members) {
    let sub: Subscription;
    try {
      sub = m.subscription ?? decodeSubscription(m.metadata ?? Buffer.alloc(0));
    } catch {
      sub = { version: 0, topics: [], userData: null };
    }
    const member: GroupMember = { id: m.memberId, topics: sub.topics };
    if (m.instanceId) member.instanceId = m.instanceId;
    if (sub.rack) member.rack = sub.rack;
    if (protocol === AssignorName.STICKY || protocol === AssignorName.LOAD_AWARE) {
      if (sub.userData && sub.userData.length > 0) {
        try {
          const d = decodeStickyUserData(sub.userData);
          member.owned = d.owned;
          if (d.generation !== undefined) member.generation = d.generation;
        } catch {
          // Unreadable user data: treat as no previous assignment (Java would fail the rebalance instead).
        }
      }
    } else if (protocol === AssignorName.COOPERATIVE_STICKY) {
      if (sub.ownedPartitions) member.owned = sub.ownedPartitions;
      const g =
        sub.userData && sub.userData.length >= 4 ? decodeCooperativeUserData(sub.userData) : sub.generation;
      if (g !== undefined) member.generation = g;
    }
    out.push(member);
  }
  const topics: Record<string, number> = {};
  for (const m of out)
    for (const t of m.topics) if (partitionsPerTopic[t] !== undefined) topics[t] = partitionsPerTopic[t]!;
  return { topics, members: out, ...extra };
}
