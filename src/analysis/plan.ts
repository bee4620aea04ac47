/**
 * Partition-count planning (`kpart plan`).
 *
 *   byThroughput = ceil(throughput / perPartition)     partitions needed to carry the load
 *   minimum      = max(byThroughput, consumers)        a consumer without a partition sits idle
 *   recommended  = ceil(minimum × headroom)            growth room: adding partitions later moves keys
 *
 * Rounding is always up (a fractional partition is a whole one), after removing float noise of 1e-9 so that
 * 500 MB/s ÷ 50 MB/s × 1.5 is exactly 15, not 16.
 */
export interface PlanInput {
  /** Bytes per second the topic must carry. */
  throughput: number;
  /** Bytes per second one partition sustains (producer + consumer side, measured on your setup). */
  perPartition: number;
  /** Consumers in the biggest consumer group. */
  consumers: number;
  /** Default 1.5. */
  headroom?: number;
  brokers?: number;
  /** Replication factor, for replicas per broker. Default 3. */
  replication?: number;
  /** Partition replicas per broker above which to warn. Default 4000 (Kafka operations guidance). */
  maxReplicasPerBroker?: number;
}

export const PlanWarning = {
  CONSUMER_BOUND: 'CONSUMER_BOUND',
  UNEVEN_CONSUMERS: 'UNEVEN_CONSUMERS',
  UNEVEN_BROKERS: 'UNEVEN_BROKERS',
  TOO_MANY_PER_BROKER: 'TOO_MANY_PER_BROKER',
  REPLICATION_OVER_BROKERS: 'REPLICATION_OVER_BROKERS',
} as const;
export type PlanWarning = (typeof PlanWarning)[keyof typeof PlanWarning];

export interface PlanResult {
  throughput: number;
  perPartition: number;
  consumers: number;
  headroom: number;
  byThroughput: number;
  minimum: number;
  recommended: number;
  /** Partitions per consumer at `recommended`: some get `max`, the rest `min`. */
  partitionsPerConsumer: { min: number; max: number };
  /** recommended rounded up to a multiple of the consumer count: every consumer gets the same share. */
  evenForConsumers: number;
  brokers: number | null;
  replication: number;
  /** Leaders per broker at `recommended` (ceil), null without --brokers. */
  leadersPerBroker: number | null;
  /** Partition replicas per broker at `recommended` (ceil), null without --brokers. */
  replicasPerBroker: number | null;
  warnings: { code: PlanWarning; message: string }[];
}

function ceilClean(x: number): number {
  return Math.ceil(x - 1e-9);
}

export function planPartitions(input: PlanInput): PlanResult {
  const headroom = input.headroom ?? 1.5;
  const replication = input.replication ?? 3;
  const maxReplicas = input.maxReplicasPerBroker ?? 4000;
  const byThroughput = Math.max(1, ceilClean(input.throughput / input.perPartition));
  const minimum = Math.max(byThroughput, input.consumers);
  const recommended = Math.max(minimum, ceilClean(minimum * headroom));
  const c = input.consumers;
  const perConsumer = { min: Math.floor(recommended / c), max: Math.ceil(recommended / c) };
  const evenForConsumers = Math.ceil(recommended / c) * c;
  const brokers = input.brokers ?? null;
  const warnings: PlanResult['warnings'] = [];
  if (input.consumers > byThroughput) {
    warnings.push({
      code: PlanWarning.CONSUMER_BOUND,
      message: `${c} consumers need at least ${c} partitions, more than the ${byThroughput} the throughput needs: with fewer partitions the extra consumers would sit idle`,
    });
  }
  if (recommended % c !== 0) {
    const heavy = recommended % c;
    warnings.push({
      code: PlanWarning.UNEVEN_CONSUMERS,
      message: `${recommended} partitions over ${c} consumers: ${heavy} consumer(s) get ${perConsumer.max} partitions, ${c - heavy} get ${perConsumer.min}; ${evenForConsumers} would spread evenly`,
    });
  }
  let leadersPerBroker: number | null = null;
  let replicasPerBroker: number | null = null;
  if (brokers !== null) {
    leadersPerBroker = Math.ceil(recommended / brokers);
    replicasPerBroker = Math.ceil((recommended * Math.min(replication, brokers)) / brokers);
    if (replication > brokers) {
      warnings.push({
        code: PlanWarning.REPLICATION_OVER_BROKERS,
        message: `replication factor ${replication} needs at least ${replication} brokers, only ${brokers} given`,
      });
    }
    if (recommended % brokers !== 0) {
      warnings.push({
        code: PlanWarning.UNEVEN_BROKERS,
        message: `${recommended} partitions over ${brokers} brokers: leaders are uneven (${Math.floor(recommended / brokers)}-${leadersPerBroker} per broker); ${Math.ceil(recommended / brokers) * brokers} would spread evenly`,
      });
    }
    if (replicasPerBroker > maxReplicas) {
      warnings.push({
        code: PlanWarning.TOO_MANY_PER_BROKER,
        message: `${replicasPerBroker} partition replicas per broker exceeds ${maxReplicas}: add brokers or lower the partition count`,
      });
    }
  }
  return {
    throughput: input.throughput,
    perPartition: input.perPartition,
    consumers: c,
    headroom,
    byThroughput,
    minimum,
    recommended,
    partitionsPerConsumer: perConsumer,
    evenForConsumers,
    brokers,
    replication,
    leadersPerBroker,
    replicasPerBroker,
    warnings,
  };
}
