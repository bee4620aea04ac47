// Edge cases found in review: Range's KIP-881 grouping of topics whose consumers have no rack, and the
// cooperative protocol when a member of an older generation still reports owned partitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assign, AssignorName, rangeAssign } from '../../src/assignors/index.js';
import type { GroupDescription } from '../../src/assignors/types.js';

test('Range, rack-aware group: topics of rack-less consumers with different partition counts stay plain range', () => {
  // Rack matching is on (t1's consumers have racks, its partitions differ in racks). x and y share their
  // (rack-less) consumers; Java groups them by partitionRacks.size() = 0 and its co-partitioned pass then
  // runs over 0 partitions, so both get the plain range split.
  const g: GroupDescription = {
    topics: { t1: 4, x: 3, y: 5 },
    partitionRacks: { t1: [['b'], ['a'], ['b'], ['a']] },
    members: [
      { id: 'c1', topics: ['t1'], rack: 'a' },
      { id: 'c2', topics: ['t1'], rack: 'b' },
      { id: 'c3', topics: ['x', 'y'] },
      { id: 'c4', topics: ['x', 'y'] },
    ],
  };
  assert.deepEqual(rangeAssign(g).assignment, {
    c1: { t1: [1, 3] },
    c2: { t1: [0, 2] },
    c3: { x: [0, 1], y: [0, 1, 2] },
    c4: { x: [2], y: [3, 4] },
  });
});

test('cooperative-sticky: a stale member still reporting a partition revokes it before anyone gets it', () => {
  // c1 missed a rebalance (generation 2) and still reports orders 0-2; c2 and c3 are at generation 3.
  const g: GroupDescription = {
    topics: { orders: 6 },
    members: [
      { id: 'c1', topics: ['orders'], owned: { orders: [0, 1, 2] }, generation: 2 },
      { id: 'c2', topics: ['orders'], owned: { orders: [0, 1, 2] }, generation: 3 },
      { id: 'c3', topics: ['orders'], owned: { orders: [3, 4, 5] }, generation: 3 },
    ],
  };
  const r = assign(AssignorName.COOPERATIVE_STICKY, g);
  // The stale claim does not count for the target (c2 keeps 0 and 1, c3 keeps 3 and 4); c1 must revoke all
  // it reports, c2 and c3 their partition over quota...
  assert.deepEqual(r.revoked, { c1: { orders: [0, 1, 2] }, c2: { orders: [2] }, c3: { orders: [5] } });
  // ...but no partition one member must revoke is added to another member in the same round (Java's
  // ConsumerCoordinator.validateCooperativeAssignment rule: added ∩ revoked = ∅).
  const revoked = new Set<string>();
  for (const tps of Object.values(r.revoked!))
    for (const [t, ps] of Object.entries(tps)) for (const p of ps) revoked.add(`${t}/${p}`);
  for (const m of g.members)
    for (const [t, ps] of Object.entries(r.assignment[m.id]!))
      for (const p of ps)
        if (!(m.owned?.[t] ?? []).includes(p))
          assert.ok(!revoked.has(`${t}/${p}`), `${t}/${p} added to ${m.id} while revoked elsewhere`);
  // c2 reported 0 and 1 itself and keeps them (nothing added, so nothing to wait for).
  assert.deepEqual(r.assignment, { c1: {}, c2: { orders: [0, 1] }, c3: { orders: [3, 4] } });
  // Sticky (eager) gives the same target directly.
  const target = { c1: { orders: [2, 5] }, c2: { orders: [0, 1] }, c3: { orders: [3, 4] } };
  assert.deepEqual(assign(AssignorName.STICKY, g).assignment, target);
  // The follow-up rebalance (everyone revoked what they were told to) hands out the withheld partitions.
  const next = assign(AssignorName.COOPERATIVE_STICKY, {
    topics: g.topics,
    members: g.members.map((m) => ({ ...m, owned: r.assignment[m.id]!, generation: 4 })),
  });
  assert.deepEqual(next.assignment, target);
  assert.deepEqual(next.revoked, { c1: {}, c2: {}, c3: {} });
});

test('cooperative-sticky: a partition a stale member reports is not handed to a new owner in the same round', () => {
  // c1 (generation 2) missed a rebalance but still reports orders 0-2; its claim is discarded, so the
  // round-robin fill deals 0 → c1, 1 → c3, 2 → c1, 5 → c3. c1 must first revoke 1 (as c2 revokes 5).
  const g: GroupDescription = {
    topics: { orders: 6 },
    members: [
      { id: 'c1', topics: ['orders'], owned: { orders: [0, 1, 2] }, generation: 2 },
      { id: 'c2', topics: ['orders'], owned: { orders: [3, 4, 5] }, generation: 3 },
      { id: 'c3', topics: ['orders'], generation: 3 },
    ],
  };
  const target = { c1: { orders: [0, 2] }, c2: { orders: [3, 4] }, c3: { orders: [1, 5] } };
  assert.deepEqual(assign(AssignorName.STICKY, g).assignment, target);
  const r = assign(AssignorName.COOPERATIVE_STICKY, g);
  assert.deepEqual(r.assignment, { c1: { orders: [0, 2] }, c2: { orders: [3, 4] }, c3: {} });
  assert.deepEqual(r.revoked, { c1: { orders: [1] }, c2: { orders: [5] }, c3: {} });
  const next = assign(AssignorName.COOPERATIVE_STICKY, {
    topics: g.topics,
    members: g.members.map((m) => ({ ...m, owned: r.assignment[m.id]!, generation: 4 })),
  });
  assert.deepEqual(next.assignment, target);
});

test('sticky, equal subscriptions: static members are dealt in member-id order, as Java sorts its unfilled lists', () => {
  // Java's constrainedAssign `Collections.sort`s the unfilled members by member id (it never looks at
  // group.instance.id): 0 → c1, 1 → c2, then the first member at exactly minQuota, c1, gets 2.
  const g: GroupDescription = {
    topics: { t: 3 },
    members: [
      { id: 'c2', instanceId: 'a', topics: ['t'] },
      { id: 'c1', instanceId: 'z', topics: ['t'] },
    ],
  };
  const expected = { c1: { t: [0, 2] }, c2: { t: [1] } };
  assert.deepEqual(assign(AssignorName.STICKY, g).assignment, expected);
  assert.deepEqual(assign(AssignorName.COOPERATIVE_STICKY, g).assignment, expected);
  // Range and RoundRobin do sort by MemberInfo (static members by instance id first).
  assert.deepEqual(rangeAssign(g).assignment, { c2: { t: [0, 1] }, c1: { t: [2] } });
});
