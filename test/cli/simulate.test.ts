// `kpart simulate`: same JSON shape as analyze, reproducible under --seed, flags validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';

const args = [
  'simulate',
  '--workload',
  'zipf:1.1',
  '--records',
  '20000',
  '--keys',
  '5000',
  '--partitions',
  '12',
  '--strategy',
  'murmur2,sticky',
  '--json',
];

test('zipf simulation: JSON shape, counts sum to records, hot keys on their murmur2 partition', async () => {
  const r = await runCli(args);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.records, 20000);
  assert.equal(j.partitions, 12);
  assert.equal(j.malformed, 0);
  assert.equal(j.strategies.length, 2);
  for (const s of j.strategies) {
    assert.equal(
      s.counts.reduce((a: number, b: number) => a + b, 0),
      20000,
    );
    assert.ok(s.loadSkewRatio >= 1);
  }
  assert.equal(j.hotKeys[0].key, 'user-1');
  assert.ok(j.hotKeys[0].recordsPercent > 5);
});

test('same seed, same output; another seed, other counts', async () => {
  const a = await runCli(args);
  const b = await runCli(args);
  const c = await runCli([...args, '--seed', '2']);
  assert.equal(a.stdout, b.stdout);
  assert.notDeepEqual(JSON.parse(a.stdout).strategies[0].counts, JSON.parse(c.stdout).strategies[0].counts);
});

test('bad workload and counts exit 2 with one line', async () => {
  for (const bad of [
    ['--workload', 'pareto'],
    ['--workload', 'zipf:-1'],
    ['--records', '0'],
    ['--keys', 'x'],
    ['--seed', '-3'],
  ]) {
    const r = await runCli(['simulate', ...bad]);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  }
});
