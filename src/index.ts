/**
 * kpart's library entry point. Everything exported here is public API (see README "Library").
 * Each concept lives in its own folder under src/; this file only re-exports.
 */
export { KpartError, UsageError, InputError, ClusterError } from './errors.js';
export { murmur2, fnv1a, crc32, partitionForKey, toPositive, keyBytes, HashAlgorithm } from './hash/index.js';
export type { KeyInput } from './hash/index.js';
export {
  canonicalStrategyName,
  createStrategy,
  STRATEGY_ALIASES,
  strategyNames,
  strategyDefinitions,
} from './partitioners/registry.js';
export type { StrategyDefinition, StrategyOptions } from './partitioners/registry.js';
export type { Partitioner, PartitionContext, RecordInfo } from './partitioners/types.js';
export { validateFor } from './partitioners/types.js';
// Analyzer, simulator, planner and reports (docs/analyzer.md).
export { computeSkewMetrics, gini, skewAlerts, ALERT_THRESHOLDS, AlertCode } from './analysis/metrics.js';
export type { SkewMetrics, SkewAlert } from './analysis/metrics.js';
export { Analyzer } from './analysis/analyzer.js';
export type {
  AnalyzerOptions,
  AnalysisRecord,
  AnalysisResult,
  StrategyResult,
  HotKeyResult,
  HotPartition,
  AnalyzerStateJSON,
} from './analysis/analyzer.js';
export { SpaceSaving } from './analysis/heavy-hitters.js';
export type { HeavyHitter, SpaceSavingJSON } from './analysis/heavy-hitters.js';
export { analyzeInput, RecordScanner, InputFormat, MalformedReason } from './analysis/input.js';
export type { InputOptions, InputSummary, RecordSink } from './analysis/input.js';
export { createWorkload, parseWorkloadSpec, feedWorkload, WorkloadKind } from './analysis/workloads.js';
export type { Workload, WorkloadOptions, WorkloadRecord } from './analysis/workloads.js';
export { Rng, ZipfSampler } from './analysis/prng.js';
export { planPartitions, PlanWarning } from './analysis/plan.js';
export type { PlanInput, PlanResult } from './analysis/plan.js';
export { RepartitionAnalyzer, expectedMovedShare } from './analysis/repartition.js';
export type { RepartitionResult, RepartitionStrategyResult } from './analysis/repartition.js';
export { renderReport, lorenzCurve } from './analysis/report.js';
export { renderAnalysis, recommend } from './analysis/render.js';
// Routing, composite and load-aware strategies (docs/routing-strategies.md).
export { ExplicitPartitioner, InvalidPartitionPolicy } from './partitioners/explicit.js';
export type { ExplicitOptions } from './partitioners/explicit.js';
export { PriorityPartitioner } from './partitioners/priority.js';
export type { PriorityOptions } from './partitioners/priority.js';
export { FieldPartitioner } from './partitioners/field.js';
export type { FieldOptions, PartitionMapping } from './partitioners/field.js';
export { GeoPartitioner, tableLookup } from './partitioners/geo.js';
export type { GeoLookup, GeoOptions } from './partitioners/geo.js';
export { loadMmdbLookup, openMmdbLookup, GeoLevel } from './partitioners/geo-mmdb.js';
export { TimeWindowPartitioner } from './partitioners/time-window.js';
export type { TimeWindowOptions } from './partitioners/time-window.js';
export { SaltedPartitioner, SaltSelector } from './partitioners/salting.js';
export type { SaltingOptions } from './partitioners/salting.js';
export { CompositeKeyPartitioner, compositeKeyBytes, compositePartition } from './partitioners/composite.js';
export type { CompositeOptions, CompositeValue } from './partitioners/composite.js';
export { WeightedPartitioner, parseWeightedSpec } from './partitioners/weighted.js';
export type { WeightedPart } from './partitioners/weighted.js';
export { LoadAwarePartitioner, LoadSelection, KeyedLoadPolicy } from './partitioners/load-aware.js';
export type { LoadAwareOptions, LoadAwareStats, PartitionLoadStats } from './partitioners/load-aware.js';
export { CircuitBreaker, BreakerState } from './partitioners/circuit-breaker.js';
export type { CircuitBreakerOptions } from './partitioners/circuit-breaker.js';
export { JumpPartitioner, jumpHash64, jumpPartition, keyMovement } from './partitioners/jump.js';
export type { JumpOptions, KeyMovement, KeyPlacement } from './partitioners/jump.js';
export {
  LibrdkafkaPartitioner,
  LibrdkafkaPartitionerName,
  librdkafkaPartitioner,
} from './partitioners/librdkafka.js';
export type { LibrdkafkaOptions } from './partitioners/librdkafka.js';
export { StickyPartitioner, stickyPartitioner } from './partitioners/sticky.js';
export type { StickyOptions } from './partitioners/sticky.js';
export { AdaptivePartitioner, adaptivePartitioner } from './partitioners/adaptive.js';
export type { AdaptiveOptions, PartitionLoad } from './partitioners/adaptive.js';
export { javaDefaultPartitioner } from './partitioners/java-default.js';
export type { JavaDefaultOptions } from './partitioners/java-default.js';
export {
  RoundRobinPartitioner,
  LegacyPartitioner,
  roundRobinPartitioner,
  legacyPartitioner,
} from './partitioners/round-robin.js';
export type { BatchBoundaryOptions } from './partitioners/batch-boundary.js';
export { withCache, withFallback, withCounters } from './partitioners/wrappers.js';
export type {
  CachedPartitioner,
  CacheOptions,
  CacheStats,
  FallbackPartitioner,
  FallbackOptions,
  FallbackStats,
  CountingPartitioner,
  CounterStats,
} from './partitioners/wrappers.js';
export { createPartitioner, kafkaJsPartitionFunction, availableFromMetadata } from './adapters/kafkajs.js';
export type { KafkaJsAdapterOptions, KafkaJsPartitionerFn } from './adapters/kafkajs.js';
export { platformaticPartitioner } from './adapters/platformatic.js';
export type { PlatformaticAdapterOptions, PlatformaticPartitionerFn } from './adapters/platformatic.js';
// Consumer assignors, client adapters and the rebalance simulator (docs/assignors.md).
export {
  assign,
  assignors,
  getAssignor,
  partitionCounts,
  ownersOf,
  AssignorName,
  rangeAssign,
  roundRobinAssign,
  stickyAssign,
  cooperativeStickyAssign,
  loadAwareAssign,
  compareMembers,
} from './assignors/index.js';
export type {
  Assignment,
  AssignmentResult,
  Assignor,
  GroupDescription,
  GroupMember,
  TopicPartitions,
  PerPartition,
  LoadAwareOptions as LoadAwareAssignorOptions,
  LoadAwareResult,
  LoadStats,
} from './assignors/index.js';
export { simulateRebalance, parseScenario, DEFAULT_COST_MODEL, ScenarioKind } from './assignors/rebalance.js';
export type {
  CostModel,
  Scenario,
  SimulationOptions,
  SimulationResult,
  SimStep,
  SimVariant,
  ProtocolOutcome,
} from './assignors/rebalance.js';
export { consumerCapacity } from './assignors/capacity.js';
export type { CapacityReport, CapacityRow } from './assignors/capacity.js';
export {
  encodeStickyUserData,
  decodeStickyUserData,
  decodeSubscription,
  encodeSubscriptionV0,
  encodeAssignment,
  decodeAssignment,
  groupFromProtocol,
} from './assignors/protocol.js';
export {
  kafkajsAssigner,
  kpartKafkaJS,
  AssignmentTracker,
  KAFKAJS_ASSIGNORS,
} from './adapters/kafkajs-assignors.js';
export type { KafkaJSAssignorOptions, KafkaJSAssignorName } from './adapters/kafkajs-assignors.js';
export { platformaticAssignor, PLATFORMATIC_ASSIGNORS } from './adapters/platformatic-assignors.js';
export type {
  PlatformaticAssignor,
  PlatformaticAssignorOptions,
  PlatformaticPartitionAssigner,
} from './adapters/platformatic-assignors.js';
export { PartitionMetrics, connectLoadAware, LoadSignal } from './cluster/partition-metrics.js';
export type {
  PartitionMetricsOptions,
  SnapshotListener,
  LoadSink,
  ConnectLoadAwareOptions,
  MetricsTimers,
} from './cluster/partition-metrics.js';
export { LagStatus } from './cluster/types.js';
export type { PartitionSnapshot, TopicSnapshot } from './cluster/types.js';
export { evaluateBurrow, worstStatus } from './cluster/burrow.js';
export type { OffsetObservation, BurrowResult } from './cluster/burrow.js';
export { OffsetTimeTable } from './cluster/time-lag.js';
export { describeTopicTopology } from './cluster/topology.js';
export type { ClusterAdmin } from './cluster/offsets.js';
export { inspectTopic } from './cluster/inspect.js';
export type { InspectReport, InspectPartition, InspectOptions } from './cluster/inspect.js';
export { watchGroupLag, findHotPartitions } from './cluster/lag.js';
export type { LagReport, LagRow, LagOptions, HotPartitionFinding } from './cluster/lag.js';
export { startServer, snapshotView, bearerMatches } from './web/server.js';
export type { ServeOptions, KpartServer, SnapshotView, TopicView } from './web/server.js';
export { ServeMetrics, SkewBasis, snapshotSkew } from './web/metrics.js';
export type { SnapshotSource, ServeMetricsOptions } from './web/metrics.js';
export {
  InstrumentedProducer,
  createInstrumentedProducer,
  ProducerClosedError,
} from './cluster/instrumented-producer.js';
export type {
  InstrumentedProducerOptions,
  InstrumentedProducerStats,
  PartitionCounts,
  LatencyLoadSink,
} from './cluster/instrumented-producer.js';
export { sampleTopic, planSample, splitSample, runSampleWorker } from './cluster/sampler.js';
export type {
  SampleOptions,
  SamplePlan,
  SampleRange,
  SampleResult,
  WorkerPartial,
} from './cluster/sampler.js';
