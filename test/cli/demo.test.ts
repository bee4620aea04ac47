// `kpart demo` (npm start): runs without a cluster, prints strategies side by side and writes the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

test('demo writes a self-contained report and explains the hot partition', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpart-demo-'));
  const r = await runCli(['demo', '--records', '50000'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /kpart demo — workload zipf:1\.1/);
  assert.match(r.stdout, /murmur2/);
  assert.match(r.stdout, /Hot keys/);
  assert.match(r.stdout, /make[s]? partition \d+ hot/);
  assert.match(r.stdout, /Recommendation:/);
  const path = join(dir, 'kpart-report.html');
  assert.match(r.stdout, new RegExp(`Report: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok(existsSync(path));
  const html = readFileSync(path, 'utf8');
  assert.match(html, /new Chart\(/);
  assert.match(html, /Chart\.js v\d/); // the bundle is inlined
  const again = await runCli(['demo', '--records', '50000', '--report', join(dir, 'b.html')], { cwd: dir });
  assert.equal(again.stdout.replace(/Report: .*/, ''), r.stdout.replace(/Report: .*/, ''), 'reproducible');
});
