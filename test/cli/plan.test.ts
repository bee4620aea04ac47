// `kpart plan`: the arithmetic through the CLI, and bad values exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';

test('--json gives minimum and recommended', async () => {
  const r = await runCli([
    'plan',
    '--throughput',
    '500MB/s',
    '--per-partition',
    '50MB/s',
    '--consumers',
    '30',
    '--headroom',
    '1.5',
    '--brokers',
    '6',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.minimum, 30);
  assert.equal(j.recommended, 45);
  assert.equal(j.byThroughput, 10);
  assert.equal(j.leadersPerBroker, 8);
  assert.ok(j.warnings.length >= 1);
});

test('human output shows the numbers and the warnings', async () => {
  const r = await runCli(['plan', '--throughput', '1GB/s', '--per-partition', '25MB/s', '--consumers', '8']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /minimum\s+40/);
  assert.match(r.stdout, /recommended\s+60/);
});

test('bad values exit 2 with one line', async () => {
  for (const bad of [
    ['--throughput', 'fast', '--per-partition', '1MB/s', '--consumers', '1'],
    ['--throughput', '1MB/s', '--per-partition', '1MB/s', '--consumers', '0'],
    ['--throughput', '1MB/s', '--per-partition', '1MB/s', '--consumers', '2', '--headroom', '0.5'],
    ['--throughput', '1MB/s', '--consumers', '2'],
    ['--throughput', '200k msg/s', '--per-partition', '10MB/s', '--consumers', '2'],
    ['--throughput', '0 msg/s', '--per-partition', '10 msg/s', '--consumers', '2'],
  ]) {
    const r = await runCli(['plan', ...bad]);
    assert.equal(r.code, 2, bad.join(' '));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
});

test('record rates: msg/s, k/M multipliers; the unit is in the JSON and the table names it', async () => {
  const j = await runCli([
    'plan',
    '--throughput',
    '1.2M records/s',
    '--per-partition',
    '25k msg/s',
    '--consumers',
    '10',
    '--json',
  ]);
  assert.equal(j.code, 0, j.stderr);
  const plan = JSON.parse(j.stdout);
  assert.equal(plan.unit, 'records/s');
  assert.equal(plan.throughput, 1_200_000);
  assert.equal(plan.perPartition, 25_000);
  assert.equal(plan.byThroughput, 48);
  assert.equal(plan.recommended, 72);
  const bytes = await runCli([
    'plan',
    '--throughput',
    '500MB/s',
    '--per-partition',
    '50MB/s',
    '--consumers',
    '3',
    '--json',
  ]);
  assert.equal(JSON.parse(bytes.stdout).unit, 'bytes/s');
  const human = await runCli([
    'plan',
    '--throughput',
    '120000msg/s',
    '--per-partition',
    '5000 msg/s',
    '--consumers',
    '3',
  ]);
  assert.match(human.stdout, /for throughput\s+24\s+\(ceil\(120,000 records\/s \/ 5,000 records\/s\)\)/);
  // Small byte rates are shown in a unit that does not round them to zero.
  const small = await runCli([
    'plan',
    '--throughput',
    '500',
    '--per-partition',
    '50KB/s',
    '--consumers',
    '1',
  ]);
  assert.match(small.stdout, /ceil\(500 B\/s \/ 50 KB\/s\)/);
});
