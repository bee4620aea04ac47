/**
 * `kpart simulate`: the analyzer on a built-in, seeded workload (uniform, zipf:s, hot, bursty, tenants), so
 * strategies can be compared before any real data exists. Same output shape as `kpart analyze`.
 */
import { Option, type Command } from 'commander';
import { Analyzer } from '../../analysis/analyzer.js';
import { Rng } from '../../analysis/prng.js';
import { createWorkload, feedWorkload, parseWorkloadSpec, WorkloadKind } from '../../analysis/workloads.js';
import { parseInteger, parsePositiveInt } from '../options.js';
import { outputAnalysis, parseStrategies, printStats, reportIfRequested, STRATEGY_HELP } from './analyze.js';

export interface WorkloadFlags {
  workload: string;
  records: string;
  keys: string;
  seed: string;
  recordSize: string;
}

/** Validated workload settings shared by simulate, repartition and demo. */
export function workloadSettings(flags: WorkloadFlags): {
  spec: string;
  records: number;
  keys: number;
  seed: number;
  recordSize: number;
} {
  parseWorkloadSpec(flags.workload);
  return {
    spec: flags.workload,
    records: parsePositiveInt('--records', flags.records, 1e9),
    keys: parsePositiveInt('--keys', flags.keys, 1e9),
    seed: parseInteger('--seed', flags.seed, 0, 0xffffffff),
    recordSize: parsePositiveInt('--record-size', flags.recordSize, 1e9),
  };
}

/** Strategy options that make random/sticky strategies reproducible under a seed. */
export function seededStrategyOptions(seed: number): { random: () => number } {
  const rng = new Rng(seed ^ 0x5eed);
  return { random: () => rng.next() };
}

export function addWorkloadOptions(cmd: Command, defaults: { records: string; keys: string }): Command {
  return cmd
    .option(
      '-w, --workload <spec>',
      `workload: ${Object.values(WorkloadKind).join(', ')} (e.g. zipf:1.1, hot:3:0.5, bursty:10:0.1, tenants:20:1.2)`,
      'zipf:1.1',
    )
    .option('-n, --records <N>', 'records to generate', defaults.records)
    .option('--keys <N>', 'distinct keys in the key space', defaults.keys)
    .option('--seed <N>', 'random seed (same seed, same records)', '1')
    .option('--record-size <bytes>', 'mean record size (sizes vary ±50%)', '256');
}

interface SimulateFlags extends WorkloadFlags {
  partitions: string;
  strategy: string;
  top: string;
  json?: boolean;
  report?: string;
  stats?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description(
      'analyze a seeded synthetic workload (uniform, Zipf, hot keys, bursts, tenants) under strategies',
    );
  addWorkloadOptions(cmd, { records: '1000000', keys: '100000' })
    .option('-p, --partitions <N>', 'number of partitions', '12')
    .option('-s, --strategy <list>', STRATEGY_HELP(), 'murmur2')
    .option('--top <N>', 'hot keys to report', '10')
    .option('--json', 'machine-readable output')
    .option('--report <file.html>', 'also write a self-contained HTML report')
    .addOption(new Option('--stats', 'print elapsed time and peak RSS to stderr').hideHelp())
    .action((flags: SimulateFlags) => {
      const started = performance.now();
      const w = workloadSettings(flags);
      const partitions = parsePositiveInt('--partitions', flags.partitions, 1_000_000);
      const strategies = parseStrategies(flags.strategy);
      const top = parsePositiveInt('--top', flags.top, 10_000);
      const analyzer = new Analyzer({
        partitions,
        strategies,
        topK: top,
        strategyOptions: seededStrategyOptions(w.seed),
      });
      const workload = createWorkload(w.spec, { keys: w.keys, seed: w.seed, recordSize: w.recordSize });
      feedWorkload(analyzer, workload, w.records);
      const result = analyzer.result();
      outputAnalysis(result, flags.json === true);
      reportIfRequested(
        flags,
        result,
        'kpart simulate',
        `workload ${w.spec}, ${w.records} records, ${w.keys} keys, seed ${w.seed}`,
      );
      if (flags.stats) printStats(started, result.records);
    });
}
