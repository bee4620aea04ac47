/**
 * Strategy registry: turns a spec such as "murmur2", "consistent_random" or "salted:8" into a Partitioner.
 * Specs are `name[:arg[:arg...]]`; `names()` feeds CLI validation and help. Definitions live next to their
 * strategies (core-strategies.ts: hashing/keyless/sticky; routing-strategies.ts: routing, composites,
 * load-aware) and are collected here.
 */
import { UsageError } from '../errors.js';
import type { Partitioner } from './types.js';
import { coreStrategies } from './core-strategies.js';
import { routingStrategies } from './routing-strategies.js';

/** Options a strategy may need beyond its spec arguments (a field name, a mapping, a geo database path...). */
export type StrategyOptions = Readonly<Record<string, unknown>>;

export interface StrategyDefinition {
  /** Spec name, e.g. "murmur2" or "salted". */
  name: string;
  /** One line for help output. */
  description: string;
  /** Argument synopsis after the name, e.g. ":<salts>" (empty when none). */
  args?: string;
  /**
   * True when the strategy may read more of a record than its key, size and partition: `value` fields, headers
   * or the timestamp. The analyzer's fast scanner skips parsing records for strategies without it.
   */
  readsRecordFields?: boolean;
  /** Builds an instance; throws UsageError on bad arguments. */
  create(args: readonly string[], options: StrategyOptions): Partitioner;
}

const definitions = new Map<string, StrategyDefinition>();
for (const d of [...coreStrategies, ...routingStrategies]) {
  if (definitions.has(d.name)) throw new Error(`duplicate strategy definition "${d.name}"`);
  definitions.set(d.name, d);
}

/**
 * Other names for registered strategies, as users meet them elsewhere: the hash names (librdkafka calls its
 * CRC32 partitioner "consistent"), KIP-794's "uniform sticky", Java's class-style names, hyphen/underscore
 * variants. Output keeps the spec as the user wrote it.
 */
export const STRATEGY_ALIASES: Readonly<Record<string, string>> = {
  crc32: 'consistent',
  crc32_random: 'consistent_random',
  'round-robin': 'roundrobin',
  round_robin: 'roundrobin',
  'uniform-sticky': 'adaptive',
  uniform_sticky: 'adaptive',
  'adaptive-sticky': 'adaptive',
  java: 'default',
  'java-default': 'default',
  salting: 'salted',
  time_window: 'time-window',
  timewindow: 'time-window',
  load_aware: 'load-aware',
  'jump-hash': 'jump',
  'murmur2-random': 'murmur2_random',
  'fnv1a-random': 'fnv1a_random',
  'consistent-random': 'consistent_random',
};

/** The registered name a spec's name (or alias) stands for, or undefined when unknown. */
export function canonicalStrategyName(name: string): string | undefined {
  if (definitions.has(name)) return name;
  const alias = STRATEGY_ALIASES[name];
  return alias !== undefined && definitions.has(alias) ? alias : undefined;
}

function definitionOf(name: string): StrategyDefinition | undefined {
  const canonical = canonicalStrategyName(name);
  return canonical === undefined ? undefined : definitions.get(canonical);
}

/** All strategy names, sorted. */
export function strategyNames(): string[] {
  return [...definitions.keys()].sort();
}

export function strategyDefinitions(): StrategyDefinition[] {
  return strategyNames().map((n) => definitions.get(n)!);
}

/** True when any of the specs names a strategy that reads record fields beyond the key (see StrategyDefinition). */
export function specsReadRecordFields(specs: readonly string[]): boolean {
  return specs.some((spec) => definitionOf(spec.trim().split(':')[0] ?? '')?.readsRecordFields !== false);
}

/** Builds a partitioner from a spec like "murmur2" or "salted:8". Throws UsageError for unknown names. */
export function createStrategy(spec: string, options: StrategyOptions = {}): Partitioner {
  const [name = '', ...args] = spec.trim().split(':');
  const def = definitionOf(name);
  if (!def)
    throw new UsageError(`unknown strategy "${spec}"; known: ${strategyNames().join(', ')}`, 'E_STRATEGY');
  return def.create(args, options);
}
