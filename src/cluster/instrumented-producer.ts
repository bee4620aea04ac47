/**
 * An instrumented KafkaJS producer: applies a kpart strategy, and measures what the strategy did and what it
 * cost — per-partition records and bytes delivered, partition-selection time, send errors, strategy fallbacks,
 * and each broker's produce acknowledgement latency — as prom-client metrics and as plain numbers (`stats()`).
 *
 * Why these pieces:
 *   - A strategy that throws must never break `send()`: selection goes through the KafkaJS adapter with
 *     `withFallback` (src/adapters/kafkajs.ts), and every fallback is counted, so a broken strategy is visible
 *     on a dashboard instead of silently degrading to the fallback's placement.
 *   - Records are counted per partition only once a send is acknowledged: KafkaJS calls the partitioner once per
 *     message (again on a retry), so the chosen partition is remembered per message object and counted when
 *     `send()` resolves — a failed send counts as an error, not as records placed.
 *   - Latency feedback: KafkaJS emits a `producer.network.request` event per request with its broker and
 *     duration. The Produce durations give each broker an EWMA of ack latency; each partition's load is its
 *     leader's latency. With a load-aware strategy (src/partitioners/load-aware.ts) these loads are pushed into
 *     `updateLoad`, so keyless traffic drifts away from partitions whose leader answers slowly (a broker with a
 *     full disk, a noisy neighbour, a cross-zone leader). The signal is taken off the send path's results, never
 *     measured by extra requests.
 *   - Graceful shutdown: `close()` stops new sends, waits (bounded) for the ones in flight, then disconnects.
 *     With `handleSignals`, SIGTERM/SIGINT run `close()` and then re-raise the signal, so the process still
 *     exits the way its supervisor expects.
 */
import type {
  Kafka,
  Message,
  PartitionMetadata,
  Producer,
  ProducerBatch,
  ProducerConfig,
  ProducerRecord,
  RecordMetadata,
} from 'kafkajs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { kafkaJsPartitionFunction, type KafkaJsAdapterOptions } from '../adapters/kafkajs.js';
import { KpartError } from '../errors.js';
import { LoadAwarePartitioner } from '../partitioners/load-aware.js';
import { createStrategy, type StrategyOptions } from '../partitioners/registry.js';
import type { Partitioner } from '../partitioners/types.js';

/** Something that takes per-partition loads (LoadAwarePartitioner does; see partition-metrics.ts LoadSink). */
export interface LatencyLoadSink {
  updateLoad(loads: ReadonlyMap<number, number>, at?: number): void;
}

export interface InstrumentedProducerOptions {
  /** A kpart Partitioner instance or a strategy spec ("murmur2", "load-aware", "salted:8", ...). */
  strategy: Partitioner | string;
  /** Options for a strategy given by spec. */
  strategyOptions?: StrategyOptions;
  /** Passed to the KafkaJS adapter (value decoding, availability override, fallback strategy). */
  adapter?: Omit<KafkaJsAdapterOptions, 'strategyOptions'>;
  /** KafkaJS producer settings (createPartitioner is kpart's). */
  producerConfig?: Omit<ProducerConfig, 'createPartitioner'>;
  /** Registry for the metrics (default: a new one, `producer.registry`). Each producer needs its own prefix in a shared one. */
  registry?: Registry;
  /** Metric name prefix. Default "kpart_producer_". */
  prefix?: string;
  /**
   * Push per-partition leader latency (ms) into this sink after every Produce response. Default: the strategy
   * itself when it is a LoadAwarePartitioner; `false` turns feedback off.
   */
  latencyFeedback?: LatencyLoadSink | false;
  /** Topic whose partitions the feedback describes (a load-aware instance holds one topic's loads). Default: the first topic sent to. */
  feedbackTopic?: string;
  /** Weight of the newest latency sample in the per-broker EWMA, (0, 1]. Default 0.3. */
  latencyAlpha?: number;
  /**
   * Latency above the fastest broker's that still counts as "no extra load", ms. Default 5. KafkaJS measures
   * whole milliseconds; without a dead band a 1 ms jitter would already make power-of-two-choices avoid a broker.
   */
  latencyDeadbandMs?: number;
  /** Install SIGTERM/SIGINT handlers that close the producer gracefully, then re-raise the signal. Default false. */
  handleSignals?: boolean;
  /** Bound on waiting for in-flight sends in close(). Default 10 000 ms. */
  closeTimeoutMs?: number;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export interface PartitionCounts {
  records: number;
  bytes: number;
}

export interface InstrumentedProducerStats {
  /** Delivered (acknowledged) records and bytes, topic → partition → counts. */
  delivered: Record<string, Record<number, PartitionCounts>>;
  /** Partition selections made (one per message per attempt, retries included). */
  selections: number;
  /** Total time spent choosing partitions, ms. */
  selectionMs: number;
  /** Selections that fell back because the strategy threw or returned an invalid partition. */
  fallbacks: number;
  /** Rejected send() / sendBatch() calls. */
  sendErrors: number;
  /** Records in rejected sends. */
  failedRecords: number;
  /** EWMA of Produce request latency per broker address (host:port), ms. */
  brokerLatencyMs: Record<string, number>;
  /** The loads last pushed to the feedback sink, partition → ms above the fastest broker + dead band (empty when feedback is off). */
  partitionLoad: Record<number, number>;
  /** Metadata versions seen by the partitioner (1 per topic at first sight, +1 per refresh). */
  metadataUpdates: number;
  /** Partition count per topic in the latest metadata seen. */
  partitionCounts: Record<string, number>;
}

export class ProducerClosedError extends KpartError {
  constructor() {
    super('E_PRODUCER_CLOSED', 'the instrumented producer is closing or closed; send() is refused', 1);
  }
}

function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (v instanceof Uint8Array) return v.length;
  return Buffer.byteLength(String(v), 'utf8');
}

export class InstrumentedProducer {
  /** The wrapped KafkaJS producer (for events and transactions; send through this class to be counted). */
  readonly producer: Producer;
  readonly registry: Registry;
  readonly strategy: Partitioner;

  private readonly kafka: Kafka;
  private readonly now: () => number;
  private readonly alpha: number;
  private readonly deadbandMs: number;
  private readonly closeTimeoutMs: number;
  private readonly sink: LatencyLoadSink | undefined;
  private feedbackTopic: string | undefined;
  private readonly chosen = new WeakMap<Message, { topic: string; partition: number }>();
  /** Latest partition metadata per topic, as KafkaJS handed it to the partitioner. */
  private readonly metadata = new Map<string, readonly PartitionMetadata[]>();
  private readonly latency = new Map<string, number>();
  private nodeAddress = new Map<number, string>();
  private nodeRefresh: Promise<void> | undefined;
  private lastNodeRefresh = 0;
  private readonly delivered = new Map<string, Map<number, PartitionCounts>>();
  private lastLoad = new Map<number, number>();
  private counters = {
    selections: 0,
    selectionNs: 0n,
    fallbacks: 0,
    sendErrors: 0,
    failedRecords: 0,
    metadataRefreshes: 0,
  };
  private inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;
  private connected = false;
  private readonly signalHandler: ((sig: NodeJS.Signals) => void) | undefined;

  private readonly mRecords: Counter;
  private readonly mBytes: Counter;
  private readonly mSelection: Histogram;
  private readonly mFallbacks: Counter;
  private readonly mSendErrors: Counter;
  private readonly mFailedRecords: Counter;
  private readonly mLatency: Gauge;
  private readonly mLoad: Gauge;
  private readonly mMetadata: Counter;
  private readonly mPartitions: Gauge;
  /** The function KafkaJS calls per message (exposed for clients that take a KafkaJS-style partitioner). */
  readonly partitionFunction: (args: {
    topic: string;
    partitionMetadata: PartitionMetadata[];
    message: Message;
  }) => number;

  constructor(kafka: Kafka, options: InstrumentedProducerOptions) {
    this.kafka = kafka;
    this.now = options.now ?? Date.now;
    this.alpha = options.latencyAlpha ?? 0.3;
    this.deadbandMs = options.latencyDeadbandMs ?? 5;
    if (!(this.deadbandMs >= 0))
      throw new RangeError(`latencyDeadbandMs must be >= 0, got ${this.deadbandMs}`);
    if (!(this.alpha > 0 && this.alpha <= 1))
      throw new RangeError(`latencyAlpha must be in (0, 1], got ${this.alpha}`);
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.strategy =
      typeof options.strategy === 'string'
        ? createStrategy(options.strategy, options.strategyOptions ?? {})
        : options.strategy;
    this.sink =
      options.latencyFeedback === false
        ? undefined
        : (options.latencyFeedback ??
          (this.strategy instanceof LoadAwarePartitioner ? this.strategy : undefined));
    this.feedbackTopic = options.feedbackTopic;

    const prefix = options.prefix ?? 'kpart_producer_';
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.mRecords = new Counter({
      name: `${prefix}records_total`,
      help: 'Records acknowledged by the broker, per partition.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.mBytes = new Counter({
      name: `${prefix}bytes_total`,
      help: 'Key + value bytes of acknowledged records, per partition.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.mSelection = new Histogram({
      name: `${prefix}partition_selection_seconds`,
      help: 'Time the strategy took to choose a partition for one record.',
      buckets: [1e-7, 5e-7, 1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 1e-3, 1e-2],
      registers,
    });
    this.mFallbacks = new Counter({
      name: `${prefix}strategy_fallbacks_total`,
      help: 'Selections where the strategy failed and the fallback chose.',
      labelNames: ['topic'],
      registers,
    });
    this.mSendErrors = new Counter({
      name: `${prefix}send_errors_total`,
      help: 'Rejected send calls, by topic and error type.',
      labelNames: ['topic', 'error'],
      registers,
    });
    this.mFailedRecords = new Counter({
      name: `${prefix}failed_records_total`,
      help: 'Records in rejected send calls.',
      labelNames: ['topic'],
      registers,
    });
    this.mLatency = new Gauge({
      name: `${prefix}broker_ack_latency_seconds`,
      help: 'EWMA of Produce request round-trip per broker.',
      labelNames: ['broker'],
      registers,
    });
    this.mLoad = new Gauge({
      name: `${prefix}partition_load_seconds`,
      help: "Load signal fed to the strategy: the partition leader's ack latency EWMA above the fastest broker's (minus a dead band).",
      labelNames: ['topic', 'partition'],
      registers,
    });

    this.mMetadata = new Counter({
      name: `${prefix}metadata_updates_total`,
      help: 'Partition metadata versions seen by the partitioner (first sight and every refresh that changed it).',
      labelNames: ['topic'],
      registers,
    });
    this.mPartitions = new Gauge({
      name: `${prefix}topic_partitions`,
      help: 'Partitions in the latest metadata the partitioner saw.',
      labelNames: ['topic'],
      registers,
    });

    const fn = kafkaJsPartitionFunction(this.strategy, {
      ...(options.adapter ?? {}),
      fallback: {
        ...(typeof options.adapter?.fallback === 'object' ? options.adapter.fallback : {}),
        onFallback: (err, record, ctx) => {
          this.counters.fallbacks++;
          this.mFallbacks.inc({ topic: ctx.topic ?? '' });
          const user =
            typeof options.adapter?.fallback === 'object' ? options.adapter.fallback.onFallback : undefined;
          user?.(err, record, ctx);
        },
      },
    });
    const partitioner = (args: {
      topic: string;
      partitionMetadata: PartitionMetadata[];
      message: Message;
    }): number => {
      const t0 = process.hrtime.bigint();
      const p = fn(args);
      const dt = process.hrtime.bigint() - t0;
      this.counters.selections++;
      this.counters.selectionNs += dt;
      this.mSelection.observe(Number(dt) / 1e9);
      this.chosen.set(args.message, { topic: args.topic, partition: p });
      const known = this.metadata.get(args.topic);
      if (known !== args.partitionMetadata) {
        // KafkaJS hands the same array until its metadata refresh replaces it: a new array is a refresh.
        this.metadata.set(args.topic, args.partitionMetadata);
        this.counters.metadataRefreshes++;
        this.mMetadata.inc({ topic: args.topic });
        this.mPartitions.set({ topic: args.topic }, args.partitionMetadata.length);
      }
      return p;
    };
    this.partitionFunction = partitioner;
    this.producer = kafka.producer({
      ...(options.producerConfig ?? {}),
      createPartitioner: () => partitioner,
    });
    this.producer.on(this.producer.events.REQUEST, (e) => {
      const { apiName, broker, duration } = e.payload as {
        apiName: string;
        broker: string;
        duration: number;
      };
      if (apiName === 'Produce') this.observeLatency(broker, duration);
    });
    if (options.handleSignals) {
      const handler = (sig: NodeJS.Signals): void => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
        void this.close().finally(() => {
          // Our listener replaced Node's default action; with it gone, the re-raised signal ends the process
          // as the supervisor expects (unless the application installed its own handler).
          process.kill(process.pid, sig);
        });
      };
      this.signalHandler = handler;
      process.once('SIGTERM', handler);
      process.once('SIGINT', handler);
    }
  }

  async connect(): Promise<void> {
    if (this.closing) throw new ProducerClosedError();
    await this.producer.connect();
    this.connected = true;
    // Broker id → address, to map a partition's leader (an id in metadata) to the latency of its connection.
    if (this.sink) await this.refreshNodes().catch(() => undefined);
  }

  /** Sends one record batch to one topic; counted on acknowledgement. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.track(() => this.producer.send(record), [record]);
  }

  /** Sends to several topics at once; counted on acknowledgement. */
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.track(() => this.producer.sendBatch(batch), batch.topicMessages ?? []);
  }

  private track(
    call: () => Promise<RecordMetadata[]>,
    parts: ReadonlyArray<{ topic: string; messages: Message[] }>,
  ): Promise<RecordMetadata[]> {
    if (this.closing) return Promise.reject(new ProducerClosedError());
    if (this.feedbackTopic === undefined && parts[0]) this.feedbackTopic = parts[0].topic;
    const p = call().then(
      (result) => {
        for (const { messages } of parts) {
          for (const m of messages) {
            const c = this.chosen.get(m);
            if (!c) continue;
            this.chosen.delete(m);
            const bytes = valueBytes(m.key) + valueBytes(m.value);
            let byTopic = this.delivered.get(c.topic);
            if (!byTopic) this.delivered.set(c.topic, (byTopic = new Map()));
            const cur = byTopic.get(c.partition) ?? { records: 0, bytes: 0 };
            cur.records++;
            cur.bytes += bytes;
            byTopic.set(c.partition, cur);
            const labels = { topic: c.topic, partition: String(c.partition) };
            this.mRecords.inc(labels);
            this.mBytes.inc(labels, bytes);
          }
        }
        return result;
      },
      (err: unknown) => {
        const type = err instanceof Error ? err.name : 'Error';
        for (const { topic, messages } of parts) {
          this.counters.sendErrors++;
          this.counters.failedRecords += messages.length;
          this.mSendErrors.inc({ topic, error: type });
          this.mFailedRecords.inc({ topic }, messages.length);
          for (const m of messages) this.chosen.delete(m);
        }
        throw err;
      },
    );
    this.inFlight.add(p);
    const done = (): void => {
      this.inFlight.delete(p);
    };
    p.then(done, done);
    return p;
  }

  private async refreshNodes(): Promise<void> {
    if (this.nodeRefresh) return this.nodeRefresh;
    this.lastNodeRefresh = this.now();
    this.nodeRefresh = (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        const d = await admin.describeCluster();
        this.nodeAddress = new Map(d.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
      } finally {
        await admin.disconnect().catch(() => undefined);
        this.nodeRefresh = undefined;
      }
    })();
    return this.nodeRefresh;
  }

  private observeLatency(broker: string, durationMs: number): void {
    if (!(durationMs >= 0)) return;
    const prev = this.latency.get(broker);
    const next = prev === undefined ? durationMs : prev + this.alpha * (durationMs - prev);
    this.latency.set(broker, next);
    this.mLatency.set({ broker }, next / 1000);
    if (this.sink) this.pushLoads(broker);
  }

  /**
   * Pushes the latency just measured for `broker` as the load of the partitions it leads: its EWMA in excess
   * of the fastest broker's plus the dead band (so a uniformly slow network is no reason to move traffic, and
   * millisecond jitter is none either). Only those partitions: the
   * other partitions keep their older readings with their older timestamps, so a broker that gets no traffic
   * (because it was slow) has its reading decay in the strategy (load-aware halfLifeMs) instead of being
   * re-stamped as fresh on every other broker's response — otherwise one slow sample would exile it for good.
   */
  private pushLoads(broker: string): void {
    const topic = this.feedbackTopic;
    if (topic === undefined || !this.sink) return;
    const meta = this.metadata.get(topic);
    if (!meta) return;
    const raw = this.latency.get(broker);
    if (raw === undefined) return;
    let fastest = raw;
    for (const v of this.latency.values()) fastest = Math.min(fastest, v);
    const l = Math.max(0, raw - fastest - this.deadbandMs);
    const loads = new Map<number, number>();
    let unknown = false;
    for (const pm of meta) {
      const addr = this.nodeAddress.get(pm.leader);
      if (addr === undefined) unknown = true;
      else if (addr === broker) loads.set(pm.partitionId, l);
    }
    // A leader we cannot place (new broker, moved leadership): refresh the id → address map, at most every 10 s.
    if (unknown && this.connected && this.now() - this.lastNodeRefresh > 10_000)
      void this.refreshNodes().catch(() => undefined);
    if (loads.size === 0) return;
    for (const [p, v] of loads) {
      this.lastLoad.set(p, v);
      this.mLoad.set({ topic, partition: String(p) }, v / 1000);
    }
    this.sink.updateLoad(loads, this.now());
  }

  stats(): InstrumentedProducerStats {
    const delivered: Record<string, Record<number, PartitionCounts>> = {};
    for (const [topic, m] of this.delivered) {
      const o: Record<number, PartitionCounts> = {};
      for (const [p, c] of [...m].sort((a, b) => a[0] - b[0])) o[p] = { ...c };
      delivered[topic] = o;
    }
    return {
      delivered,
      selections: this.counters.selections,
      selectionMs: Number(this.counters.selectionNs) / 1e6,
      fallbacks: this.counters.fallbacks,
      sendErrors: this.counters.sendErrors,
      failedRecords: this.counters.failedRecords,
      brokerLatencyMs: Object.fromEntries(this.latency),
      partitionLoad: Object.fromEntries(this.lastLoad),
      metadataUpdates: this.counters.metadataRefreshes,
      partitionCounts: Object.fromEntries([...this.metadata].map(([t, m]) => [t, m.length])),
    };
  }

  /** Delivered records per partition of one topic as an array of length `partitionCount` (zeros included). */
  deliveredCounts(topic: string, partitionCount: number): number[] {
    const out = new Array<number>(partitionCount).fill(0);
    for (const [p, c] of this.delivered.get(topic) ?? []) if (p < partitionCount) out[p] = c.records;
    return out;
  }

  /**
   * Refuses new sends, waits for in-flight ones (up to closeTimeoutMs), then disconnects. Idempotent.
   * KafkaJS has no client-side buffer beyond in-flight requests, so waiting for them is the flush.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.signalHandler) {
        process.off('SIGTERM', this.signalHandler);
        process.off('SIGINT', this.signalHandler);
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.closeTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      await this.producer.disconnect();
      this.connected = false;
    })();
    return this.closing;
  }

  /** Alias of close(), matching KafkaJS's producer API. */
  disconnect(): Promise<void> {
    return this.close();
  }
}

/** Builds an InstrumentedProducer (not yet connected). */
export function createInstrumentedProducer(
  kafka: Kafka,
  options: InstrumentedProducerOptions,
): InstrumentedProducer {
  return new InstrumentedProducer(kafka, options);
}
