/**
 * Routing, composite and load-aware strategies: spec grammar and option handling for the registry.
 * Specs are `name[:arg...]`; options carry what a spec cannot (functions, maps, partitioner instances).
 * Named spec arguments are written `name=value` (e.g. `explicit:header=x-partition`).
 *
 * Only registry.ts may import this module (it collects the array); import the strategy classes from their own
 * files. (weighted.ts imports the registry to build sub-strategies; that cycle is safe because registry.ts is
 * always evaluated before this array is read.)
 */
import { UsageError } from '../errors.js';
import { numberOption, randomOption } from './common.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { CompositeKeyPartitioner } from './composite.js';
import { ExplicitPartitioner, type InvalidPartitionPolicy } from './explicit.js';
import { FieldPartitioner, type PartitionMapping } from './field.js';
import { GeoPartitioner, type GeoLookup } from './geo.js';
import { loadMmdbLookup, parseGeoLevel } from './geo-mmdb.js';
import { JumpPartitioner } from './jump.js';
import { LoadAwarePartitioner, type KeyedLoadPolicy, type LoadSelection } from './load-aware.js';
import { PriorityPartitioner } from './priority.js';
import type { StrategyDefinition, StrategyOptions } from './registry.js';
import { fallbackOption, namedArgs, positiveIntArg, stringOption } from './routing-common.js';
import { SaltedPartitioner, type SaltSelector } from './salting.js';
import { TimeWindowPartitioner } from './time-window.js';
import { parseWeightedSpec, WeightedPartitioner, type WeightedPart } from './weighted.js';

function optional<T>(options: StrategyOptions, name: string): T | undefined {
  const v = options[name];
  return v === undefined || v === null ? undefined : (v as T);
}

function noMore(name: string, rest: readonly string[]): void {
  if (rest.length > 0)
    throw new UsageError(`strategy "${name}": unexpected argument "${rest.join(':')}"`, 'E_STRATEGY');
}

function specName(name: string, args: readonly string[]): string {
  return args.length ? `${name}:${args.join(':')}` : name;
}

function oneOf<T extends string>(raw: unknown, allowed: readonly T[], what: string): T | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(
    `${what} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`,
    'E_STRATEGY_OPTION',
  );
}

export const routingStrategies: StrategyDefinition[] = [
  {
    name: 'explicit',
    description: 'partition named by record.partition, a header or a value field; fallback when absent',
    args: '[:header=<name>][:field=<path>][:invalid=throw|fallback]',
    create(args, options) {
      const { named, positional } = namedArgs(args, ['header', 'field', 'invalid']);
      noMore('explicit', positional);
      return new ExplicitPartitioner({
        header: named['header'] ?? stringOption(options, 'header'),
        field: named['field'] ?? stringOption(options, 'field'),
        invalid: oneOf<InvalidPartitionPolicy>(
          named['invalid'] ?? options['invalid'],
          ['throw', 'fallback'],
          'explicit invalid',
        ),
        fallback: fallbackOption(options['fallback']),
        name: specName('explicit', args),
      });
    },
  },
  {
    name: 'priority',
    description: 'priority levels on reserved partitions, the rest murmur2-hashed over the remaining ones',
    args: ':<level>=<partitions>,...[:header=<name>|:field=<path>]  (partitions: 3, 0-1, 0+2)',
    create(args, options) {
      const { named, positional } = namedArgs(args, ['header', 'field']);
      if (positional.length > 1) noMore('priority', positional.slice(1));
      const levels = positional[0] ?? optional<PartitionMapping>(options, 'levels');
      if (levels === undefined)
        throw new UsageError('priority: levels are required, e.g. priority:high=0-1', 'E_STRATEGY');
      return new PriorityPartitioner({
        levels,
        header: named['header'] ?? stringOption(options, 'header'),
        field: named['field'] ?? stringOption(options, 'field'),
        name: specName('priority', args),
      });
    },
  },
  {
    name: 'field',
    description:
      'route by a record field (dotted path in the value) mapped to partitions; unknown values hashed',
    args: ':<path>[:<value>=<partitions>,...][:unknown=<partitions>][:header=<name>]',
    create(args, options) {
      const { named, positional } = namedArgs(args, ['unknown', 'header']);
      const [path, mapping, ...rest] = positional;
      noMore('field', rest);
      const field = path ?? stringOption(options, 'field');
      const header = named['header'] ?? stringOption(options, 'header');
      if (field === undefined && header === undefined)
        throw new UsageError('field: a field path is required, e.g. field:region', 'E_STRATEGY');
      return new FieldPartitioner({
        field,
        header,
        mapping: mapping ?? optional<PartitionMapping>(options, 'mapping'),
        unknown: named['unknown'] ?? optional<readonly number[] | string>(options, 'unknown'),
        fallback: fallbackOption(options['fallback']),
        name: specName('field', args),
      });
    },
  },
  {
    name: 'geo',
    description:
      'client IP → region (MaxMind .mmdb or a lookup function) → partitions; fallback when unknown',
    args: '[:continent|country|subdivision|city][:mmdb=<file>][:ip=<path>|:header=<name>]',
    create(args, options) {
      const { named, positional } = namedArgs(args, ['mmdb', 'ip', 'header']);
      const [levelArg, ...rest] = positional;
      noMore('geo', rest);
      let lookup = optional<GeoLookup>(options, 'lookup');
      const mmdb = named['mmdb'] ?? stringOption(options, 'mmdb');
      if (lookup !== undefined && typeof lookup !== 'function')
        throw new UsageError('geo: option lookup must be a function (ip) => region', 'E_STRATEGY_OPTION');
      if (lookup === undefined) {
        if (mmdb === undefined)
          throw new UsageError(
            'geo: a MaxMind database (mmdb=<file> or option mmdb) or a lookup function is required',
            'E_STRATEGY',
          );
        // The file is read here, once, at construction; the partitioner only calls the in-memory lookup.
        lookup = loadMmdbLookup(mmdb, parseGeoLevel(levelArg ?? options['level']));
      }
      return new GeoPartitioner({
        lookup,
        ipField: named['ip'] ?? stringOption(options, 'ipField'),
        ipHeader: named['header'] ?? stringOption(options, 'ipHeader'),
        regions: optional<PartitionMapping>(options, 'regions'),
        unknownRegions: optional<readonly number[] | string>(options, 'unknownRegions'),
        fallback: fallbackOption(options['fallback']),
        name: specName('geo', args),
      });
    },
  },
  {
    name: 'time-window',
    description: 'window id = floor(timestamp / windowMs) → partition, each window spread over k partitions',
    args: '[:<windowMs, default 60000>[:<spread>]]',
    create(args, options) {
      const [w, k, ...rest] = args;
      noMore('time-window', rest);
      // Default one-minute windows, so the bare name works inside weighted specs ("weighted:time-window=0.4,...").
      const windowMs =
        w !== undefined
          ? positiveIntArg(w, 'time-window window (ms)')
          : numberOption(options, 'windowMs', 60_000, 1);
      return new TimeWindowPartitioner({
        windowMs,
        spread:
          k !== undefined
            ? positiveIntArg(k, 'time-window spread')
            : numberOption(options, 'spread', 1, 1, true),
        origin: numberOption(options, 'origin', 0, -Number.MAX_VALUE),
        name: args.length ? specName('time-window', args) : undefined,
      });
    },
  },
  {
    name: 'salted',
    readsRecordFields: false,
    description: 'hot-key salting: key#0..key#(S-1) murmur2-placed; saltedKeysFor()/unsalt() for consumers',
    args: ':<salts>[:sub-key=<path>]',
    create(args, options) {
      const { named, positional } = namedArgs(args, ['sub-key']);
      const [s, ...rest] = positional;
      noMore('salted', rest);
      const salts =
        s !== undefined
          ? positiveIntArg(s, 'salted salt count')
          : numberOption(options, 'salts', NaN, 1, true);
      if (Number.isNaN(salts))
        throw new UsageError('salted: a salt count is required, e.g. salted:8', 'E_STRATEGY');
      const hot = options['hotKeys'];
      if (
        hot !== undefined &&
        hot !== null &&
        typeof hot !== 'function' &&
        !(typeof hot === 'object' && Symbol.iterator in hot)
      ) {
        throw new UsageError(
          'salted: option hotKeys must be an iterable of keys or a function key => salt count',
          'E_STRATEGY_OPTION',
        );
      }
      return new SaltedPartitioner({
        salts,
        hotKeys: (hot ?? undefined) as Iterable<string> | ((key: string) => number) | undefined,
        selector: oneOf<SaltSelector>(options['selector'], ['round-robin', 'sub-key'], 'salted selector'),
        subKeyField: named['sub-key'] ?? stringOption(options, 'subKeyField'),
        subKeyHeader: stringOption(options, 'subKeyHeader'),
        separator: stringOption(options, 'separator'),
        fallback: fallbackOption(options['fallback']),
        name: positional.length ? specName('salted', args) : undefined,
      });
    },
  },
  {
    name: 'composite',
    description:
      'partition by a tuple of fields (e.g. tenant,user): Java murmur2 over a length-prefixed encoding',
    args: ':<field>,<field>...  (dotted value paths, header:<name>, key)',
    create(args, options) {
      const text = args.join(':');
      let fields = text === '' ? [] : text.split(',').map((f) => f.trim());
      if (fields.length === 0) {
        const f = options['fields'];
        if (!Array.isArray(f) || !f.every((x) => typeof x === 'string')) {
          throw new UsageError('composite: fields are required, e.g. composite:tenant,user', 'E_STRATEGY');
        }
        fields = f as string[];
      }
      if (fields.some((f) => f === ''))
        throw new UsageError(`composite: empty field name in "${text}"`, 'E_STRATEGY');
      return new CompositeKeyPartitioner({
        fields,
        name: args.length ? specName('composite', args) : undefined,
      });
    },
  },
  {
    name: 'weighted',
    description: 'weighted composite: sub-strategies score partitions, weights combine them, argmax wins',
    args: ':<spec>=<weight>,...  e.g. weighted:time-window:60000=0.4,murmur2=0.4,roundrobin=0.2',
    create(args, options) {
      let parts: WeightedPart[];
      if (args.length > 0) {
        const optionsFor = (options['optionsFor'] ?? {}) as Record<string, StrategyOptions | undefined>;
        parts = parseWeightedSpec(args.join(':')).map((p) => ({
          ...p,
          options: optionsFor[p.strategy] ?? {},
        }));
      } else {
        const raw = options['parts'];
        if (!Array.isArray(raw) || raw.length === 0) {
          throw new UsageError(
            'weighted: parts are required, e.g. weighted:time-window:60000=0.4,murmur2=0.6',
            'E_STRATEGY',
          );
        }
        parts = raw as WeightedPart[];
      }
      return new WeightedPartitioner(parts, args.length ? specName('weighted', args) : undefined);
    },
  },
  {
    name: 'load-aware',
    description:
      'steers keyless traffic away from loaded partitions (power of two choices), with a circuit breaker',
    args: '[:p2c|weighted][:keyed=hash|avoid-excluded|steer][:half-life=<ms>][:threshold=<load>][:recovery=<ms>]',
    create(args, options) {
      const { named, positional } = namedArgs(args, [
        'keyed',
        'half-life',
        'threshold',
        'recovery',
        'reset-below',
      ]);
      const [sel, ...rest] = positional;
      noMore('load-aware', rest);
      const num = (spec: string | undefined, opt: string, dflt: number, min: number): number =>
        spec !== undefined
          ? numberOption({ [opt]: spec }, opt, dflt, min)
          : numberOption(options, opt, dflt, min);
      const threshold = num(named['threshold'], 'threshold', NaN, -Number.MAX_VALUE);
      const optBreaker = options['breaker'];
      let breaker: CircuitBreaker | undefined;
      if (optBreaker instanceof CircuitBreaker) breaker = optBreaker;
      else if (!Number.isNaN(threshold)) {
        breaker = new CircuitBreaker({
          threshold,
          recoveryMs: num(named['recovery'], 'recoveryMs', 30_000, 0),
          resetBelow: num(named['reset-below'], 'resetBelow', threshold, -Number.MAX_VALUE),
        });
      } else if (optBreaker !== undefined && optBreaker !== null) {
        breaker = new CircuitBreaker(optBreaker as { threshold: number; recoveryMs: number });
      }
      const refresh = options['refreshMs'];
      return new LoadAwarePartitioner({
        selection: oneOf<LoadSelection>(
          sel ?? options['selection'],
          ['p2c', 'weighted'],
          'load-aware selection',
        ),
        keyed: oneOf<KeyedLoadPolicy>(
          named['keyed'] ?? options['keyed'],
          ['hash', 'avoid-excluded', 'steer'],
          'load-aware keyed',
        ),
        halfLifeMs: num(named['half-life'], 'halfLifeMs', 30_000, Number.MIN_VALUE),
        neutral:
          options['neutral'] === 'mean' || options['neutral'] === undefined
            ? 'mean'
            : numberOption(options, 'neutral', 0, 0),
        tolerance: numberOption(options, 'tolerance', 0.05, 0),
        refreshMs: refresh === undefined ? undefined : numberOption(options, 'refreshMs', 0, 0),
        breaker,
        random: randomOption(options),
        name: specName('load-aware', args),
      });
    },
  },
  {
    name: 'jump',
    readsRecordFields: false,
    description:
      'repartition-stable jump consistent hash (Guava consistentHash over murmur2); keyless round-robin',
    args: '',
    create(args, options) {
      noMore('jump', args);
      return new JumpPartitioner({ fallback: fallbackOption(options['fallback']) });
    },
  },
];
