/**
 * Java `org.apache.kafka.clients.consumer.RoundRobinAssignor`: every subscribed topic-partition, sorted by
 * topic then partition, dealt over a circular list of the members in `MemberInfo` order; a member that does
 * not subscribe to the partition's topic is skipped (the iterator advances past it).
 */
import { compileGroup, toAssignment } from './model.js';
import type { AssignmentResult, GroupDescription } from './types.js';

export function roundRobinAssign(group: GroupDescription): AssignmentResult {
  const g = compileGroup(group);
  const M = g.members.length;
  const T = g.topicNames.length;
  const owner = new Int32Array(g.totalPartitions).fill(-1);
  let cursor = 0;
  for (let t = 0; t < T; t++) {
    // Java's allPartitionsSorted only lists topics someone subscribes to.
    if (g.subscribers[t]!.length === 0) continue;
    for (let p = g.topicStart[t]!; p < g.topicStart[t + 1]!; p++) {
      while (g.subscribed[cursor * T + t] === 0) cursor = (cursor + 1) % M;
      owner[p] = cursor;
      cursor = (cursor + 1) % M;
    }
  }
  return { assignment: toAssignment(g, owner) };
}
