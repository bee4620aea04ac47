// `kpart rebalance`: the simulator through the CLI (JSON shape, static membership, flags, errors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';
import type { SimulationResult } from '../../src/assignors/rebalance.js';

async function sim(args: string[]): Promise<SimulationResult> {
  const r = await runCli(['rebalance', ...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SimulationResult;
}

test('rebalance scale-out: eager range revokes everything, cooperative revokes only what moves', async () => {
  const r = await sim([
    '--partitions',
    '48',
    '--consumers',
    '6',
    '--assignor',
    'range',
    '--scenario',
    'scale-out:+2',
  ]);
  const step = r.variants[0]!.steps[0]!;
  assert.equal(step.members, 8);
  assert.equal(step.eager.revoked, 48);
  assert.equal(step.eager.pausedMembers.length, 6);
  assert.equal(step.cooperative.rounds, 2);
  assert.equal(step.cooperative.revoked, 12); // 8 members × 6: each old member gives up 2
  assert.equal(step.cooperative.moved, 12);
  assert.equal(step.cooperative.kept, 36);
  assert.deepEqual(step.cooperative.pausedMembers, []);
  assert.ok(step.eager.moved >= step.cooperative.moved);
});

test('rebalance crash with static membership: no rebalance when the member returns within the session timeout', async () => {
  const dyn = await sim([
    '--partitions',
    '48',
    '--consumers',
    '6',
    '--assignor',
    'sticky',
    '--scenario',
    'crash:c3',
  ]);
  assert.equal(dyn.variants[0]!.steps.length, 2);
  assert.equal(dyn.variants[0]!.totals.eager.rebalances, 2);
  // The crashed member's partitions wait for the session timeout before anyone takes them.
  assert.ok(dyn.variants[0]!.steps[0]!.eager.maxPartitionPauseMs >= 45000);
  const stat = await sim([
    '--partitions',
    '48',
    '--consumers',
    '6',
    '--assignor',
    'sticky',
    '--scenario',
    'crash:c3',
    '--static-membership',
    '--restart',
    '5s',
  ]);
  const only = stat.variants[0]!.steps;
  assert.equal(only.length, 1);
  assert.equal(only[0]!.rebalance, false);
  assert.equal(only[0]!.eager.moved, 0);
  assert.deepEqual(only[0]!.eager.pausedMembers, [{ member: 'c3', ms: 5000 + 2000 }]);
  // Restarting slower than the session timeout: the static member is expelled and the rebalances happen.
  const slow = await sim([
    '--partitions',
    '48',
    '--consumers',
    '6',
    '--assignor',
    'sticky',
    '--scenario',
    'crash:c3',
    '--static-membership',
    '--restart',
    '60s',
  ]);
  assert.equal(slow.variants[0]!.totals.eager.rebalances, 2);
});

test('rebalance deploy-storm: staggered vs simultaneous variants; rolling restart with static membership is free', async () => {
  const r = await sim([
    '--partitions',
    '24',
    '--consumers',
    '4',
    '--assignor',
    'roundrobin',
    '--scenario',
    'deploy-storm:4',
    '--warmup',
    '1s',
  ]);
  assert.deepEqual(
    r.variants.map((v) => v.name),
    ['staggered', 'simultaneous'],
  );
  assert.equal(r.costModel.warmupMs, 1000);
  assert.equal(r.variants[0]!.steps.length, 8);
  assert.equal(r.variants[1]!.steps.length, 2);
  // All four down at once: nobody consumes until they are back (restart time shows in the pause).
  assert.ok(r.variants[1]!.totals.cooperative.maxPartitionPauseMs >= r.costModel.restartMs);
  const rolling = await sim([
    '--partitions',
    '24',
    '--consumers',
    '4',
    '--scenario',
    'rolling-restart',
    '--static-membership',
  ]);
  assert.equal(rolling.variants[0]!.totals.eager.rebalances, 0);
  const text = await runCli([
    'rebalance',
    '--partitions',
    '24',
    '--consumers',
    '4',
    '--scenario',
    'rolling-restart',
  ]);
  assert.match(text.stdout, /cost model: commit 50 ms, join 300 ms, sync 100 ms/);
  assert.match(text.stdout, /eager\s+1\s+24/);
});

test('rebalance: bad scenario, assignor or member exit 2 with one line', async () => {
  for (const args of [
    ['--scenario', 'explode'],
    ['--scenario', 'scale-out:+x'],
    ['--scenario', 'crash:c99'],
    ['--scenario', 'crash:c1', '--assignor', 'load-aware'],
    ['--scenario', 'crash:c1', '--join', 'soon'],
  ]) {
    const r = await runCli(['rebalance', '--partitions', '12', '--consumers', '3', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

test('rebalance: a scale-out beyond the consumer limit exits 2 at once instead of running without end', async () => {
  const r = await runCli(
    ['rebalance', '--partitions', '100000', '--consumers', '10000', '--scenario', 'scale-out:+99999999'],
    { timeoutMs: 20000 },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(
    r.stderr,
    /^kpart: --scenario scale-out:\+99999999 would grow the group to \d+ consumers \(limit 10000\)/,
  );
});
