// Planner arithmetic: minimum = max(ceil(throughput / per-partition), consumers), recommended = ceil(minimum × headroom).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPartitions } from '../../src/analysis/plan.js';

const MB = 1e6;

test('the issue example: 500MB/s at 50MB/s per partition, 30 consumers, headroom 1.5', () => {
  const p = planPartitions({
    throughput: 500 * MB,
    perPartition: 50 * MB,
    consumers: 30,
    headroom: 1.5,
    brokers: 6,
  });
  assert.equal(p.byThroughput, 10);
  assert.equal(p.minimum, 30);
  assert.equal(p.recommended, 45);
  assert.equal(p.leadersPerBroker, 8); // ceil(45 / 6)
  assert.equal(p.replicasPerBroker, 23); // ceil(45 × 3 / 6)
  assert.deepEqual(p.partitionsPerConsumer, { min: 1, max: 2 });
  assert.equal(p.evenForConsumers, 60);
  assert.deepEqual(p.warnings.map((w) => w.code).sort(), [
    'CONSUMER_BOUND',
    'UNEVEN_BROKERS',
    'UNEVEN_CONSUMERS',
  ]);
});

test('throughput-bound plans round up, without float noise', () => {
  const p = planPartitions({ throughput: 1000 * MB, perPartition: 30 * MB, consumers: 4, headroom: 1 });
  assert.equal(p.byThroughput, 34); // 33.3 → 34
  assert.equal(p.recommended, 34);
  // 0.1 × 3 is 0.30000000000000004 in floats; 3 × 1.1 = 3.3000000000000003
  assert.equal(
    planPartitions({ throughput: 0.3 * MB, perPartition: 0.1 * MB, consumers: 1, headroom: 1 }).byThroughput,
    3,
  );
  assert.equal(
    planPartitions({ throughput: 10 * MB, perPartition: 1 * MB, consumers: 1, headroom: 1.1 }).recommended,
    11,
  );
  assert.deepEqual(
    planPartitions({ throughput: 120 * MB, perPartition: 10 * MB, consumers: 12, headroom: 1 }).warnings,
    [],
  );
});

test('too many partition replicas per broker is a warning', () => {
  const p = planPartitions({
    throughput: 100_000 * MB,
    perPartition: 1 * MB,
    consumers: 10,
    headroom: 1,
    brokers: 3,
    replication: 3,
  });
  assert.equal(p.replicasPerBroker, 100_000);
  assert.ok(p.warnings.some((w) => w.code === 'TOO_MANY_PER_BROKER'));
  assert.ok(
    planPartitions({
      throughput: MB,
      perPartition: MB,
      consumers: 1,
      brokers: 2,
      replication: 3,
    }).warnings.some((w) => w.code === 'REPLICATION_OVER_BROKERS'),
  );
});
