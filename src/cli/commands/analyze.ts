/**
 * `kpart analyze [FILE]`: per-partition skew of a key distribution (JSONL, CSV or one key per line, file or
 * stdin) under one or more strategies, side by side, with hot keys. Also home of the helpers the other
 * analysis commands (simulate, repartition, demo) share.
 */
import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { InputError, UsageError } from '../../errors.js';
import { Analyzer, type AnalysisResult } from '../../analysis/analyzer.js';
import { analyzeInput, InputFormat, type ReadProgress } from '../../analysis/input.js';
import { renderAnalysis } from '../../analysis/render.js';
import { renderReport } from '../../analysis/report.js';
import {
  canonicalStrategyName,
  createStrategy,
  specsReadRecordFields,
  strategyNames,
} from '../../partitioners/registry.js';
import { parseBytes, parseChoice, parseList, parsePositiveInt } from '../options.js';
import { printJson } from '../output.js';
import { addFromTopicOptions, runFromTopic, type FromTopicFlags } from './analyze-from-topic.js';

/** Parses --strategy a,b,c and checks each spec builds (UsageError naming the bad one). */
export function parseStrategies(raw: string): string[] {
  // Some specs contain commas themselves (composite:tenant,user): a part that does not start with a
  // strategy name continues the previous spec.
  const specs: string[] = [];
  for (const part of parseList('--strategy', raw)) {
    const name = part.split(':')[0] ?? '';
    if (
      canonicalStrategyName(name) === undefined &&
      specs.length > 0 &&
      specs[specs.length - 1]!.includes(':')
    )
      specs[specs.length - 1] += `,${part}`;
    else specs.push(part);
  }
  for (const s of specs) createStrategy(s);
  if (new Set(specs).size !== specs.length)
    throw new UsageError(`--strategy lists a strategy twice: "${raw}"`);
  return specs;
}

/** Whether records must be parsed for these strategies (the registry knows which read fields beyond the key). */
export function needsValues(specs: readonly string[]): boolean {
  return specsReadRecordFields(specs);
}

export const STRATEGY_HELP = () =>
  `comma-separated strategies (${strategyNames().join(', ')}; parameterised like salted:8)`;

/** Writes the HTML report and returns its absolute path. */
export function writeReport(
  path: string,
  result: AnalysisResult,
  title: string,
  source: string,
  notes: string[] = [],
): string {
  const abs = resolve(path);
  try {
    writeFileSync(abs, renderReport(result, { title, source, notes }));
  } catch (err) {
    throw new InputError(
      `cannot write report ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'E_WRITE',
    );
  }
  return abs;
}

/** `--report FILE`: writes the HTML report and, unless --json, names it on stdout. */
export function reportIfRequested(
  flags: { report?: string | undefined; json?: boolean | undefined },
  result: AnalysisResult,
  title: string,
  source: string,
): void {
  if (!flags.report) return;
  const path = writeReport(flags.report, result, title, source);
  if (!flags.json) process.stdout.write(`\nReport: ${path}\n`);
}

/**
 * A progress bar on stderr, only on a TTY and only once the work has taken more than a second
 * (short runs stay quiet; pipes and CI logs never get control characters).
 */
export function progressReporter(enabled: boolean): { onProgress: ReadProgress; stop: () => void } {
  const started = performance.now();
  let bar: cliProgress.SingleBar | undefined;
  const on = enabled && process.stderr.isTTY === true;
  return {
    onProgress: (done, total) => {
      if (!on || total === undefined || total === 0) return;
      if (!bar) {
        if (performance.now() - started < 1000) return;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'analyzing [{bar}] {percentage}% | {mb}/{totalMb} MB | eta {eta}s',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { mb: (done / 1e6).toFixed(0), totalMb: (total / 1e6).toFixed(0) });
      }
      bar.update(done, { mb: (done / 1e6).toFixed(0), totalMb: (total / 1e6).toFixed(0) });
    },
    stop: () => bar?.stop(),
  };
}

/** Prints hidden --stats (elapsed, peak RSS) to stderr as one JSON line, for the benchmark. */
export function printStats(started: number, records: number): void {
  const elapsedMs = performance.now() - started;
  const usage = process.resourceUsage();
  const maxRssBytes = usage.maxRSS * 1024;
  // CPU time of the whole process (all threads): on a busy machine it says more than wall time
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stderr.write(
    JSON.stringify({
      kpartStats: { elapsedMs, cpuMs, maxRssBytes, records, recordsPerSec: records / (elapsedMs / 1000) },
    }) + '\n',
  );
}

export function outputAnalysis(result: AnalysisResult, json: boolean): void {
  if (json) printJson(result);
  else process.stdout.write(renderAnalysis(result) + '\n');
}

interface AnalyzeFlags {
  partitions: string;
  strategy: string;
  key?: string;
  format: string;
  timestamp?: string;
  valueSize?: string;
  strict?: boolean;
  maxLineBytes?: string;
  top: string;
  json?: boolean;
  report?: string;
  progress: boolean;
  fast: boolean;
  stats?: boolean;
}

/** Options of `analyze` that only mean something with --from-topic (attribute names). */
const FROM_TOPIC_ONLY = new Set([
  'sample',
  'workers',
  'brokers',
  'saslMechanism',
  'saslUsername',
  'saslPassword',
  'ssl',
  'sslCa',
  'sslCert',
  'sslKey',
  'timeout',
  'clientId',
]);

export function register(program: Command): void {
  // --from-topic (sampling a live topic) lives in analyze-from-topic.ts; it adds its flags here.
  addFromTopicOptions(program.command('analyze'))
    .description(
      'measure partition skew of your keys (JSONL, CSV or one key per line; FILE or stdin) per strategy',
    )
    .argument('[file]', 'input file; "-" or none reads stdin')
    .option(
      '-p, --partitions <N>',
      "number of partitions (required unless --from-topic: then the topic's count)",
    )
    .option('-s, --strategy <list>', STRATEGY_HELP(), 'murmur2')
    .option('-k, --key <field>', 'key field (JSONL, dotted paths like user.id) or CSV column', 'key')
    .option('--format <format>', `input format: ${Object.values(InputFormat).join(', ')}`, 'auto')
    .option('--timestamp <field>', 'field/column with the record timestamp (ms or ISO date)')
    .option('--value-size <field>', 'field/column with the record size in bytes (default: the line length)')
    .option('--strict', 'fail (exit 2) on the first malformed record instead of counting it')
    .option('--max-line-bytes <size>', 'longer lines are malformed (default 1MiB)')
    .option('--top <N>', 'hot keys to report', '10')
    .option('--json', 'machine-readable output')
    .option('--report <file.html>', 'also write a self-contained HTML report')
    .option('--no-progress', 'no progress bar (it only shows on a TTY anyway)')
    .addOption(new Option('--no-fast', 'parse every JSONL line with JSON.parse').hideHelp())
    .addOption(new Option('--stats', 'print elapsed time and peak RSS to stderr').hideHelp())
    .action(async (file: string | undefined, flags: AnalyzeFlags, cmd: Command) => {
      const started = performance.now();
      if ((flags as { fromTopic?: string }).fromTopic !== undefined)
        return runFromTopic(file, flags as unknown as FromTopicFlags);
      // Cluster flags without --from-topic would be ignored (and without FILE, stdin read instead): refuse them.
      const clusterOnly = cmd.options.find(
        (o) =>
          FROM_TOPIC_ONLY.has(o.attributeName()) && cmd.getOptionValueSource(o.attributeName()) === 'cli',
      );
      if (clusterOnly) throw new UsageError(`${clusterOnly.long ?? clusterOnly.flags} needs --from-topic`);
      if (flags.partitions === undefined)
        throw new UsageError("required option '-p, --partitions <N>' not specified");
      const partitions = parsePositiveInt('--partitions', flags.partitions, 1_000_000);
      const strategies = parseStrategies(flags.strategy);
      const format = parseChoice('--format', flags.format, InputFormat);
      const top = parsePositiveInt('--top', flags.top, 10_000);
      const maxLineBytes =
        flags.maxLineBytes === undefined ? undefined : parseBytes('--max-line-bytes', flags.maxLineBytes);
      if (maxLineBytes !== undefined && maxLineBytes > 256 * 1024 * 1024)
        throw new UsageError('--max-line-bytes must be at most 256MiB');
      const analyzer = new Analyzer({ partitions, strategies, topK: top });
      const progress = progressReporter(flags.progress);
      try {
        await analyzeInput(
          file,
          analyzer,
          {
            format,
            key: flags.key ?? 'key',
            ...(flags.timestamp !== undefined ? { timestamp: flags.timestamp } : {}),
            ...(flags.valueSize !== undefined ? { valueSize: flags.valueSize } : {}),
            strict: flags.strict === true,
            ...(maxLineBytes !== undefined ? { maxLineBytes: Math.floor(maxLineBytes) } : {}),
            needValue: needsValues(strategies),
            fast: flags.fast,
          },
          progress.onProgress,
        );
      } finally {
        progress.stop();
      }
      const result = analyzer.result();
      outputAnalysis(result, flags.json === true);
      reportIfRequested(flags, result, 'kpart analyze', file && file !== '-' ? file : 'stdin');
      if (flags.stats) printStats(started, result.records);
    });
}
