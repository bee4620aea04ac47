// CLI contract: help and version work; unknown commands, flags and bad values exit 2 with exactly one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';

test('--help lists the commands and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: kpart/);
  assert.match(r.stdout, /Commands:/);
});

test('--version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test('an unknown command exits 2 with one readable line and no stack', async () => {
  const r = await runCli(['bogus']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^kpart: unknown command 'bogus'/);
});

test('an unknown global flag exits 2 with one line', async () => {
  const r = await runCli(['--frobnicate']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  assert.match(r.stderr, /unknown option '--frobnicate'/);
});
