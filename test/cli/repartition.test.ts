// `kpart repartition`: moved keys/records per strategy from a workload or a file, with a migration plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionForKey } from '../../src/hash/index.js';
import { runCli } from './run-cli.js';

test('workload: murmur2 moves most keys from 12 to 13', async () => {
  const r = await runCli([
    'repartition',
    '--from',
    '12',
    '--to',
    '13',
    '--workload',
    'uniform',
    '--records',
    '20000',
    '--keys',
    '4000',
    '--strategy',
    'murmur2',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.from, 12);
  assert.equal(j.to, 13);
  const m = j.strategies[0];
  assert.ok(Math.abs(m.keysMovedPercent - 92.3) < 2.5, String(m.keysMovedPercent));
  assert.ok(j.advice.join(' ').includes('dual write'));
});

test('file input: exact moved records, human output has the plan', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpart-repart-'));
  const keys = Array.from({ length: 300 }, (_, i) => `k${i % 120}`);
  const p = join(dir, 'keys.txt');
  writeFileSync(p, keys.join('\n'));
  const r = await runCli(['repartition', p, '--from', '6', '--to', '8', '--strategy', 'murmur2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const moved = keys.filter((k) => partitionForKey(k, 6) !== partitionForKey(k, 8)).length;
  assert.equal(JSON.parse(r.stdout).strategies[0].recordsMoved, moved);
  const h = await runCli(['repartition', p, '--from', '6', '--to', '8']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /keys moved %/);
  assert.match(h.stdout, /Migration, option 1/);
});

test('bad counts exit 2 with one line', async () => {
  const r = await runCli(['repartition', '--from', '0', '--to', '4']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
});
