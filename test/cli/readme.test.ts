// The README's CLI figures are real output: each example is run and compared with the block the README shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The lines of the fenced block that starts with `first` (that line excluded when `skipFirst`). */
function block(first: string, skipFirst: boolean): string[] {
  const i = readme.indexOf(first);
  assert.ok(i >= 0, `README has "${first}"`);
  const start = skipFirst ? readme.indexOf('\n', i) + 1 : i;
  const end = readme.indexOf('```', start);
  return readme.slice(start, end).trimEnd().split('\n');
}

const lines = (s: string): string[] => s.trimEnd().split('\n');

test('README: the demo output is what `kpart demo` prints (report path aside)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpart-readme-demo-'));
  const r = await runCli(['demo'], { cwd: dir, timeoutMs: 120000 });
  assert.equal(r.code, 0, r.stderr);
  const shown = block('kpart demo — workload', false).filter((l) => !l.startsWith('Report: '));
  const got = lines(r.stdout).filter((l) => !l.startsWith('Report: '));
  assert.deepEqual(got, shown);
});

test('README: the simulate, plan and repartition examples print what the README shows', async () => {
  const sim = await runCli(
    [
      'simulate',
      '--workload',
      'zipf:1.1',
      '--records',
      '1000000',
      '--keys',
      '100000',
      '--partitions',
      '12',
      '--strategy',
      'murmur2,consistent,salted:8',
    ],
    { timeoutMs: 120000 },
  );
  assert.equal(sim.code, 0, sim.stderr);
  const simShown = block('$ kpart simulate --workload', true).filter((l) => l !== '...');
  assert.deepEqual(lines(sim.stdout).slice(0, simShown.length), simShown);

  const plan = await runCli([
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
  ]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.deepEqual(lines(plan.stdout), block('$ kpart plan --throughput', true));

  const rep = await runCli(['repartition', '--from', '12', '--to', '13', '--workload', 'zipf:1.1'], {
    timeoutMs: 120000,
  });
  assert.equal(rep.code, 0, rep.stderr);
  assert.deepEqual(lines(rep.stdout), block('$ kpart repartition --from 12', true));
});

test('README: the analyze --json example has the numbers the README shows', async () => {
  const input =
    [
      '{"key":"user-1","v":1}',
      '{"key":"user-2","v":2}',
      'oops',
      '{"id":4}',
      '{"key":"user-1","v":5}',
      '{"key":"user-3","v":6}',
    ].join('\n') + '\n';
  const r = await runCli(['analyze', '--partitions', '4', '--strategy', 'murmur2,fnv1a', '--json'], {
    input,
  });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.records, 4);
  assert.equal(j.partitions, 4);
  assert.equal(j.malformed, 2);
  assert.deepEqual(j.malformedLines, [3, 4]);
  const m = j.strategies[0];
  assert.equal(m.strategy, 'murmur2');
  assert.deepEqual(m.counts, [3, 0, 0, 1]);
  assert.deepEqual(m.bytes, [66, 0, 0, 22]);
  assert.equal(m.loadSkewRatio, 3);
  assert.equal(m.sizeSkewRatio, 66);
  assert.equal(Number(m.coefficientOfVariation.toFixed(3)), 1.225);
  assert.equal(m.hotspotPercentage, 25);
  assert.equal(m.partitionUtilization, 50);
  assert.equal(m.maxToMean, 3);
  assert.equal(m.gini, 0.625);
  assert.equal(j.strategies[1].strategy, 'fnv1a');
  assert.deepEqual(j.hotKeys[0], {
    key: 'user-1',
    records: 2,
    error: 0,
    recordsPercent: 50,
    bytes: 44,
    bytesPercent: 50,
    partition: 0,
    partitions: { murmur2: 0, fnv1a: 0 },
  });
  // The fields the README says the full output also has.
  for (const f of ['mean', 'stddev', 'min', 'max', 'hotspots', 'empty', 'alerts', 'errors', 'hotPartitions'])
    assert.ok(f in m, f);
  for (const f of ['malformedReasons', 'keyless', 'bytes', 'sketch']) assert.ok(f in j, f);
});
