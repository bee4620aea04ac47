// `kpart analyze` as a user runs it: JSON shape, stdin, malformed reporting, --strict, bad flags exit 2 with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionForKey } from '../../src/hash/index.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kpart-analyze-'));
const lines = [
  '{"key":"a","v":1}',
  '{"key":"b","v":2}',
  'not json',
  '{"key":"a","v":3}',
  '{"v":4}',
  '{"key":"c"}',
];
const input = join(dir, 'in.jsonl');
writeFileSync(input, lines.join('\n') + '\n');

function oneLineError(r: { code: number | null; stderr: string; stdout: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const errLines = r.stderr.trimEnd().split('\n');
  assert.equal(errLines.length, 1, r.stderr);
  assert.match(errLines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('--json has the documented shape and the right numbers', async () => {
  const r = await runCli([
    'analyze',
    input,
    '--partitions',
    '6',
    '--strategy',
    'murmur2,roundrobin',
    '--key',
    'key',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.records, 4);
  assert.equal(j.partitions, 6);
  assert.equal(j.malformed, 2);
  assert.deepEqual(j.malformedLines, [3, 5]);
  assert.deepEqual(
    j.strategies.map((s: { strategy: string }) => s.strategy),
    ['murmur2', 'roundrobin'],
  );
  const counts = new Array<number>(6).fill(0);
  for (const k of ['a', 'b', 'a', 'c']) counts[partitionForKey(k, 6)]!++;
  const m = j.strategies[0];
  assert.deepEqual(m.counts, counts);
  assert.equal(m.counts.length, 6);
  assert.equal(m.bytes.length, 6);
  for (const f of [
    'loadSkewRatio',
    'sizeSkewRatio',
    'coefficientOfVariation',
    'hotspotPercentage',
    'partitionUtilization',
    'maxToMean',
    'gini',
  ]) {
    assert.equal(typeof m[f], 'number', f);
  }
  assert.ok(Array.isArray(m.alerts));
  assert.equal(j.hotKeys[0].key, 'a');
  assert.equal(j.hotKeys[0].records, 2);
  assert.equal(j.hotKeys[0].partition, partitionForKey('a', 6));
});

test('reads stdin; human output names malformed lines; --report writes HTML', async () => {
  const report = join(dir, 'out.html');
  const r = await runCli(['analyze', '-', '-p', '4', '--report', report], { input: lines.join('\n') });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 records .* 2 malformed \(first lines: 3, 5\)/);
  assert.match(r.stdout, /Hot keys/);
  assert.match(r.stdout, /Report: .*out\.html/);
  assert.match(readFileSync(report, 'utf8'), /<canvas id="bars-0"/);
  assert.equal(r.stderr, '', 'no progress bar off a TTY');
});

test('routing strategies get parsed values; specs with commas (composite:a,b) survive the list split', async () => {
  const p = join(dir, 'routed.jsonl');
  writeFileSync(
    p,
    ['{"key":"a","region":"eu"}', '{"key":"b","region":"us"}', '{"key":"c","region":"eu"}'].join('\n'),
  );
  const r = await runCli([
    'analyze',
    p,
    '-p',
    '4',
    '-s',
    'murmur2,composite:region,key,field:region',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(
    j.strategies.map((s: { strategy: string }) => s.strategy),
    ['murmur2', 'composite:region,key', 'field:region'],
  );
  for (const s of j.strategies) assert.equal(s.errors, 0, s.strategy);
  // field routing: both "eu" records on one partition
  assert.ok(j.strategies[2].counts.includes(2), JSON.stringify(j.strategies[2].counts));
});

test('--strict makes a malformed record fatal: exit 2, one line with its line number', async () => {
  const r = await runCli(['analyze', input, '-p', '4', '--strict']);
  oneLineError(r, /^kpart: line 3: bad JSON \(--strict\)$/);
});

test('bad flags and inputs exit 2 with one line', async () => {
  oneLineError(await runCli(['analyze', input]), /--partitions/);
  oneLineError(await runCli(['analyze', input, '-p', '0']), /--partitions must be an integer/);
  oneLineError(await runCli(['analyze', input, '-p', '4', '--strategy', 'nope']), /unknown strategy "nope"/);
  oneLineError(await runCli(['analyze', input, '-p', '4', '--format', 'xml']), /--format must be one of/);
  oneLineError(await runCli(['analyze', join(dir, 'missing.jsonl'), '-p', '4']), /cannot read .*ENOENT/);
  oneLineError(await runCli(['analyze', input, '-p', '4', '--bogus']), /unknown option '--bogus'/);
  // A mapping beyond the partition count is a configuration error, not a per-record failure.
  oneLineError(
    await runCli(['analyze', input, '-p', '4', '--strategy', 'murmur2,field:v:x=2,y=6']),
    /^kpart: field:v:x=2,y=6: partition 6 does not exist \(topic has 4\)$/,
  );
  oneLineError(
    await runCli([
      'simulate',
      '--workload',
      'uniform',
      '--records',
      '100',
      '-p',
      '3',
      '--strategy',
      'priority:high=3',
    ]),
    /^kpart: priority:high=3: partition 3 does not exist \(topic has 3\)$/,
  );
  oneLineError(
    await runCli(['place', '-p', '2', '--strategy', 'priority:high=2'], { input: 'a\n' }),
    /^kpart: priority:high=2: partition 2 does not exist \(topic has 2\)$/,
  );
});

test('cluster flags without --from-topic exit 2 instead of being ignored (or reading stdin)', async () => {
  oneLineError(
    await runCli(['analyze', input, '-p', '4', '--timeout', 'abc']),
    /^kpart: --timeout needs --from-topic$/,
  );
  oneLineError(
    await runCli(['analyze', input, '-p', '4', '--sample', '0']),
    /^kpart: --sample needs --from-topic$/,
  );
  oneLineError(
    await runCli(['analyze', '-p', '4', '--brokers', 'kafka:9092']),
    /^kpart: --brokers needs --from-topic$/,
  );
});

test('a directory as FILE exits 2 with one line', async () => {
  oneLineError(await runCli(['analyze', dir, '-p', '4']), /cannot read .*EISDIR/);
});
