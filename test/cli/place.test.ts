// `kpart place`: one partition per input line, in order, from FILE or stdin; --hex; bad input exits 2 with
// one line naming the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';
import { partitionForKey } from '../../src/hash/index.js';
import { sharedFile } from '../support/shared.js';

const golden = readFileSync(sharedFile('golden/hash-vectors.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map(
    (l) =>
      JSON.parse(l) as {
        key_hex: string;
        partitions: number;
        murmur2: number;
        fnv1a: number;
        consistent: number;
      },
  );

function oneLineError(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

test('place --hex reproduces librdkafka golden placements for murmur2, fnv1a and consistent', async () => {
  const byCount = new Map<number, typeof golden>();
  for (const v of golden) byCount.set(v.partitions, [...(byCount.get(v.partitions) ?? []), v]);
  // The partition counts with the most vectors (one CLI run per strategy and count).
  const counts = [...byCount.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, 2);
  for (const [n, vs] of counts) {
    const input = vs.map((v) => v.key_hex).join('\n') + '\n';
    for (const strategy of ['murmur2', 'fnv1a', 'consistent'] as const) {
      const r = await runCli(['place', '--strategy', strategy, '--partitions', String(n), '--hex'], {
        input,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.stdout.trimEnd().split('\n').map(Number),
        vs.map((v) => v[strategy]),
        `${strategy} % ${n}`,
      );
    }
  }
});

test('place reads FILE, keeps order, treats an empty line as the empty key, handles CRLF and a last line without newline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpart-place-'));
  const file = join(dir, 'keys.txt');
  const keys = ['user-1', '', 'Zürich', '東京', 'user-1'];
  writeFileSync(file, keys.join('\r\n'));
  const r = await runCli(['place', '-s', 'murmur2', '-p', '12', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map(Number),
    keys.map((k) => partitionForKey(k, 12)),
  );
  const j = await runCli(['place', '-s', 'fnv1a', '-p', '7', '--json', file]);
  assert.deepEqual(
    JSON.parse(j.stdout),
    keys.map((k) => partitionForKey(k, 7, 'fnv1a')),
  );
});

test('place streams a large input from stdin (200k keys)', async () => {
  const keys = Array.from({ length: 200_000 }, (_, i) => `order-${i}`);
  const r = await runCli(['place', '-s', 'murmur2', '-p', '100'], { input: keys.join('\n') + '\n' });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.split('\n');
  assert.equal(out.length, keys.length + 1);
  for (let i = 0; i < keys.length; i += 997) assert.equal(Number(out[i]), partitionForKey(keys[i]!, 100));
});

test('place: --partitions 0, -3, 1.5 exit 2 with one line naming --partitions', async () => {
  for (const bad of ['0', '-3', '1.5', 'ten']) {
    const r = await runCli(['place', '--strategy', 'murmur2', '--partitions', bad], { input: 'a\n' });
    oneLineError(r, new RegExp(`--partitions.*"${bad.replace('.', '\\.')}"`));
    assert.equal(r.stdout, '');
  }
});

test('place --hex: a non-hex line exits 2 naming its line number', async () => {
  for (const [input, line] of [
    ['00ff\nzz\n', 2],
    ['abc\n', 1],
    ['0a\n\n12 34\n', 3],
  ] as const) {
    const r = await runCli(['place', '-s', 'murmur2', '-p', '8', '--hex'], { input });
    oneLineError(r, new RegExp(`line ${line}: not a hex-encoded key`));
  }
});

test('place: missing FILE and unknown strategy exit 2 with one line', async () => {
  oneLineError(
    await runCli(['place', '-s', 'murmur2', '-p', '8', '/nonexistent/keys.txt']),
    /cannot read \/nonexistent\/keys\.txt: no such file/,
  );
  oneLineError(
    await runCli(['place', '-s', 'nosuch', '-p', '8'], { input: 'a\n' }),
    /unknown strategy "nosuch"/,
  );
  oneLineError(await runCli(['place', '-p', '8'], { input: 'a\n' }), /--strategy/);
});

test('place: a huge key (64 MiB on one line, read in many chunks) is placed in linear time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpart-place-huge-'));
  const file = join(dir, 'keys.txt');
  const huge = 'x\u20ac'.repeat(16 * 1024 * 1024); // 64 MiB of UTF-8, far more than one read chunk
  writeFileSync(file, `first\n${huge}\nlast`);
  // Joining the chunks of a line once per chunk made this quadratic (about a minute); linear is ~1 s.
  const r = await runCli(['place', '-s', 'murmur2', '-p', '37', file], { timeoutMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n').map(Number), [
    partitionForKey('first', 37),
    partitionForKey(huge, 37),
    partitionForKey('last', 37),
  ]);
});

test('place: a directory as FILE exits 2 with one line (not an internal EISDIR error)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpart-place-dir-'));
  oneLineError(await runCli(['place', '-s', 'murmur2', '-p', '8', dir]), /cannot read .*: is a directory/);
});

test('place: the README example prints 8, 8, 9', async () => {
  const r = await runCli(['place', '--strategy', 'murmur2', '--partitions', '12'], {
    input: 'user-1\nuser-2\n\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '8\n8\n9\n');
});

test('place --hex: a binary line is shown escaped, never as raw control bytes', async () => {
  const r = await runCli(['place', '-s', 'murmur2', '-p', '8', '--hex'], {
    input: Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0xff, 0x0d, 0x41, 0x0a]),
  });
  oneLineError(r, /^kpart: line 1: not a hex-encoded key: "\\x1b\[2J\\xff\\x0dA"$/);
});
