/**
 * `kpart demo` (what `npm start` runs): a reproducible Zipf workload analysed under several strategies side
 * by side, its hot keys, what a 12 -> 13 repartition would move, and an HTML report. No cluster needed.
 */
import type { Command } from 'commander';
import { Analyzer } from '../../analysis/analyzer.js';
import { RepartitionAnalyzer } from '../../analysis/repartition.js';
import { renderAnalysis } from '../../analysis/render.js';
import { createWorkload, feedWorkload, parseWorkloadSpec } from '../../analysis/workloads.js';
import { createStrategy } from '../../partitioners/registry.js';
import { parseInteger, parsePositiveInt } from '../options.js';
import { printJson } from '../output.js';
import { writeReport } from './analyze.js';
import { defaultRepartitionStrategies, renderRepartition } from './repartition.js';
import { seededStrategyOptions } from './simulate.js';

/**
 * Java's default hash, librdkafka's default, a salted variant for hot keys and Java's RoundRobinPartitioner
 * (even, but ignores keys): the trade-off the demo is about. Only those the registry knows are used.
 */
const DEMO_STRATEGIES = ['murmur2', 'consistent_random', 'salted:4', 'roundrobin'];

export function demoStrategies(): string[] {
  return DEMO_STRATEGIES.filter((s) => {
    try {
      createStrategy(s);
      return true;
    } catch {
      return false;
    }
  });
}

interface DemoFlags {
  report: string;
  workload: string;
  records: string;
  keys: string;
  partitions: string;
  seed: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'reproducible Zipf workload, strategies side by side, hot keys and an HTML report (what npm start runs)',
    )
    .option('--report <file.html>', 'where to write the HTML report', 'kpart-report.html')
    .option('-w, --workload <spec>', 'workload', 'zipf:1.1')
    .option('-n, --records <N>', 'records', '300000')
    .option('--keys <N>', 'distinct keys', '50000')
    .option('-p, --partitions <N>', 'partitions', '12')
    .option('--seed <N>', 'random seed', '42')
    .option('--json', 'print the analysis as JSON')
    .action((flags: DemoFlags) => {
      parseWorkloadSpec(flags.workload);
      const records = parsePositiveInt('--records', flags.records, 1e8);
      const keys = parsePositiveInt('--keys', flags.keys, 1e8);
      const partitions = parsePositiveInt('--partitions', flags.partitions, 100_000);
      const seed = parseInteger('--seed', flags.seed, 0, 0xffffffff);
      const strategies = demoStrategies();
      const analyzer = new Analyzer({ partitions, strategies, strategyOptions: seededStrategyOptions(seed) });
      feedWorkload(analyzer, createWorkload(flags.workload, { keys, seed }), records);
      const result = analyzer.result();

      const re = new RepartitionAnalyzer({
        from: partitions,
        to: partitions + 1,
        strategies: defaultRepartitionStrategies().split(','),
      });
      feedWorkload(re, createWorkload(flags.workload, { keys, seed }), Math.min(records, 100_000));
      const repartition = re.result();

      const source = `workload ${flags.workload}: ${records} records over ${keys} keys, seed ${seed}`;
      const notes = [
        `If the topic grows from ${partitions} to ${partitions + 1} partitions:`,
        ...repartition.advice.slice(0, repartition.strategies.length + 1),
      ];
      const path = writeReport(flags.report, result, 'kpart demo: Zipf key skew', source, notes);
      if (flags.json) return printJson({ ...result, repartition, report: path });
      const out: string[] = [];
      out.push(`kpart demo — ${source}, ${partitions} partitions`);
      out.push('');
      out.push(renderAnalysis(result));
      out.push('');
      out.push(`Growing to ${partitions + 1} partitions (first ${repartition.records} records):`);
      out.push(
        renderRepartition(repartition)
          .split('\n')
          .slice(2, 3 + repartition.strategies.length)
          .join('\n'),
      );
      out.push('');
      out.push(`Report: ${path}`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
