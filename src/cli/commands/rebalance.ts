/**
 * `kpart rebalance --partitions 48 --consumers 6 --assignor range|roundrobin|sticky|cooperative-sticky
 *   --scenario scale-out:+2|scale-in:-1|crash:c3|rolling-restart|deploy-storm:20 [--static-membership] [--json]`
 * Simulates the scenario and prints, per step, eager (chosen assignor) vs cooperative (cooperative-sticky)
 * side by side. The cost-model constants are flags; see src/assignors/rebalance.ts and docs/assignors.md.
 */
import type { Command } from 'commander';
import {
  DEFAULT_COST_MODEL,
  SIMULATED_ASSIGNORS,
  parseScenario,
  simulateRebalance,
  type SimulationResult,
} from '../../assignors/rebalance.js';
import { UsageError } from '../../errors.js';
import { parseDuration, parsePositiveInt } from '../options.js';
import { formatTable, printJson } from '../output.js';

interface RebalanceFlags {
  partitions: string;
  consumers: string;
  assignor: string;
  scenario: string;
  staticMembership?: boolean;
  commit: string;
  join: string;
  sync: string;
  warmup: string;
  sessionTimeout: string;
  restart: string;
  json?: boolean;
}

const secs = (ms: number): string =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(0)}s` : `${(ms / 1000).toFixed(2)}s`;

export function renderSimulation(r: SimulationResult): string {
  const c = r.costModel;
  const out: string[] = [
    `${r.scenario}: ${r.partitions} partitions, ${r.consumers} consumers, eager with ${r.assignor} vs cooperative-sticky` +
      (r.staticMembership ? ', static membership' : ''),
    `cost model: commit ${c.commitMs} ms, join ${c.joinMs} ms, sync ${c.syncMs} ms, warm-up ${c.warmupMs} ms, ` +
      `session timeout ${c.sessionTimeoutMs} ms, restart ${c.restartMs} ms`,
  ];
  for (const v of r.variants) {
    out.push('');
    if (r.variants.length > 1 || v.name !== 'default') out.push(`[${v.name}]`);
    const rows: (string | number)[][] = [];
    v.steps.forEach((s, i) => {
      for (const proto of ['eager', 'cooperative'] as const) {
        const o = s[proto];
        const paused =
          o.pausedMembers.length === 0
            ? '-'
            : `${o.pausedMembers.length} × ${secs(Math.max(...o.pausedMembers.map((p) => p.ms)))}`;
        rows.push([
          proto === 'eager' ? String(i + 1) : '',
          proto === 'eager' ? s.event : '',
          proto,
          s.rebalance ? o.rounds : 'none',
          o.revoked,
          o.moved,
          o.kept,
          paused,
          secs(o.maxPartitionPauseMs),
          `${(o.partitionPauseMs / 1000).toFixed(1)}`,
        ]);
      }
    });
    out.push(
      formatTable(
        [
          'STEP',
          'EVENT',
          'PROTOCOL',
          'ROUNDS',
          'REVOKED',
          'MOVED',
          'KEPT',
          'MEMBERS PAUSED',
          'MAX PARTITION PAUSE',
          'PARTITION·S',
        ],
        rows,
      ),
    );
    const e = v.totals.eager;
    const k = v.totals.cooperative;
    out.push(
      `total: ${e.rebalances} rebalance(s); eager ${e.rounds} round(s), ${e.revoked} revoked, ${e.moved} moved, members paused ${secs(e.memberPauseMs)} in all, ` +
        `${(e.partitionPauseMs / 1000).toFixed(1)} partition·s; cooperative ${k.rounds} round(s), ${k.revoked} revoked, ${k.moved} moved, ` +
        `members paused ${secs(k.memberPauseMs)}, ${(k.partitionPauseMs / 1000).toFixed(1)} partition·s`,
    );
  }
  return out.join('\n');
}

export function register(program: Command): void {
  const d = DEFAULT_COST_MODEL;
  program
    .command('rebalance')
    .description(
      'simulate a rebalance scenario: partitions revoked/moved/kept and pauses, eager vs cooperative',
    )
    .requiredOption('--partitions <n>', 'partitions of the topic')
    .requiredOption('--consumers <n>', 'consumers in the group before the scenario (named c1..cN)')
    .option(
      '--assignor <name>',
      `assignor for the eager protocol: ${SIMULATED_ASSIGNORS.join(', ')}`,
      'range',
    )
    .requiredOption(
      '--scenario <spec>',
      'scale-out:+N, scale-in:-N, crash:cN, rolling-restart or deploy-storm:N',
    )
    .option('--static-membership', 'members have a group.instance.id (KIP-345)')
    .option('--commit <duration>', 'offset commit before revoking', `${d.commitMs}ms`)
    .option('--join <duration>', 'JoinGroup round (all members re-joining)', `${d.joinMs}ms`)
    .option('--sync <duration>', 'SyncGroup round', `${d.syncMs}ms`)
    .option('--warmup <duration>', 'state warm-up of a partition on its new owner', `${d.warmupMs}ms`)
    .option(
      '--session-timeout <duration>',
      'session.timeout.ms: crash detection and static-membership window',
      `${d.sessionTimeoutMs}ms`,
    )
    .option('--restart <duration>', 'time a restarted consumer takes to come back', `${d.restartMs}ms`)
    .option('--json', 'print JSON')
    .action((flags: RebalanceFlags) => {
      const partitions = parsePositiveInt('--partitions', flags.partitions, 100_000);
      const consumers = parsePositiveInt('--consumers', flags.consumers, 10_000);
      const assignor = SIMULATED_ASSIGNORS.find((a) => a === flags.assignor);
      if (!assignor)
        throw new UsageError(
          `--assignor must be one of ${SIMULATED_ASSIGNORS.join(', ')}; got "${flags.assignor}"`,
        );
      const scenario = parseScenario(flags.scenario);
      // The group after a scale-out is bounded like --consumers (an unbounded count never finishes).
      if (scenario.kind === 'scale-out' && consumers + scenario.count > 10_000) {
        throw new UsageError(
          `--scenario ${flags.scenario} would grow the group to ${consumers + scenario.count} consumers (limit 10000)`,
        );
      }
      // Each step re-runs both protocols over every partition: keep a run within seconds.
      const steps =
        scenario.kind === 'deploy-storm'
          ? scenario.count
          : scenario.kind === 'rolling-restart'
            ? consumers
            : 1;
      if (partitions * steps > 1_000_000) {
        throw new UsageError(
          `simulation too large: ${partitions} partitions × ${steps} restarts (limit 1,000,000 partition-steps)`,
        );
      }
      const result = simulateRebalance({
        partitions,
        consumers,
        assignor,
        scenario,
        scenarioText: flags.scenario,
        staticMembership: flags.staticMembership === true,
        cost: {
          commitMs: parseDuration('--commit', flags.commit),
          joinMs: parseDuration('--join', flags.join),
          syncMs: parseDuration('--sync', flags.sync),
          warmupMs: parseDuration('--warmup', flags.warmup),
          sessionTimeoutMs: parseDuration('--session-timeout', flags.sessionTimeout),
          restartMs: parseDuration('--restart', flags.restart),
        },
      });
      if (flags.json) printJson(result);
      else process.stdout.write(renderSimulation(result) + '\n');
    });
}
