// `kpart consumers`: idle and overloaded consumers per assignor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';

test('consumers --partitions 12 --consumers 16: four idle consumers with every assignor', async () => {
  const r = await runCli(['consumers', '--partitions', '12', '--consumers', '16', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    rows: { assignor: string; idle: string[]; overloaded: string[]; max: number }[];
    maxUsefulConsumers: number;
    advice: string[];
  };
  assert.equal(report.maxUsefulConsumers, 12);
  assert.deepEqual(
    report.rows.map((x) => x.assignor),
    ['range', 'roundrobin', 'sticky', 'cooperative-sticky', 'load-aware'],
  );
  for (const row of report.rows) {
    assert.equal(row.idle.length, 4, row.assignor);
    assert.deepEqual(row.overloaded, [], row.assignor);
    assert.equal(row.max, 1);
  }
  assert.match(report.advice[0]!, /4 of 16 consumers will be idle/);
  const text = await runCli(['consumers', '--partitions', '12', '--consumers', '16']);
  assert.match(text.stdout, /ASSIGNOR\s+MIN\s+MAX\s+IDLE\s+OVERLOADED/);
});

test('consumers with several topics: range overloads the first members, roundrobin does not', async () => {
  const r = await runCli(['consumers', '--partitions', '10', '--consumers', '4', '--topics', '3', '--json']);
  const report = JSON.parse(r.stdout) as {
    fairShare: number;
    rows: { assignor: string; overloaded: string[]; max: number; min: number }[];
  };
  assert.equal(report.fairShare, 8);
  const range = report.rows.find((x) => x.assignor === 'range')!;
  assert.deepEqual(range.overloaded, ['c1', 'c2']); // 3 + 3 + 3 = 9 each: the per-topic remainder always lands on c1, c2
  assert.equal(range.max, 9);
  const rr = report.rows.find((x) => x.assignor === 'roundrobin')!;
  assert.deepEqual(rr.overloaded, []);
  assert.equal(rr.max - rr.min, 1);
});

test('consumers: bad values exit 2', async () => {
  for (const args of [
    ['--partitions', '0', '--consumers', '3'],
    ['--partitions', 'x', '--consumers', '3'],
    ['--partitions', '3'],
  ]) {
    const r = await runCli(['consumers', ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
