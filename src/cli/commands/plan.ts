/** `kpart plan`: how many partitions for a throughput, a consumer count and headroom (see src/analysis/plan.ts). */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { planPartitions } from '../../analysis/plan.js';
import { parseNumber, parsePositiveInt, parseRate, RateUnit } from '../options.js';
import { formatTable, printJson } from '../output.js';

interface PlanFlags {
  throughput: string;
  perPartition: string;
  consumers: string;
  headroom: string;
  brokers?: string;
  replication: string;
  json?: boolean;
}

/** A rate for people: decimal byte units (as the flags' MB), or a record count. */
function fmtRate(value: number, unit: RateUnit): string {
  if (unit === RateUnit.records)
    return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })} records/s`;
  const units: Array<[number, string]> = [
    [1e12, 'TB/s'],
    [1e9, 'GB/s'],
    [1e6, 'MB/s'],
    [1e3, 'KB/s'],
  ];
  for (const [size, name] of units)
    if (value >= size) return `${(value / size).toFixed(value % size === 0 ? 0 : 2)} ${name}`;
  return `${value.toFixed(value % 1 === 0 ? 0 : 2)} B/s`;
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('partition count for a throughput and a consumer group, with headroom and per-broker load')
    .requiredOption('--throughput <rate>', 'topic throughput, e.g. 500MB/s (or records: 200k msg/s)')
    .requiredOption(
      '--per-partition <rate>',
      'throughput one partition sustains (measure it), e.g. 50MB/s or 20k msg/s (same kind as --throughput)',
    )
    .requiredOption('--consumers <N>', 'consumers in the largest consumer group')
    .option('--headroom <factor>', 'growth factor applied to the minimum (>= 1)', '1.5')
    .option('--brokers <N>', 'brokers in the cluster (per-broker counts and warnings)')
    .option('--replication <N>', 'replication factor, for replicas per broker', '3')
    .option('--json', 'machine-readable output')
    .action((flags: PlanFlags) => {
      const t = parseRate('--throughput', flags.throughput);
      const pp = parseRate('--per-partition', flags.perPartition);
      if (t.unit !== pp.unit)
        throw new UsageError(
          `--throughput is in ${t.unit} but --per-partition in ${pp.unit}; give both in bytes or both in records`,
        );
      const throughput = t.value;
      const perPartition = pp.value;
      const consumers = parsePositiveInt('--consumers', flags.consumers, 1_000_000);
      const headroom = parseNumber('--headroom', flags.headroom, 1, 100);
      const replication = parsePositiveInt('--replication', flags.replication, 100);
      const brokers =
        flags.brokers === undefined ? undefined : parsePositiveInt('--brokers', flags.brokers, 100_000);
      if (throughput / perPartition > 10_000_000)
        throw new UsageError(
          '--throughput / --per-partition needs more than 10 million partitions; check the units',
        );
      const plan = planPartitions({
        throughput,
        perPartition,
        consumers,
        headroom,
        replication,
        ...(brokers !== undefined ? { brokers } : {}),
      });
      if (flags.json) return printJson({ ...plan, unit: t.unit });
      const rows: [string, string | number][] = [
        [
          'for throughput',
          `${plan.byThroughput}  (ceil(${fmtRate(throughput, t.unit)} / ${fmtRate(perPartition, t.unit)}))`,
        ],
        ['minimum', `${plan.minimum}  (max(for throughput, ${consumers} consumers))`],
        ['recommended', `${plan.recommended}  (ceil(minimum x ${headroom}))`],
        [
          'per consumer',
          plan.partitionsPerConsumer.min === plan.partitionsPerConsumer.max
            ? String(plan.partitionsPerConsumer.min)
            : `${plan.partitionsPerConsumer.min}-${plan.partitionsPerConsumer.max}`,
        ],
      ];
      if (plan.brokers !== null) {
        rows.push(['leaders per broker', `${plan.leadersPerBroker}  (${plan.brokers} brokers)`]);
        rows.push(['replicas per broker', `${plan.replicasPerBroker}  (replication ${plan.replication})`]);
      }
      process.stdout.write(formatTable(['', 'partitions'], rows) + '\n');
      if (plan.warnings.length > 0) {
        process.stdout.write('\nWarnings:\n');
        for (const w of plan.warnings) process.stdout.write(`- ${w.message}\n`);
      }
    });
}
