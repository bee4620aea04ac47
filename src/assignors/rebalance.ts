/**
 * Rebalance simulator: replays a scenario (scale-out, crash, rolling restart, deploy storm) on a one-topic
 * group and reports, per step, partitions revoked, moved and kept and who is paused for how long, under the
 * eager protocol (with the chosen assignor) and the cooperative protocol (KIP-429, cooperative-sticky) side
 * by side.
 *
 * Cost model (all constants are options; defaults are typical for a Java consumer on a healthy cluster):
 *   - eager round: every member commits (commitMs), revokes everything, re-joins (joinMs) and syncs (syncMs);
 *     all members stop processing for commit + join + sync. Partitions that change owner are paused that long
 *     plus a state warm-up (warmupMs: cache fill / state-store restore on the new owner).
 *   - cooperative: members keep processing while they re-join. A partition that changes owner is revoked
 *     after the first round's sync (commitMs) and assigned in a second round (joinMs + syncMs), then warms up:
 *     paused commit + join + sync + warmup; partitions that stay are never paused; no member stops.
 *   - a crashed member is noticed after sessionTimeoutMs; its partitions are paused from the crash until
 *     reassigned and warmed up. A graceful shutdown (LeaveGroup) is noticed at once.
 *   - static membership (KIP-345): a member that returns within sessionTimeoutMs keeps its partitions and
 *     no rebalance happens; only its own partitions pause (restartMs + warmupMs). Static members do not send
 *     LeaveGroup on shutdown, so a rolling restart causes no rebalance at all when restarts are quick.
 *   - deploy storm: N restarts either staggered (one member at a time, the next after the group settled) or
 *     simultaneous (all N leave within one join window and come back together: two merged rebalances, but
 *     the group runs short-handed — or not at all — while they are down).
 */
import { UsageError } from '../errors.js';
import { assign, ownersOf } from './index.js';
import { AssignorName, type Assignment, type GroupDescription, type GroupMember } from './types.js';

export interface CostModel {
  commitMs: number;
  joinMs: number;
  syncMs: number;
  warmupMs: number;
  sessionTimeoutMs: number;
  restartMs: number;
}

export const DEFAULT_COST_MODEL: Readonly<CostModel> = {
  commitMs: 50,
  joinMs: 300,
  syncMs: 100,
  warmupMs: 2000,
  // Java's session.timeout.ms default since Kafka 3.0 (KIP-735).
  sessionTimeoutMs: 45000,
  restartMs: 10000,
};

export const ScenarioKind = {
  SCALE_OUT: 'scale-out',
  SCALE_IN: 'scale-in',
  CRASH: 'crash',
  ROLLING_RESTART: 'rolling-restart',
  DEPLOY_STORM: 'deploy-storm',
} as const;
export type ScenarioKind = (typeof ScenarioKind)[keyof typeof ScenarioKind];

export type Scenario =
  | { kind: 'scale-out'; count: number }
  | { kind: 'scale-in'; count: number }
  | { kind: 'crash'; member: string }
  | { kind: 'rolling-restart' }
  | { kind: 'deploy-storm'; count: number };

export const SIMULATED_ASSIGNORS = [
  AssignorName.RANGE,
  AssignorName.ROUNDROBIN,
  AssignorName.STICKY,
  AssignorName.COOPERATIVE_STICKY,
] as const;
export type SimulatedAssignor = (typeof SIMULATED_ASSIGNORS)[number];

/** Parses `scale-out:+2`, `scale-in:-1`, `crash:c3`, `rolling-restart`, `deploy-storm:20`. */
export function parseScenario(raw: string): Scenario {
  const [kind, arg] = raw.split(':', 2) as [string, string | undefined];
  const count = (re: RegExp): number => {
    const m = arg === undefined ? null : re.exec(arg);
    if (!m || Number(m[1]) < 1)
      throw new UsageError(
        `--scenario ${kind} needs a positive count, e.g. ${kind}:${kind === 'scale-in' ? '-1' : kind === 'scale-out' ? '+2' : '20'}; got "${raw}"`,
      );
    return Number(m[1]);
  };
  switch (kind) {
    case 'scale-out':
      return { kind, count: count(/^\+?(\d+)$/) };
    case 'scale-in':
      return { kind, count: count(/^-?(\d+)$/) };
    case 'crash':
      if (!arg) throw new UsageError(`--scenario crash needs a member, e.g. crash:c3; got "${raw}"`);
      return { kind, member: arg };
    case 'rolling-restart':
      if (arg !== undefined)
        throw new UsageError(`--scenario rolling-restart takes no argument; got "${raw}"`);
      return { kind };
    case 'deploy-storm':
      return { kind, count: count(/^(\d+)$/) };
    default:
      throw new UsageError(
        `--scenario must be one of scale-out:+N, scale-in:-N, crash:MEMBER, rolling-restart, deploy-storm:N; got "${raw}"`,
      );
  }
}

export interface ProtocolOutcome {
  /** Rebalance rounds (JoinGroup/SyncGroup cycles). */
  rounds: number;
  /** Partitions taken away from a member that is still in the group (eager: all of theirs). */
  revoked: number;
  /** Partitions whose owner changed (including those of departed members). */
  moved: number;
  /** Partitions that stayed with their owner. */
  kept: number;
  /** Members that stopped processing entirely, and for how long. */
  pausedMembers: { member: string; ms: number }[];
  /** Longest pause of any partition (ms). */
  maxPartitionPauseMs: number;
  /** Sum over partitions of their pause (partition·ms): the backlog the group must catch up on. */
  partitionPauseMs: number;
}

export interface SimStep {
  event: string;
  /** False when static membership avoided the rebalance. */
  rebalance: boolean;
  /** Group size after the step. */
  members: number;
  eager: ProtocolOutcome;
  cooperative: ProtocolOutcome;
}

export interface Totals {
  rebalances: number;
  rounds: number;
  revoked: number;
  moved: number;
  memberPauseMs: number;
  maxPartitionPauseMs: number;
  partitionPauseMs: number;
}

export interface SimVariant {
  name: string;
  steps: SimStep[];
  totals: { eager: Totals; cooperative: Totals };
}

export interface SimulationResult {
  scenario: string;
  assignor: SimulatedAssignor;
  partitions: number;
  consumers: number;
  staticMembership: boolean;
  costModel: CostModel;
  variants: SimVariant[];
}

export interface SimulationOptions {
  partitions: number;
  consumers: number;
  assignor: SimulatedAssignor;
  scenario: Scenario;
  scenarioText?: string;
  staticMembership?: boolean;
  cost?: Partial<CostModel>;
}

const TOPIC = 'events';

/** One protocol's view of the group: who owns what, at which generation. */
interface GroupState {
  members: string[];
  assignment: Assignment;
  generation: number;
}

type Protocol = 'eager' | 'cooperative';

interface Change {
  event: string;
  /** Group membership after the change. */
  members: string[];
  /** Members whose previous ownership is lost (restarted without static membership). */
  fresh?: string[];
  /** Extra pause for partitions of departed members before the rebalance starts (crash detection). */
  detectionMs?: number;
  /** Members that stop for this long before the change even without a rebalance (their own restart). */
  downMs?: Record<string, number>;
}

export function simulateRebalance(opts: SimulationOptions): SimulationResult {
  const cost: CostModel = { ...DEFAULT_COST_MODEL, ...opts.cost };
  const staticMembership = opts.staticMembership ?? false;
  const initial = Array.from({ length: opts.consumers }, (_, i) => `c${i + 1}`);
  const s = opts.scenario;
  const variants: SimVariant[] = [];
  const quickReturn = staticMembership && cost.restartMs < cost.sessionTimeoutMs;
  const restartChanges = (names: string[], label: string): Change[] => {
    // One member (or a batch) restarting: static + quick → no rebalance; else leave then re-join.
    if (quickReturn) {
      return [
        {
          event: `${label} restart (static, back within session timeout)`,
          members: initial,
          downMs: Object.fromEntries(names.map((n) => [n, cost.restartMs])),
        },
      ];
    }
    const without = initial.filter((m) => !names.includes(m));
    return [
      {
        event: `${label} leave${staticMembership ? ' (static, session timeout expired)' : ''}`,
        members: without,
        ...(staticMembership ? { detectionMs: cost.sessionTimeoutMs } : {}),
      },
      { event: `${label} re-join`, members: initial, fresh: names },
    ];
  };

  switch (s.kind) {
    case 'scale-out': {
      const added = Array.from({ length: s.count }, (_, i) => `c${opts.consumers + i + 1}`);
      variants.push(
        run('default', [
          { event: `+${s.count} member(s): ${added.join(', ')} join`, members: [...initial, ...added] },
        ]),
      );
      break;
    }
    case 'scale-in': {
      if (s.count >= opts.consumers)
        throw new UsageError(
          `--scenario scale-in:-${s.count} would remove every consumer (group has ${opts.consumers})`,
        );
      const removed = initial.slice(-s.count);
      variants.push(
        run('default', [
          {
            event: `-${s.count} member(s): ${removed.join(', ')} leave`,
            members: initial.slice(0, -s.count),
          },
        ]),
      );
      break;
    }
    case 'crash': {
      if (!initial.includes(s.member))
        throw new UsageError(
          `--scenario crash:${s.member}: no such member (members are c1..c${opts.consumers})`,
        );
      const changes: Change[] = quickReturn
        ? [
            {
              event: `${s.member} crashes and restarts (static, back within session timeout)`,
              members: initial,
              downMs: { [s.member]: cost.restartMs },
            },
          ]
        : [
            {
              event: `${s.member} crashes, detected after session timeout`,
              members: initial.filter((m) => m !== s.member),
              detectionMs: cost.sessionTimeoutMs,
            },
            { event: `${s.member} restarts and re-joins`, members: initial, fresh: [s.member] },
          ];
      variants.push(run('default', changes));
      break;
    }
    case 'rolling-restart': {
      variants.push(
        run(
          'default',
          initial.flatMap((m) => restartChanges([m], m)),
        ),
      );
      break;
    }
    case 'deploy-storm': {
      // N restarts spread over the group (round-robin when N exceeds the group size).
      const order = Array.from({ length: s.count }, (_, i) => initial[i % initial.length]!);
      variants.push(
        run(
          'staggered',
          order.flatMap((m, i) => restartChanges([m], `#${i + 1} ${m}`)),
        ),
      );
      const waves: string[][] = [];
      for (let i = 0; i < order.length; i += initial.length) waves.push(order.slice(i, i + initial.length));
      variants.push(
        run(
          'simultaneous',
          waves.flatMap((wave, i) => {
            const label = `wave ${i + 1} (${wave.length} at once)`;
            if (quickReturn) return restartChanges(wave, label);
            const without = initial.filter((m) => !wave.includes(m));
            const down: Change = {
              event: `${label}: leave${without.length === 0 ? ' — nobody left to consume' : ''}`,
              members: without,
              ...(staticMembership ? { detectionMs: cost.sessionTimeoutMs } : {}),
            };
            return [
              down,
              {
                event: `${label}: re-join`,
                members: initial,
                fresh: wave,
                ...(without.length === 0 ? { detectionMs: cost.restartMs } : {}),
              },
            ];
          }),
        ),
      );
      break;
    }
  }
  return {
    scenario: opts.scenarioText ?? describeScenario(s),
    assignor: opts.assignor,
    partitions: opts.partitions,
    consumers: opts.consumers,
    staticMembership,
    costModel: cost,
    variants,
  };

  function run(name: string, changes: Change[]): SimVariant {
    const start = (): GroupState => ({
      members: initial,
      assignment: assign(
        opts.assignor === AssignorName.COOPERATIVE_STICKY ? AssignorName.STICKY : opts.assignor,
        group(initial, {}, 0),
      ).assignment,
      generation: 1,
    });
    const eagerState = start();
    // The cooperative side starts from the same sticky layout so the comparison is about the protocol.
    const coopState: GroupState = {
      members: initial,
      assignment: assign(AssignorName.STICKY, group(initial, {}, 0)).assignment,
      generation: 1,
    };
    const steps: SimStep[] = [];
    for (const c of changes) {
      const rebalance = !c.downMs;
      steps.push({
        event: c.event,
        rebalance,
        members: c.members.length,
        eager: apply('eager', eagerState, c),
        cooperative: apply('cooperative', coopState, c),
      });
    }
    return {
      name,
      steps,
      totals: { eager: total(steps, 'eager'), cooperative: total(steps, 'cooperative') },
    };
  }

  function group(members: string[], owned: Assignment, generation: number): GroupDescription {
    return {
      topics: { [TOPIC]: opts.partitions },
      members: members.map((id): GroupMember => {
        const m: GroupMember = { id, topics: [TOPIC], generation };
        const o = owned[id];
        if (o) m.owned = o;
        if (staticMembership) m.instanceId = id;
        return m;
      }),
    };
  }

  function apply(protocol: Protocol, state: GroupState, c: Change): ProtocolOutcome {
    const before = ownersOf(state.assignment);
    if (c.downMs) {
      // No rebalance: only the restarting members' partitions pause.
      let max = 0;
      let sum = 0;
      const paused: { member: string; ms: number }[] = [];
      for (const [member, ms] of Object.entries(c.downMs)) {
        const n = Object.values(state.assignment[member] ?? {}).reduce((a, ps) => a + ps.length, 0);
        const pause = ms + (n > 0 ? cost.warmupMs : 0);
        paused.push({ member, ms: pause });
        max = Math.max(max, pause);
        sum += pause * n;
      }
      return {
        rounds: 0,
        revoked: 0,
        moved: 0,
        kept: before.size,
        pausedMembers: paused,
        maxPartitionPauseMs: max,
        partitionPauseMs: sum,
      };
    }
    const owned: Assignment = {};
    for (const m of c.members)
      if (!(c.fresh ?? []).includes(m) && state.assignment[m]) owned[m] = state.assignment[m];
    const departed = new Set(
      state.members.filter((m) => !c.members.includes(m) || (c.fresh ?? []).includes(m)),
    );
    const survivors = c.members.filter((m) => !departed.has(m) && state.members.includes(m));
    let rounds = 1;
    let revoked = 0;
    let finalAssignment: Assignment;
    const detection = c.detectionMs ?? 0;
    const round = cost.joinMs + cost.syncMs;
    const pausedMembers: { member: string; ms: number }[] = [];
    if (protocol === 'eager') {
      const name = opts.assignor === AssignorName.COOPERATIVE_STICKY ? AssignorName.STICKY : opts.assignor;
      finalAssignment = assign(name, group(c.members, owned, state.generation)).assignment;
      for (const m of survivors) {
        const n = Object.values(state.assignment[m] ?? {}).reduce((a, ps) => a + ps.length, 0);
        revoked += n;
        pausedMembers.push({ member: m, ms: cost.commitMs + round });
      }
    } else {
      let g = group(c.members, owned, state.generation);
      let r = assign(AssignorName.COOPERATIVE_STICKY, g);
      for (const rv of Object.values(r.revoked ?? {}))
        for (const ps of Object.values(rv)) revoked += ps.length;
      // Follow-up rounds until nothing is revoked (KIP-429: usually exactly one more).
      let gen = state.generation;
      while (Object.values(r.revoked ?? {}).some((rv) => Object.keys(rv).length > 0) && rounds < 6) {
        gen += 1;
        g = group(c.members, r.assignment, gen);
        r = assign(AssignorName.COOPERATIVE_STICKY, g);
        rounds += 1;
      }
      finalAssignment = r.assignment;
    }
    const after = ownersOf(finalAssignment);
    let moved = 0;
    let kept = 0;
    let max = 0;
    let sum = 0;
    const eagerBase = cost.commitMs + round;
    for (let p = 0; p < opts.partitions; p++) {
      const key = `${TOPIC}/${p}`;
      const prev = before.get(key);
      const next = after.get(key);
      const orphan = prev === undefined || departed.has(prev);
      let pause: number;
      if (next === undefined) {
        // Nobody left to own it (the whole group is down): its pause is counted when it is assigned again.
        continue;
      } else if (prev !== undefined && prev === next && !departed.has(prev)) {
        kept++;
        pause = protocol === 'eager' ? eagerBase : 0;
      } else {
        moved++;
        if (orphan) {
          // Nobody was consuming it: paused from the departure (plus detection) until assigned in the first round.
          pause = detection + round + cost.warmupMs + (protocol === 'eager' ? cost.commitMs : 0);
        } else {
          pause = protocol === 'eager' ? eagerBase + cost.warmupMs : cost.commitMs + round + cost.warmupMs;
        }
      }
      max = Math.max(max, pause);
      sum += pause;
    }
    state.members = c.members;
    state.assignment = finalAssignment;
    state.generation += rounds;
    return { rounds, revoked, moved, kept, pausedMembers, maxPartitionPauseMs: max, partitionPauseMs: sum };
  }
}

function total(steps: SimStep[], protocol: Protocol): Totals {
  const t: Totals = {
    rebalances: 0,
    rounds: 0,
    revoked: 0,
    moved: 0,
    memberPauseMs: 0,
    maxPartitionPauseMs: 0,
    partitionPauseMs: 0,
  };
  for (const s of steps) {
    const o = s[protocol];
    if (s.rebalance) t.rebalances++;
    t.rounds += o.rounds;
    t.revoked += o.revoked;
    t.moved += o.moved;
    for (const p of o.pausedMembers) t.memberPauseMs += p.ms;
    t.maxPartitionPauseMs = Math.max(t.maxPartitionPauseMs, o.maxPartitionPauseMs);
    t.partitionPauseMs += o.partitionPauseMs;
  }
  return t;
}

export function describeScenario(s: Scenario): string {
  switch (s.kind) {
    case 'scale-out':
      return `scale-out:+${s.count}`;
    case 'scale-in':
      return `scale-in:-${s.count}`;
    case 'crash':
      return `crash:${s.member}`;
    case 'rolling-restart':
      return 'rolling-restart';
    case 'deploy-storm':
      return `deploy-storm:${s.count}`;
  }
}
