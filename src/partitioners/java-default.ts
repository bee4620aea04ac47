/**
 * The Java producer's default placement (Kafka 3.3+, `KafkaProducer.partition()` + `BuiltInPartitioner`,
 * no `partitioner.class` configured):
 *   1. the record's explicit partition;
 *   2. else, when the key is non-null and `partitioner.ignore.keys=false`: `toPositive(murmur2(key)) % n`
 *      over **all** partitions, available or not;
 *   3. else the built-in sticky partition: adaptive (KIP-794) when `partitioner.adaptive.partitioning.enable`
 *      (default true), uniform sticky otherwise, switching after `batch.size` bytes (batch-boundary.ts).
 * This is AdaptivePartitioner under the name "default"; options map to the Java settings:
 *   ignoreKeys ↔ partitioner.ignore.keys, adaptive ↔ partitioner.adaptive.partitioning.enable,
 *   availabilityTimeoutMs ↔ partitioner.availability.timeout.ms, batchSize ↔ batch.size.
 */
import { AdaptivePartitioner, type AdaptiveOptions } from './adaptive.js';

export type JavaDefaultOptions = AdaptiveOptions;

export function javaDefaultPartitioner(options: JavaDefaultOptions = {}): AdaptivePartitioner {
  return new AdaptivePartitioner(options, 'default');
}
