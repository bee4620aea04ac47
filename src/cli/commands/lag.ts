/**
 * `kpart lag --brokers H:P --group G [--topic T] [--watch 30s [--samples 10]] [--json]`: the
 * `kafka-consumer-groups --describe` table (TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG), plus with
 * --watch a Burrow status per partition and lag in seconds, and a call-out when lag sits on few partitions.
 */
import type { Command } from 'commander';
import { watchGroupLag, type LagReport } from '../../cluster/lag.js';
import { UsageError } from '../../errors.js';
import {
  addClusterOptions,
  resolveClusterOptions,
  runClusterCommand,
  type ClusterFlagValues,
} from '../cluster-options.js';
import { parseDuration, parseList, parsePositiveInt } from '../options.js';
import { fmtNum, formatTable, printJson } from '../output.js';

interface LagFlags extends ClusterFlagValues {
  group: string;
  topic?: string[];
  watch?: string;
  samples?: string;
  json?: boolean;
}

/** Burrow's default window is 10 offsets; a watch takes that many samples unless told otherwise. */
export const DEFAULT_WATCH_SAMPLES = 10;

function collect(flag: string) {
  return (raw: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...parseList(flag, raw)];
}

export function renderLag(r: LagReport): string {
  const lines: string[] = [];
  const watched = r.samples >= 2;
  const uncommitted = r.partitions.filter((p) => p.committedOffset < 0).length;
  lines.push(
    `group ${r.group}: ${r.partitions.length} partitions on ${r.topics.join(', ')}; total lag ${r.totalLag}` +
      (uncommitted > 0
        ? ` (${uncommitted} partition${uncommitted > 1 ? 's' : ''} never committed: counted from the log start)`
        : '') +
      (watched
        ? `; ${r.samples} samples over ${fmtNum(r.watchMs / 1000)} s; status ${r.status ?? 'OK'}`
        : ''),
  );
  lines.push('');
  const headers = ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'LAG-SECONDS'];
  if (watched) headers.push('STATUS');
  lines.push(
    formatTable(
      headers,
      r.partitions.map((p) => {
        const row: (string | number)[] = [
          p.topic,
          p.partition,
          // kafka-consumer-groups prints "-" for a partition the group never committed on (and for its lag).
          p.committedOffset >= 0 ? p.committedOffset : '-',
          p.endOffset,
          p.committedOffset >= 0 ? p.lag : '-',
          p.lagSeconds !== undefined ? p.lagSeconds.toFixed(1) : '-',
        ];
        if (watched) row.push(p.status ?? '-');
        return row;
      }),
    ),
  );
  for (const h of r.hotPartitions) lines.push('', `hot partitions: ${h.message}`);
  if (!watched)
    lines.push(
      '',
      'status: run with --watch 30s for Burrow status (OK/WARN/STALL/STOP/REWIND) and lag seconds',
    );
  return lines.join('\n');
}

export function register(program: Command): void {
  const cmd = program
    .command('lag')
    .description("a consumer group's per-partition lag, Burrow status and lag in seconds")
    .requiredOption('--group <group>', 'consumer group id')
    .option(
      '--topic <topics>',
      'topic(s) to check, repeatable or comma-separated (default: topics the group committed on)',
      collect('--topic'),
    )
    .option('--watch <duration>', 'sample over this window for Burrow status and lag seconds, e.g. 30s')
    .option(
      '--samples <n>',
      `samples taken during --watch (default ${DEFAULT_WATCH_SAMPLES}, Burrow's window)`,
    )
    .option('--json', 'print JSON');
  addClusterOptions(cmd).action(async (flags: LagFlags) => {
    const conn = resolveClusterOptions(flags);
    if (flags.samples !== undefined && flags.watch === undefined)
      throw new UsageError('--samples needs --watch');
    const watchMs = flags.watch !== undefined ? parseDuration('--watch', flags.watch) : 0;
    const samples =
      flags.watch === undefined
        ? 1
        : flags.samples !== undefined
          ? parsePositiveInt('--samples', flags.samples, 10_000)
          : DEFAULT_WATCH_SAMPLES;
    if (flags.watch !== undefined && samples < 2)
      throw new UsageError('--samples must be at least 2 with --watch');
    if (flags.watch !== undefined && watchMs <= 0) throw new UsageError('--watch must be longer than 0');
    const report = await runClusterCommand(
      conn,
      (admin) =>
        watchGroupLag(admin, {
          group: flags.group,
          ...(flags.topic ? { topics: flags.topic } : {}),
          samples,
          sampleIntervalMs: samples > 1 ? watchMs / (samples - 1) : 0,
          timeoutMs: conn.timeoutMs,
          ...(!flags.json && samples > 1 && process.stderr.isTTY
            ? {
                onSample: (i: number, n: number) =>
                  process.stderr.write(`\rsample ${i}/${n}${i === n ? '\n' : ''}`),
              }
            : {}),
        }),
      flags.topic ?? [],
    );
    if (flags.json) printJson(report);
    else process.stdout.write(renderLag(report) + '\n');
  });
}
