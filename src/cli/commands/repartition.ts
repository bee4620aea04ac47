/**
 * `kpart repartition --from N --to M [FILE | --workload spec]`: share of keys and records that change
 * partition per strategy, what it means for per-key order, and a migration plan in plain words.
 */
import type { Command } from 'commander';
import { analyzeInput, InputFormat } from '../../analysis/input.js';
import { RepartitionAnalyzer, type RepartitionResult } from '../../analysis/repartition.js';
import { createWorkload, feedWorkload } from '../../analysis/workloads.js';
import { strategyNames } from '../../partitioners/registry.js';
import { parseChoice, parsePositiveInt } from '../options.js';
import { formatTable, printJson } from '../output.js';
import { needsValues, parseStrategies, progressReporter } from './analyze.js';
import {
  addWorkloadOptions,
  seededStrategyOptions,
  workloadSettings,
  type WorkloadFlags,
} from './simulate.js';

/** murmur2 (what Java and KafkaJS do) against jump (repartition-stable) when the registry has it. */
export function defaultRepartitionStrategies(): string {
  return strategyNames().includes('jump') ? 'murmur2,jump' : 'murmur2';
}

export function renderRepartition(r: RepartitionResult): string {
  const out: string[] = [];
  out.push(
    `${r.from} -> ${r.to} partitions: ${r.records} records (${r.keyless} keyless), ${r.malformed} malformed` +
      (r.keySampleRate < 1 ? `, keys sampled at 1/${Math.round(1 / r.keySampleRate)}` : ''),
  );
  out.push('');
  out.push(
    formatTable(
      ['strategy', 'keys moved %', 'expected %', 'records moved %', 'keys', 'records'],
      r.strategies.map((s) => [
        s.strategy,
        s.keysMovedPercent.toFixed(1),
        s.expectedKeysMovedPercent === null ? '-' : s.expectedKeysMovedPercent.toFixed(1),
        s.recordsMovedPercent.toFixed(1),
        s.keysSampled,
        s.records,
      ]),
    ),
  );
  out.push('');
  for (const a of r.advice) out.push(`- ${a}`);
  return out.join('\n');
}

interface RepartitionFlags extends WorkloadFlags {
  from: string;
  to: string;
  strategy?: string;
  key: string;
  format: string;
  strict?: boolean;
  json?: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('repartition')
    .description(
      'which keys and records change partition when the partition count changes, and how to migrate',
    )
    .argument('[file]', 'input (JSONL, CSV or keys; "-" = stdin); without it, a --workload is simulated')
    .requiredOption('--from <N>', 'current partition count')
    .requiredOption('--to <N>', 'new partition count')
    .option(
      '-s, --strategy <list>',
      'strategies to compare (default murmur2,jump; jump is repartition-stable)',
    )
    .option('-k, --key <field>', 'key field or CSV column (with FILE)', 'key')
    .option('--format <format>', `input format: ${Object.values(InputFormat).join(', ')}`, 'auto')
    .option('--strict', 'fail on the first malformed record');
  addWorkloadOptions(cmd, { records: '200000', keys: '50000' })
    .option('--json', 'machine-readable output')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string | undefined, flags: RepartitionFlags) => {
      const from = parsePositiveInt('--from', flags.from, 1_000_000);
      const to = parsePositiveInt('--to', flags.to, 1_000_000);
      const strategies = parseStrategies(flags.strategy ?? defaultRepartitionStrategies());
      const format = parseChoice('--format', flags.format, InputFormat);
      if (file !== undefined) {
        const sink = new RepartitionAnalyzer({ from, to, strategies });
        const progress = progressReporter(flags.progress);
        try {
          await analyzeInput(
            file,
            sink,
            { format, key: flags.key, strict: flags.strict === true, needValue: needsValues(strategies) },
            progress.onProgress,
          );
        } finally {
          progress.stop();
        }
        return output(sink.result(), flags.json === true);
      }
      const w = workloadSettings(flags);
      const sink = new RepartitionAnalyzer({
        from,
        to,
        strategies,
        strategyOptions: seededStrategyOptions(w.seed),
      });
      feedWorkload(
        sink,
        createWorkload(w.spec, { keys: w.keys, seed: w.seed, recordSize: w.recordSize }),
        w.records,
      );
      output(sink.result(), flags.json === true);
    });
}

function output(r: RepartitionResult, json: boolean): void {
  if (json) printJson(r);
  else process.stdout.write(renderRepartition(r) + '\n');
}
