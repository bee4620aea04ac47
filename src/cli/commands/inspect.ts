/**
 * `kpart inspect --brokers H:P --topic T [--interval 10s] [--json]`: live per-partition offsets, rates, share of
 * traffic, leaders per broker, and the analyzer's skew metrics/alerts on the live counts. See
 * src/cluster/inspect.ts for which counts are used with and without --interval.
 */
import type { Command } from 'commander';
import { inspectTopic, type InspectReport } from '../../cluster/inspect.js';
import {
  addClusterOptions,
  resolveClusterOptions,
  runClusterCommand,
  type ClusterFlagValues,
} from '../cluster-options.js';
import { parseDuration } from '../options.js';
import { fmtNum, formatTable, printJson } from '../output.js';

interface InspectFlags extends ClusterFlagValues {
  topic: string;
  interval?: string;
  json?: boolean;
}

export function renderInspect(r: InspectReport): string {
  const lines: string[] = [];
  const basis =
    r.countBasis === 'interval'
      ? `records appended over ${fmtNum(r.intervalMs / 1000)} s`
      : 'records retained (no --interval: rate 0)';
  lines.push(`topic ${r.topic}: ${r.partitions.length} partitions, counts = ${basis}`);
  lines.push('');
  lines.push(
    formatTable(
      ['PARTITION', 'LEADER', 'START-OFFSET', 'END-OFFSET', 'RECORDS', 'RATE/S', 'SHARE'],
      r.partitions.map((p) => [
        p.partition,
        p.leaderAvailable ? String(p.leader) : `${p.leader} (down)`,
        p.startOffset,
        p.endOffset,
        p.records,
        Number(p.rate.toFixed(1)),
        `${(100 * p.share).toFixed(1)}%`,
      ]),
    ),
  );
  lines.push('');
  lines.push(
    `leaders per broker: ${Object.entries(r.leadersPerBroker)
      .map(([b, n]) => `${b}=${n}`)
      .join(' ')}`,
  );
  lines.push(
    `total: ${r.totalRecords} records${r.countBasis === 'interval' ? `, ${fmtNum(r.totalRate)} records/s` : ''}`,
  );
  const s = r.skew;
  lines.push(
    `skew: max/min ${fmtNum(s.loadSkewRatio)}, max/mean ${fmtNum(s.maxToMean)}, CV ${fmtNum(s.coefficientOfVariation)}, ` +
      `gini ${fmtNum(s.gini)}, hotspots ${s.hotspots.length ? s.hotspots.join(',') : 'none'}, empty ${s.empty.length}`,
  );
  if (r.alerts.length === 0) lines.push('alerts: none');
  else
    for (const a of r.alerts)
      lines.push(
        `alert ${a.code}: ${a.message}${a.partitions.length ? ` [${a.partitions.join(', ')}]` : ''}`,
      );
  return lines.join('\n');
}

export function register(program: Command): void {
  const cmd = program
    .command('inspect')
    .description('per-partition offsets, rates, leaders and skew of a live topic')
    .requiredOption('--topic <topic>', 'topic to inspect')
    .option(
      '--interval <duration>',
      'read offsets twice this far apart and report records/s (e.g. 10s); without it, counts are records retained and rate is 0',
    )
    .option('--json', 'print JSON');
  addClusterOptions(cmd).action(async (flags: InspectFlags) => {
    const conn = resolveClusterOptions(flags);
    const intervalMs = flags.interval !== undefined ? parseDuration('--interval', flags.interval) : 0;
    const report = await runClusterCommand(
      conn,
      (admin) => inspectTopic(admin, flags.topic, { intervalMs, timeoutMs: conn.timeoutMs }),
      [flags.topic],
    );
    if (flags.json) printJson(report);
    else process.stdout.write(renderInspect(report) + '\n');
  });
}
