/**
 * Consumer capacity check (`kpart consumers`): for a group of C consumers over T topics of P partitions each,
 * which consumers sit idle and which carry more than their fair share, per assignor. Idle consumers appear
 * whenever C exceeds what an assignor can spread (P for one topic); Range additionally overloads the first
 * consumers when several topics each have P % C ≠ 0 (its remainder goes to the same members every topic).
 */
import { assign, partitionCounts } from './index.js';
import { AssignorName } from './types.js';

export interface CapacityRow {
  assignor: AssignorName;
  min: number;
  max: number;
  /** Consumers without any partition. */
  idle: string[];
  /** Consumers with more than ceil(total partitions / consumers). */
  overloaded: string[];
  /** Partition count per consumer. */
  counts: Record<string, number>;
}

export interface CapacityReport {
  partitions: number;
  topics: number;
  consumers: number;
  totalPartitions: number;
  /** ceil(total / consumers): what a balanced assignor gives the busiest consumer. */
  fairShare: number;
  /** The most consumers that can all be busy (total partitions). */
  maxUsefulConsumers: number;
  rows: CapacityRow[];
  advice: string[];
}

export function consumerCapacity(partitions: number, consumers: number, topics = 1): CapacityReport {
  const topicMap: Record<string, number> = {};
  for (let t = 0; t < topics; t++) topicMap[topics === 1 ? 'topic' : `topic-${t + 1}`] = partitions;
  const names = Object.keys(topicMap);
  const pad = String(consumers).length;
  const members = Array.from({ length: consumers }, (_, i) => ({
    id: `c${String(i + 1).padStart(pad, '0')}`,
    topics: names,
  }));
  const total = partitions * topics;
  const fairShare = Math.ceil(total / consumers);
  const rows: CapacityRow[] = [];
  for (const name of [
    AssignorName.RANGE,
    AssignorName.ROUNDROBIN,
    AssignorName.STICKY,
    AssignorName.COOPERATIVE_STICKY,
    AssignorName.LOAD_AWARE,
  ]) {
    const counts = partitionCounts(assign(name, { topics: topicMap, members }).assignment);
    const values = Object.values(counts);
    rows.push({
      assignor: name,
      min: Math.min(...values),
      max: Math.max(...values),
      idle: Object.keys(counts).filter((m) => counts[m] === 0),
      overloaded: Object.keys(counts).filter((m) => counts[m]! > fairShare),
      counts,
    });
  }
  const advice: string[] = [];
  if (consumers > total) {
    advice.push(
      `${consumers - total} of ${consumers} consumers will be idle with any assignor: only ${total} partitions to share. Use at most ${total} consumers, or add partitions.`,
    );
  }
  const range = rows[0]!;
  if (topics > 1 && range.overloaded.length > 0) {
    advice.push(
      `range gives ${range.overloaded.join(', ')} up to ${range.max} partitions (fair share ${fairShare}): its per-topic remainder lands on the same members; prefer roundrobin or sticky.`,
    );
  }
  if (total % consumers !== 0 && consumers <= total) {
    advice.push(
      `${total} partitions over ${consumers} consumers cannot be even: ${total % consumers} consumers get ${fairShare}, the rest ${Math.floor(total / consumers)}; ${divisorsHint(total, consumers)}`,
    );
  }
  if (advice.length === 0)
    advice.push(`${total} partitions spread evenly over ${consumers} consumers (${total / consumers} each).`);
  return {
    partitions,
    topics,
    consumers,
    totalPartitions: total,
    fairShare,
    maxUsefulConsumers: total,
    rows,
    advice,
  };
}

function divisorsHint(total: number, consumers: number): string {
  let lower = consumers;
  while (lower > 1 && total % lower !== 0) lower--;
  let upper = consumers;
  while (upper < total && total % upper !== 0) upper++;
  return `${lower} or ${upper} consumers would divide evenly.`;
}
