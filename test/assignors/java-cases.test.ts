// Hand-checked cases: the outputs Java's assignors give (worked through their source / javadoc examples).
import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import {
  assign,
  AssignorName,
  loadAwareAssign,
  roundRobinAssign,
  rangeAssign,
} from '../../src/assignors/index.js';
import type { Assignment, GroupDescription } from '../../src/assignors/types.js';

const two = (topics: string[]): GroupDescription => ({
  topics: { t0: 3, t1: 3 },
  members: [
    { id: 'C1', topics },
    { id: 'C0', topics },
  ],
});

test('Range: the RangeAssignor javadoc example (2 consumers, 2 topics × 3 partitions)', () => {
  // Java: C0: [t0p0, t0p1, t1p0, t1p1], C1: [t0p2, t1p2]
  assert.deepEqual(rangeAssign(two(['t0', 't1'])).assignment, {
    C0: { t0: [0, 1], t1: [0, 1] },
    C1: { t0: [2], t1: [2] },
  });
});

test('Range: per topic, first P % C members get one extra; unequal subscriptions; static members sort first', () => {
  const g: GroupDescription = {
    topics: { orders: 7, pay: 3, idle: 2 },
    members: [
      { id: 'c2', topics: ['orders', 'pay'] },
      { id: 'c1', topics: ['orders', 'pay'] },
      { id: 'c3', topics: ['orders'] },
    ],
  };
  // orders: 7 / 3 = 2 rem 1 → c1 [0,1,2], c2 [3,4], c3 [5,6]; pay: 3 / 2 = 1 rem 1 → c1 [0,1], c2 [2].
  assert.deepEqual(rangeAssign(g).assignment, {
    c1: { orders: [0, 1, 2], pay: [0, 1] },
    c2: { orders: [3, 4], pay: [2] },
    c3: { orders: [5, 6] },
  });
  // A group.instance.id makes a member sort before dynamic ones (Java MemberInfo.compareTo): c3 becomes first.
  const s: GroupDescription = {
    ...g,
    members: g.members.map((m) => (m.id === 'c3' ? { ...m, instanceId: 'zz' } : m)),
  };
  assert.deepEqual(rangeAssign(s).assignment, {
    c1: { orders: [3, 4], pay: [0, 1] },
    c2: { orders: [5, 6], pay: [2] },
    c3: { orders: [0, 1, 2] },
  });
});

test('Range, rack-aware (KIP-881): same per-topic quotas, partitions matched to the member rack', () => {
  const g: GroupDescription = {
    topics: { t: 4 },
    partitionRacks: { t: [['b'], ['a'], ['b'], ['a']] },
    members: [
      { id: 'c0', topics: ['t'], rack: 'a' },
      { id: 'c1', topics: ['t'], rack: 'b' },
    ],
  };
  // Rack pass: c0 (rack a) takes its quota of 2 among rack-a partitions [1, 3]; c1 gets [0, 2].
  assert.deepEqual(rangeAssign(g).assignment, { c0: { t: [1, 3] }, c1: { t: [0, 2] } });
  // Without racks it is the plain range split.
  assert.deepEqual(
    rangeAssign({ topics: g.topics, members: g.members.map(({ id, topics }) => ({ id, topics })) })
      .assignment,
    { c0: { t: [0, 1] }, c1: { t: [2, 3] } },
  );
  // Co-partitioned topics (same subscribers, same partition count) are matched together: partition p of
  // both topics goes to one member.
  const co: GroupDescription = {
    topics: { t: 4, u: 4 },
    partitionRacks: { t: [['b'], ['a'], ['b'], ['a']], u: [['b'], ['a'], ['b'], ['a']] },
    members: [
      { id: 'c0', topics: ['t', 'u'], rack: 'a' },
      { id: 'c1', topics: ['t', 'u'], rack: 'b' },
    ],
  };
  assert.deepEqual(rangeAssign(co).assignment, {
    c0: { t: [1, 3], u: [1, 3] },
    c1: { t: [0, 2], u: [0, 2] },
  });
  // Every partition on every rack: matching cannot help, Java skips it (plain range).
  const all: GroupDescription = {
    ...g,
    partitionRacks: {
      t: [
        ['a', 'b'],
        ['a', 'b'],
        ['a', 'b'],
        ['a', 'b'],
      ],
    },
  };
  assert.deepEqual(rangeAssign(all).assignment, { c0: { t: [0, 1] }, c1: { t: [2, 3] } });
});

test('RoundRobin: the RoundRobinAssignor javadoc examples', () => {
  // Equal subscriptions: C0: [t0p0, t0p2, t1p1], C1: [t0p1, t1p0, t1p2]
  assert.deepEqual(roundRobinAssign(two(['t0', 't1'])).assignment, {
    C0: { t0: [0, 2], t1: [1] },
    C1: { t0: [1], t1: [0, 2] },
  });
  // Unequal: t0 (1 partition), t1 (2), t2 (3); C0 ⊂ {t0}, C1 ⊂ {t0,t1}, C2 ⊂ {t0,t1,t2}
  // Java: C0: [t0p0], C1: [t1p0], C2: [t1p1, t2p0, t2p1, t2p2]
  const g: GroupDescription = {
    topics: { t0: 1, t1: 2, t2: 3 },
    members: [
      { id: 'C2', topics: ['t0', 't1', 't2'] },
      { id: 'C0', topics: ['t0'] },
      { id: 'C1', topics: ['t0', 't1'] },
    ],
  };
  assert.deepEqual(roundRobinAssign(g).assignment, {
    C0: { t0: [0] },
    C1: { t1: [0] },
    C2: { t1: [1], t2: [0, 1, 2] },
  });
});

test('Sticky: the StickyAssignor javadoc example (3 consumers, 4 topics × 2), then C1 leaves', () => {
  const topics = { t0: 2, t1: 2, t2: 2, t3: 2 };
  const subs = ['t0', 't1', 't2', 't3'];
  const g: GroupDescription = { topics, members: ['C0', 'C1', 'C2'].map((id) => ({ id, topics: subs })) };
  const first: Assignment = assign(AssignorName.STICKY, g).assignment;
  // Java (constrainedAssign from scratch): C0 [t0p0, t1p1, t3p0], C1 [t0p1, t2p0, t3p1], C2 [t1p0, t2p1]
  assert.deepEqual(first, {
    C0: { t0: [0], t1: [1], t3: [0] },
    C1: { t0: [1], t2: [0], t3: [1] },
    C2: { t1: [0], t2: [1] },
  });
  const next: GroupDescription = {
    topics,
    members: ['C0', 'C2'].map((id) => ({
      id,
      topics: subs,
      owned: (first as Assignment)[id]!,
      generation: 1,
    })),
  };
  // C0 and C2 keep everything; C1's t0p1, t2p0, t3p1 are dealt round-robin to the members under quota (C0, C2),
  // C0 reaches 4 after t0p1, so C2 takes t2p0 and t3p1 (Java's fill loop).
  assert.deepEqual(assign(AssignorName.STICKY, next).assignment, {
    C0: { t0: [0, 1], t1: [1], t3: [0] },
    C2: { t1: [0], t2: [0, 1], t3: [1] },
  });
  // RoundRobin by contrast reshuffles: C0 loses t1p1 and t3p0 although it stayed.
  const rr = assign(AssignorName.ROUNDROBIN, next).assignment;
  assert.deepEqual(rr['C0'], { t0: [0], t1: [0], t2: [0], t3: [0] });
});

test('Sticky: owners over quota keep maxQuota while members with more than minQuota are still expected', () => {
  const g: GroupDescription = {
    topics: { t: 10 },
    members: [
      { id: 'a', topics: ['t'], owned: { t: [0, 1, 2, 3, 4, 5] }, generation: 1 },
      { id: 'b', topics: ['t'], owned: { t: [6, 7, 8, 9] }, generation: 1 },
      { id: 'c', topics: ['t'] },
    ],
  };
  // min 3, max 4, one member may hold 4: a keeps [0..3] and revokes 4, 5; b keeps min 3 and revokes 9;
  // c gets 4, 5, 9.
  assert.deepEqual(assign(AssignorName.STICKY, g).assignment, {
    a: { t: [0, 1, 2, 3] },
    b: { t: [6, 7, 8] },
    c: { t: [4, 5, 9] },
  });
  assert.deepEqual(assign(AssignorName.COOPERATIVE_STICKY, g), {
    assignment: { a: { t: [0, 1, 2, 3] }, b: { t: [6, 7, 8] }, c: {} },
    revoked: { a: { t: [4, 5] }, b: { t: [9] }, c: {} },
  });
});

/** Zipf weights (exponent s) over n partitions, ranks shuffled by a fixed LCG so the heavy ones are spread. */
function zipfWeights(n: number, s: number, seed: number): number[] {
  const w = Array.from({ length: n }, (_, i) => 1000 / Math.pow(i + 1, s));
  let x = seed;
  for (let i = n - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [w[i], w[j]] = [w[j]!, w[i]!];
  }
  return w;
}

function maxToMean(loads: number[]): number {
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  return Math.max(...loads) / mean;
}

test('load-aware on Zipf partition weights: max/mean ≤ 1.10 where RoundRobin gives more', (t) => {
  for (const [partitions, members, s, seed] of [
    [64, 6, 0.8, 1],
    [200, 8, 0.8, 7],
    [120, 4, 1.0, 3],
  ] as const) {
    const weights = zipfWeights(partitions, s, seed);
    const g: GroupDescription = {
      topics: { events: partitions },
      weights: { events: weights },
      members: Array.from({ length: members }, (_, i) => ({ id: `c${i}`, topics: ['events'] })),
    };
    const la = loadAwareAssign(g);
    const rr = roundRobinAssign(g).assignment;
    const rrLoads = Object.values(rr).map((ts) =>
      (ts['events'] ?? []).reduce((sum, p) => sum + weights[p]!, 0),
    );
    const rrRatio = maxToMean(rrLoads);
    t.diagnostic(
      `${partitions} partitions / ${members} members, zipf s=${s}: load-aware max/mean ${la.stats.maxToMean.toFixed(3)}, roundrobin ${rrRatio.toFixed(3)}`,
    );
    assert.ok(la.stats.maxToMean <= 1.1, `load-aware ${la.stats.maxToMean}`);
    assert.ok(rrRatio > 1.1, `roundrobin ${rrRatio}`);
    // Stickiness: the same group again with the result as owned moves nothing.
    const again = loadAwareAssign({
      ...g,
      members: g.members.map((m) => ({ ...m, owned: la.assignment[m.id]!, generation: 1 })),
    });
    assert.deepEqual(again.assignment, la.assignment);
    // A member leaves: the survivors keep most of their partitions and the balance holds.
    const left = loadAwareAssign({
      ...g,
      members: g.members.slice(1).map((m) => ({ ...m, owned: la.assignment[m.id]!, generation: 1 })),
    });
    assert.ok(left.stats.maxToMean <= 1.1, `after a leave ${left.stats.maxToMean}`);
    let kept = 0;
    let had = 0;
    for (const m of g.members.slice(1)) {
      const before = la.assignment[m.id]!['events'] ?? [];
      had += before.length;
      kept += before.filter((p) => left.assignment[m.id]!['events']?.includes(p)).length;
    }
    t.diagnostic(
      `after a leave: survivors kept ${kept}/${had} partitions, max/mean ${left.stats.maxToMean.toFixed(3)}`,
    );
    assert.ok(kept / had >= 0.7, `kept ${kept}/${had}`);
  }
});

test('load-aware, random Zipf weights (heaviest partition ≤ half a member share): max/mean ≤ 1.10', (t) => {
  let worstLa = 0;
  let rrAbove = 0;
  let runs = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 40, max: 200 }),
      fc.integer({ min: 2, max: 8 }),
      fc.double({ min: 0.5, max: 1.1, noNaN: true }),
      fc.integer({ min: 1, max: 1e6 }),
      (partitions, members, s, seed) => {
        const weights = zipfWeights(partitions, s, seed);
        const total = weights.reduce((a, b) => a + b, 0);
        fc.pre(Math.max(...weights) <= total / members / 2);
        const g: GroupDescription = {
          topics: { events: partitions },
          weights: { events: weights },
          members: Array.from({ length: members }, (_, i) => ({ id: `c${i}`, topics: ['events'] })),
        };
        const la = loadAwareAssign(g).stats.maxToMean;
        const rr = roundRobinAssign(g).assignment;
        const rrRatio = maxToMean(
          Object.values(rr).map((ts) => (ts['events'] ?? []).reduce((sum, p) => sum + weights[p]!, 0)),
        );
        worstLa = Math.max(worstLa, la);
        if (rrRatio > 1.1) rrAbove++;
        runs++;
        assert.ok(la <= 1.1, `load-aware ${la} (roundrobin ${rrRatio})`);
        assert.ok(la <= rrRatio + 1e-9, 'never worse than roundrobin');
      },
    ),
    { numRuns: 60 },
  );
  t.diagnostic(
    `${runs} random Zipf groups: worst load-aware max/mean ${worstLa.toFixed(3)}; roundrobin above 1.10 in ${rrAbove}`,
  );
});
