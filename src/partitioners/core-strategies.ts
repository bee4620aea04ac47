import { UsageError } from '../errors.js';
import { AdaptivePartitioner } from './adaptive.js';
import { batchBoundaryFromOptions, type BatchBoundaryOptions } from './batch-boundary.js';
import { booleanOption, noArgs, numberOption, randomOption } from './common.js';
import { LibrdkafkaPartitioner, LibrdkafkaPartitionerName } from './librdkafka.js';
import type { StrategyDefinition, StrategyOptions } from './registry.js';
import { LegacyPartitioner, RoundRobinPartitioner } from './round-robin.js';
import { StickyPartitioner } from './sticky.js';

/**
 * Hash, keyless and sticky strategies. Spec arguments (all optional):
 *   librdkafka names `<name>[:<stickyLingerMs>]`; sticky/adaptive/default `<name>[:<batchSize>]`.
 * StrategyOptions keys: stickyLingerMs, batchSize, batchRecords, lingerMs, assumedRecordSize, ignoreKeys,
 * adaptive, availabilityTimeoutMs, random (a () => number in [0, 1), for reproducible runs).
 */

function oneNumericArg(name: string, args: readonly string[], what: string): number | undefined {
  if (args.length === 0) return undefined;
  if (args.length > 1)
    throw new UsageError(
      `strategy "${name}" takes at most one argument (${what}), got "${args.join(':')}"`,
      'E_STRATEGY',
    );
  const raw = args[0]!;
  if (!/^\d+$/.test(raw))
    throw new UsageError(
      `strategy "${name}": ${what} must be a non-negative integer, got "${raw}"`,
      'E_STRATEGY',
    );
  return Number(raw);
}

function stickyOptions(
  name: string,
  args: readonly string[],
  options: StrategyOptions,
): BatchBoundaryOptions & { ignoreKeys: boolean } {
  const batch = batchBoundaryFromOptions(options);
  const fromArg = oneNumericArg(name, args, 'batch size in bytes');
  if (fromArg !== undefined) batch.batchSize = fromArg;
  if (!(batch.batchSize! > 0 || batch.batchRecords! > 0 || batch.lingerMs! > 0)) {
    throw new UsageError(`strategy "${name}": needs batchSize, batchRecords or lingerMs > 0`, 'E_STRATEGY');
  }
  return { ...batch, ignoreKeys: booleanOption(options, 'ignoreKeys', false) };
}

const LIBRDKAFKA_DESCRIPTIONS: Record<LibrdkafkaPartitionerName, string> = {
  random: 'librdkafka random: every record random (keyless ones sticky for sticky.partitioning.linger.ms)',
  consistent: 'librdkafka consistent: CRC32(key) % n; null and empty keys to one partition',
  consistent_random:
    'librdkafka consistent_random (its default): CRC32(key) % n; null and empty keys random/sticky',
  murmur2: 'librdkafka murmur2: Java-compatible murmur2; null keys to one partition',
  murmur2_random:
    "librdkafka murmur2_random: Java-compatible murmur2; null keys random/sticky (Java's default equivalent)",
  fnv1a: 'librdkafka fnv1a: abs(FNV-1a) % n (Sarama-compatible); null keys to one partition',
  fnv1a_random: 'librdkafka fnv1a_random: abs(FNV-1a) % n; null keys random/sticky',
};

const librdkafkaDefinitions: StrategyDefinition[] = Object.values(LibrdkafkaPartitionerName).map((name) => ({
  name,
  description: LIBRDKAFKA_DESCRIPTIONS[name],
  readsRecordFields: false,
  args: '[:<stickyLingerMs>]',
  create(args: readonly string[], options: StrategyOptions) {
    const linger =
      oneNumericArg(name, args, 'sticky linger in ms') ?? numberOption(options, 'stickyLingerMs', 10, 0);
    return new LibrdkafkaPartitioner(name, { stickyLingerMs: linger, random: randomOption(options) });
  },
}));

export const coreStrategies: StrategyDefinition[] = [
  ...librdkafkaDefinitions,
  {
    name: 'default',
    readsRecordFields: false,
    description:
      'Java producer default (3.3+): explicit > murmur2(key) % all partitions > adaptive sticky; options ignoreKeys, adaptive',
    args: '[:<batchSize>]',
    create(args, options) {
      return new AdaptivePartitioner(
        {
          ...stickyOptions('default', args, options),
          adaptive: booleanOption(options, 'adaptive', true),
          availabilityTimeoutMs: numberOption(options, 'availabilityTimeoutMs', 0, 0),
          random: randomOption(options),
        },
        'default',
      );
    },
  },
  {
    name: 'sticky',
    readsRecordFields: false,
    description:
      'KIP-480 sticky (Java 2.4-3.2 default): keys murmur2, keyless stick until batch.size bytes (default 16384)',
    args: '[:<batchSize>]',
    create(args, options) {
      return new StickyPartitioner({
        ...stickyOptions('sticky', args, options),
        random: randomOption(options),
      });
    },
  },
  {
    name: 'adaptive',
    readsRecordFields: false,
    description:
      'KIP-794 adaptive uniform sticky: keyless weighted by queue depth, skips leaderless/slow partitions',
    args: '[:<batchSize>]',
    create(args, options) {
      return new AdaptivePartitioner({
        ...stickyOptions('adaptive', args, options),
        availabilityTimeoutMs: numberOption(options, 'availabilityTimeoutMs', 0, 0),
        random: randomOption(options),
      });
    },
  },
  {
    name: 'roundrobin',
    readsRecordFields: false,
    description:
      'Java RoundRobinPartitioner: keys ignored, one partition after another over available partitions',
    create(args) {
      noArgs('roundrobin', args);
      return new RoundRobinPartitioner();
    },
  },
  {
    name: 'legacy',
    readsRecordFields: false,
    description:
      'Java <2.4 / KafkaJS DefaultPartitioner: keys murmur2, keyless round-robin over available partitions',
    create(args, options) {
      noArgs('legacy', args);
      return new LegacyPartitioner({ random: randomOption(options) });
    },
  },
];
