// Property tests over random groups: the invariants every assignor must keep, order independence,
// Java's balance criterion, stickiness and the cooperative two-round protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assign, AssignorName, ownersOf, partitionCounts } from '../../src/assignors/index.js';
import type { Assignment, GroupDescription, GroupMember } from '../../src/assignors/types.js';

const ALL = Object.values(AssignorName);
const RUNS = 150;

/** Random group: 1–4 topics of 0–24 partitions, 1–9 members, equal or unequal subscriptions. */
const groupArb = (equal: boolean | 'any' = 'any'): fc.Arbitrary<GroupDescription> =>
  fc
    .record({
      sizes: fc.array(fc.integer({ min: 0, max: 24 }), { minLength: 1, maxLength: 4 }),
      members: fc.integer({ min: 1, max: 9 }),
      equal: equal === 'any' ? fc.boolean() : fc.constant(equal),
      masks: fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 9, maxLength: 9 }),
      statics: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
    })
    .map(({ sizes, members, equal: eq, masks, statics }) => {
      const topics: Record<string, number> = {};
      sizes.forEach((n, i) => (topics[`t${i}`] = n));
      const names = Object.keys(topics);
      const ms: GroupMember[] = [];
      for (let i = 0; i < members; i++) {
        let subs = eq ? names : names.filter((_, k) => (masks[i]! >> k) & 1);
        if (subs.length === 0) subs = [names[i % names.length]!];
        ms.push({
          id: `m${(i * 7919) % 97}-${i}`,
          topics: subs,
          ...(statics[i] ? { instanceId: `i${members - i}` } : {}),
        });
      }
      return { topics, members: ms };
    });

function subscribes(g: GroupDescription, member: string, topic: string): boolean {
  return g.members.find((m) => m.id === member)!.topics.includes(topic);
}

/** Every partition of a topic with at least one subscriber is assigned exactly once, to a subscriber. */
function assertComplete(g: GroupDescription, a: Assignment, label: string): void {
  const owners = ownersOf(a);
  for (const [topic, n] of Object.entries(g.topics)) {
    const subscribed = g.members.some((m) => m.topics.includes(topic));
    for (let p = 0; p < n; p++) {
      const o = owners.get(`${topic}/${p}`);
      if (!subscribed)
        assert.equal(o, undefined, `${label}: ${topic}/${p} assigned although nobody subscribes`);
      else {
        assert.ok(o !== undefined, `${label}: ${topic}/${p} unassigned`);
        assert.ok(subscribes(g, o, topic), `${label}: ${topic}/${p} given to ${o}, not a subscriber`);
      }
    }
  }
  assert.equal(
    owners.size,
    Object.entries(g.topics)
      .filter(([t]) => g.members.some((m) => m.topics.includes(t)))
      .reduce((s, [, n]) => s + n, 0),
  );
  assert.deepEqual(Object.keys(a).sort(), g.members.map((m) => m.id).sort(), `${label}: every member listed`);
  for (const topics of Object.values(a))
    for (const ps of Object.values(topics))
      assert.deepEqual(
        ps,
        [...ps].sort((x, y) => x - y),
        'ascending',
      );
}

function spread(a: Assignment): number {
  const c = Object.values(partitionCounts(a));
  return Math.max(...c) - Math.min(...c);
}

/** Java's AbstractStickyAssignor.isBalanced: no partition can move to a subscriber with fewer partitions. */
function assertJavaBalanced(g: GroupDescription, a: Assignment, label: string): void {
  const counts = partitionCounts(a);
  for (const [owner, topics] of Object.entries(a)) {
    for (const topic of Object.keys(topics)) {
      for (const m of g.members) {
        if (m.id !== owner && m.topics.includes(topic)) {
          assert.ok(
            counts[owner]! <= counts[m.id]! + 1,
            `${label}: ${owner} (${counts[owner]}) could give ${topic} to ${m.id} (${counts[m.id]})`,
          );
        }
      }
    }
  }
}

/** The group one generation later: everyone reports its assignment as owned. */
function nextGeneration(
  g: GroupDescription,
  a: Assignment,
  generation: number,
  keep: (m: GroupMember) => boolean = () => true,
): GroupDescription {
  return { ...g, members: g.members.filter(keep).map((m) => ({ ...m, owned: a[m.id] ?? {}, generation })) };
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('every assignor: each subscribed partition assigned exactly once, to a subscriber', () => {
  fc.assert(
    fc.property(groupArb(), (g) => {
      for (const name of ALL) {
        if (name === AssignorName.COOPERATIVE_STICKY) continue; // first round from scratch equals sticky; checked below
        assertComplete(g, assign(name, g).assignment, name);
      }
    }),
    { numRuns: RUNS },
  );
});

test('equal subscriptions: balanced within one partition (Range: within one per topic)', () => {
  fc.assert(
    fc.property(groupArb(true), (g) => {
      for (const name of [AssignorName.ROUNDROBIN, AssignorName.STICKY, AssignorName.COOPERATIVE_STICKY]) {
        assert.ok(spread(assign(name, g).assignment) <= 1, `${name} spread`);
      }
      const range = assign(AssignorName.RANGE, g).assignment;
      for (const topic of Object.keys(g.topics)) {
        const per = Object.values(range).map((ts) => ts[topic]?.length ?? 0);
        assert.ok(Math.max(...per) - Math.min(...per) <= 1, `range per topic ${topic}`);
      }
    }),
    { numRuns: RUNS },
  );
});

test('results do not depend on member arrival order', () => {
  fc.assert(
    fc.property(groupArb(), fc.integer({ min: 1, max: 1e9 }), (g, seed) => {
      const prev = assign(AssignorName.ROUNDROBIN, g).assignment;
      const withOwned = nextGeneration(g, prev, 3);
      const reversed = { ...withOwned, members: shuffled(withOwned.members, seed) };
      for (const name of ALL) assert.deepEqual(assign(name, reversed), assign(name, withOwned), name);
    }),
    { numRuns: RUNS },
  );
});

test("sticky, unequal subscriptions: complete and balanced by Java's isBalanced criterion, also after churn", () => {
  fc.assert(
    fc.property(groupArb(false), fc.integer({ min: 0, max: 8 }), (g, leaver) => {
      const first = assign(AssignorName.STICKY, g).assignment;
      assertComplete(g, first, 'first');
      assertJavaBalanced(g, first, 'first');
      const next = nextGeneration(
        g,
        first,
        1,
        (m) => g.members.length === 1 || m.id !== g.members[leaver % g.members.length]!.id,
      );
      const second = assign(AssignorName.STICKY, next).assignment;
      assertComplete(next, second, 'after leave');
      assertJavaBalanced(next, second, 'after leave');
    }),
    { numRuns: RUNS },
  );
});

test('stickiness: when one member leaves, no partition of a surviving member moves (sticky and cooperative)', () => {
  fc.assert(
    fc.property(groupArb(true), fc.integer({ min: 0, max: 8 }), fc.boolean(), (g, leaverIdx, grow) => {
      fc.pre(g.members.length >= 2);
      // Start from a sticky assignment that itself went through a join (realistic owned lists).
      let a = assign(AssignorName.STICKY, g).assignment;
      if (grow) {
        const joined = {
          ...nextGeneration(g, a, 1),
          members: [...nextGeneration(g, a, 1).members, { id: 'zz-new', topics: g.members[0]!.topics }],
        };
        a = assign(AssignorName.STICKY, joined).assignment;
        g = { topics: g.topics, members: [...g.members, { id: 'zz-new', topics: g.members[0]!.topics }] };
      }
      const leaver = g.members[leaverIdx % g.members.length]!.id;
      const next = nextGeneration(g, a, 2, (m) => m.id !== leaver);
      for (const name of [AssignorName.STICKY, AssignorName.COOPERATIVE_STICKY]) {
        const r = assign(name, next);
        for (const m of next.members) {
          for (const [t, ps] of Object.entries(a[m.id] ?? {})) {
            for (const p of ps)
              assert.ok(r.assignment[m.id]?.[t]?.includes(p), `${name}: ${m.id} lost ${t}/${p}`);
          }
          if (r.revoked) assert.deepEqual(r.revoked[m.id], {}, `${name}: ${m.id} revokes nothing`);
        }
      }
    }),
    { numRuns: RUNS },
  );
});

test('cooperative-sticky: round 1 only withholds partitions that change owner; later rounds converge to the target without double ownership', () => {
  fc.assert(
    fc.property(groupArb(), fc.integer({ min: 1, max: 3 }), (g, joiners) => {
      const before = assign(AssignorName.STICKY, g).assignment;
      const grown = nextGeneration(g, before, 4);
      const newMembers = Array.from({ length: joiners }, (_, i) => ({
        id: `new-${i}`,
        topics: g.members[i % g.members.length]!.topics,
      }));
      const group1 = { ...grown, members: [...grown.members, ...newMembers] };
      const target = assign(AssignorName.STICKY, group1).assignment;
      const round1 = assign(AssignorName.COOPERATIVE_STICKY, group1);
      const targetOwners = ownersOf(target);
      const r1Owners = ownersOf(round1.assignment);
      for (const [key, m] of r1Owners)
        assert.equal(targetOwners.get(key), m, `round 1 ${key} agrees with the target`);
      const prevOwners = ownersOf(before);
      for (const [key, m] of targetOwners) {
        const prev = prevOwners.get(key);
        const moves = prev !== undefined && prev !== m;
        assert.equal(r1Owners.has(key), !moves, `${key}: withheld iff it changes owner`);
        const [t, p] = key.split('/');
        if (moves) assert.ok(round1.revoked![prev]?.[t!]?.includes(Number(p)), `${prev} revokes ${key}`);
      }
      // Later rounds: members report what they kept, one generation later. KIP-429 safety in every round: a
      // member is only given partitions it owned or that nobody owned. On equal subscriptions the second round
      // completes the target; the general path converges within a few rounds, as Java's does.
      let group: GroupDescription = group1;
      let result = round1;
      const maxRounds = group1.members.every((m) => m.topics.join() === group1.members[0]!.topics.join())
        ? 2
        : 4;
      for (let round = 2; round <= maxRounds; round++) {
        group = nextGeneration(group, result.assignment, 4 + round);
        const owned = ownersOf(result.assignment);
        result = assign(AssignorName.COOPERATIVE_STICKY, group);
        for (const [key, m] of ownersOf(result.assignment)) {
          const o = owned.get(key);
          assert.ok(
            o === undefined || o === m,
            `round ${round}: ${key} given to ${m} while ${o} still owns it`,
          );
        }
        if (Object.values(result.revoked!).every((r) => Object.keys(r).length === 0)) break;
      }
      assertComplete(group, result.assignment, `final round`);
      for (const r of Object.values(result.revoked!)) assert.deepEqual(r, {});
    }),
    { numRuns: RUNS },
  );
});

test('generations: stale claims are discarded, same-generation double claims are dropped for both', () => {
  const g: GroupDescription = {
    topics: { t: 4 },
    members: [
      { id: 'a', topics: ['t'], owned: { t: [0, 1] }, generation: 7 },
      { id: 'b', topics: ['t'], owned: { t: [2, 3] }, generation: 6 }, // missed generation 7: claims are stale
      { id: 'c', topics: ['t'], owned: { t: [3] }, generation: 7 },
    ],
  };
  // a keeps 0 (its first owned partition within the max quota of 2), c keeps 3; b's stale claim on 2 and 3 is ignored.
  const r = assign(AssignorName.STICKY, g).assignment;
  assert.ok(r['a']!['t']!.includes(0) && r['a']!['t']!.includes(1));
  assert.ok(r['c']!['t']!.includes(3));
  assert.deepEqual(r['b'], { t: [2] });

  const dbl: GroupDescription = {
    topics: { t: 2 },
    members: [
      { id: 'a', topics: ['t'], owned: { t: [0] }, generation: 3 },
      { id: 'b', topics: ['t'], owned: { t: [0] }, generation: 3 },
    ],
  };
  const coop = assign(AssignorName.COOPERATIVE_STICKY, dbl);
  // Partition 0 was claimed twice: nobody owns it validly, and the cooperative round withholds it (Java adds it
  // to partitionsTransferringOwnership) while both claimers revoke it.
  assert.deepEqual(coop.assignment, { a: {}, b: { t: [1] } });
  assert.deepEqual(coop.revoked, { a: { t: [0] }, b: { t: [0] } });
  assert.deepEqual(assign(AssignorName.STICKY, dbl).assignment, { a: { t: [0] }, b: { t: [1] } });
});

test('load-aware and sticky keep the invariants with the same random groups and churn', () => {
  fc.assert(
    fc.property(
      groupArb(),
      fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 100, maxLength: 100 }),
      (g, ws) => {
        const weights: Record<string, number[]> = {};
        let k = 0;
        for (const [t, n] of Object.entries(g.topics))
          weights[t] = Array.from({ length: n }, () => ws[k++ % ws.length]!);
        const withW = { ...g, weights };
        const a = assign(AssignorName.LOAD_AWARE, withW).assignment;
        assertComplete(withW, a, 'load-aware');
        const again = assign(AssignorName.LOAD_AWARE, nextGeneration(withW, a, 1));
        assertComplete(withW, again.assignment, 'load-aware with owned');
      },
    ),
    { numRuns: 60 },
  );
});
