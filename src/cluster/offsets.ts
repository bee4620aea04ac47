/**
 * Offset reads for the live-cluster tools, each bounded by a timeout. Everything goes through the few KafkaJS
 * admin calls librdkafka's mock cluster and real brokers both answer: ListOffsets (fetchTopicOffsets) and
 * OffsetFetch (fetchOffsets). Group listing/description (ListGroups, DescribeGroups) is optional: the mock
 * lacks it, so callers name their topics and membership is only used when the cluster can tell.
 */
import type { Admin } from 'kafkajs';
import { ClusterError } from '../errors.js';
import { withTimeout } from '../util/timeout.js';
import type { TopologyAdmin } from './topology.js';

/** The admin calls kpart's cluster layer uses; a KafkaJS Admin satisfies it, unit tests pass a fake. */
export type ClusterAdmin = TopologyAdmin &
  Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'> &
  Partial<Pick<Admin, 'describeGroups' | 'fetchTopicOffsetsByTimestamp' | 'listTopics'>>;

/**
 * Throws E_NO_TOPIC naming the first topic the cluster does not list. Asked with a topic-less Metadata request
 * first because some brokers auto-create a topic that a Metadata request names (librdkafka's mock does, even
 * when the client asks it not to) — looking must not create. Skipped when the admin has no listTopics.
 */
export async function ensureTopicsExist(
  admin: ClusterAdmin,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  if (!admin.listTopics) return;
  const listed = new Set(await withTimeout(admin.listTopics(), timeoutMs, 'topic listing'));
  const missing = topics.find((t) => !listed.has(t));
  if (missing !== undefined) throw new ClusterError(`topic "${missing}" not found`, 'E_NO_TOPIC');
}

export interface PartitionOffsets {
  partition: number;
  /** Log start offset (earliest retained), Kafka's "low watermark". */
  startOffset: number;
  /** Log-end offset (next offset to be written), Kafka's "high watermark" as ListOffsets(latest) reports it. */
  endOffset: number;
}

function toInt(raw: string | number, what: string): number {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(n))
    throw new ClusterError(`broker returned a non-integer ${what}: "${raw}"`, 'E_PROTOCOL');
  return n;
}

export async function fetchPartitionOffsets(
  admin: ClusterAdmin,
  topic: string,
  timeoutMs: number,
): Promise<PartitionOffsets[]> {
  const raw = await withTimeout(
    admin.fetchTopicOffsets(topic),
    timeoutMs,
    `offsets request for topic "${topic}"`,
  );
  return raw
    .map((o) => ({
      partition: o.partition,
      startOffset: toInt(o.low, 'start offset'),
      endOffset: toInt(o.high, 'end offset'),
    }))
    .sort((a, b) => a.partition - b.partition);
}

/**
 * Committed offsets of `group` for `topics`: topic → partition → offset (-1 when the group never committed
 * there, as OffsetFetch reports it).
 */
export async function fetchCommittedOffsets(
  admin: ClusterAdmin,
  group: string,
  topics: readonly string[],
  timeoutMs: number,
): Promise<Map<string, Map<number, number>>> {
  const raw = await withTimeout(
    admin.fetchOffsets({ groupId: group, topics: [...topics] }),
    timeoutMs,
    `committed offsets request for group "${group}"`,
  );
  const out = new Map<string, Map<number, number>>();
  for (const t of raw) {
    const m = new Map<number, number>();
    for (const p of t.partitions) m.set(p.partition, toInt(p.offset, 'committed offset'));
    out.set(t.topic, m);
  }
  return out;
}

/**
 * Whether the group has live members: true / false from DescribeGroups, undefined when the cluster cannot say
 * (librdkafka's mock has no DescribeGroups; old brokers and ACLs can refuse it). Never throws.
 */
export async function fetchGroupActive(
  admin: ClusterAdmin,
  group: string,
  timeoutMs: number,
): Promise<boolean | undefined> {
  if (!admin.describeGroups) return undefined;
  try {
    const d = await withTimeout(admin.describeGroups([group]), timeoutMs, `describe group "${group}"`);
    const g = d.groups.find((x) => x.groupId === group);
    if (!g) return undefined;
    if (g.state === 'Dead' || g.state === 'Empty') return false;
    return g.members.length > 0;
  } catch {
    return undefined;
  }
}
