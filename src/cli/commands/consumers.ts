/**
 * `kpart consumers --partitions 12 --consumers 16 [--topics 1] [--json]`: idle and overloaded consumers per
 * assignor for a group where every consumer subscribes to the same topics.
 */
import type { Command } from 'commander';
import { consumerCapacity, type CapacityReport } from '../../assignors/capacity.js';
import { UsageError } from '../../errors.js';
import { parsePositiveInt } from '../options.js';
import { formatTable, printJson } from '../output.js';

interface ConsumersFlags {
  partitions: string;
  consumers: string;
  topics: string;
  json?: boolean;
}

const list = (xs: string[]): string =>
  xs.length === 0 ? '-' : xs.length > 8 ? `${xs.slice(0, 8).join(',')},… (${xs.length})` : xs.join(',');

export function renderCapacity(r: CapacityReport): string {
  const lines = [
    `${r.consumers} consumers, ${r.topics} topic(s) × ${r.partitions} partitions = ${r.totalPartitions}; fair share ${r.fairShare} per consumer`,
    '',
    formatTable(
      ['ASSIGNOR', 'MIN', 'MAX', 'IDLE', 'OVERLOADED', 'IDLE CONSUMERS', 'OVERLOADED CONSUMERS'],
      r.rows.map((row) => [
        row.assignor,
        row.min,
        row.max,
        row.idle.length,
        row.overloaded.length,
        list(row.idle),
        list(row.overloaded),
      ]),
    ),
    '',
    ...r.advice,
  ];
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('consumers')
    .description('idle and overloaded consumers per assignor for a partition count and group size')
    .requiredOption('--partitions <n>', 'partitions per topic')
    .requiredOption('--consumers <n>', 'consumers in the group')
    .option('--topics <n>', 'topics the group subscribes to (each with --partitions)', '1')
    .option('--json', 'print JSON')
    .action((flags: ConsumersFlags) => {
      const partitions = parsePositiveInt('--partitions', flags.partitions, 100_000);
      const consumers = parsePositiveInt('--consumers', flags.consumers, 10_000);
      const topics = parsePositiveInt('--topics', flags.topics, 1000);
      if (partitions * topics > 1_000_000) {
        throw new UsageError(`--partitions × --topics must be at most 1,000,000, got ${partitions * topics}`);
      }
      const report = consumerCapacity(partitions, consumers, topics);
      if (flags.json) printJson(report);
      else process.stdout.write(renderCapacity(report) + '\n');
    });
}
