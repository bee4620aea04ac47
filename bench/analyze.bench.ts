/**
 * `kpart analyze` throughput and memory on a large JSONL file, against a plain readline + JSON.parse loop
 * measured in the same run (the ratio is the number that matters on a shared machine).
 *
 *   KPART_BENCH_MB=1000 npm run bench -- analyze     # the 1 GB case (default 200 MB keeps it short)
 *
 * The file (Zipf(1.1) user ids over 1 M keys, ~100-byte records, seeded) is generated once in os.tmpdir()
 * and reused. Both sides run as child processes so each has a fresh heap and its own peak RSS
 * (process.resourceUsage().maxRSS, printed by the CLI's hidden --stats flag).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, ZipfSampler } from '../src/analysis/prng.js';
import { fmtRate } from './util.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const HASH = new URL('../src/hash/index.js', import.meta.url).href;

async function ensureFile(mb: number): Promise<{ path: string; records: number }> {
  const path = join(tmpdir(), `kpart-bench-${mb}mb.jsonl`);
  const target = mb * 1e6;
  const countPath = `${path}.records`;
  if (existsSync(path) && existsSync(countPath) && statSync(path).size >= target) {
    const { readFileSync } = await import('node:fs');
    return { path, records: Number(readFileSync(countPath, 'utf8')) };
  }
  const out = createWriteStream(path);
  const rng = new Rng(2024);
  const zipf = new ZipfSampler(1_000_000, 1.1);
  let bytes = 0;
  let records = 0;
  const currencies = ['EUR', 'USD', 'GBP', 'JPY'];
  while (bytes < target) {
    const parts: string[] = [];
    for (let i = 0; i < 10000; i++) {
      const line =
        `{"key":"user-${zipf.sample(rng)}","ts":${1_700_000_000_000 + records},"amount":${(rng.next() * 1000).toFixed(2)},` +
        `"currency":"${currencies[rng.int(4)]}","items":[${rng.int(9) + 1},${rng.int(99)}],"ok":true}\n`;
      parts.push(line);
      bytes += line.length;
      records++;
    }
    if (!out.write(parts.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(countPath, String(records));
  return { path, records };
}

interface ChildRun {
  records: number;
  elapsedMs: number;
  cpuMs: number;
  maxRssBytes: number;
}

function runChild(args: string[]): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stderr.split('\n').find((l) => l.includes('"kpartStats"'));
      if (code !== 0 || !line)
        return reject(new Error(`bench child failed (${code}): ${stderr.slice(0, 500)}`));
      resolve((JSON.parse(line) as { kpartStats: ChildRun }).kpartStats);
    });
  });
}

/** The baseline: what a straightforward Node analyzer does. */
const BASELINE = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { partitionForKey } from ${JSON.stringify(HASH)};
const started = performance.now();
const counts = new Array(12).fill(0);
let records = 0;
const rl = createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity });
for await (const line of rl) {
  if (!line) continue;
  const o = JSON.parse(line);
  counts[partitionForKey(String(o.key), 12)]++;
  records++;
}
const elapsedMs = performance.now() - started;
const u = process.resourceUsage();
process.stderr.write(JSON.stringify({ kpartStats: { records, elapsedMs, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssBytes: u.maxRSS * 1024 } }) + '\\n');
`;

export async function run(): Promise<void> {
  const mb = Number(process.env['KPART_BENCH_MB'] ?? 200);
  const { path, records } = await ensureFile(mb);
  const size = statSync(path).size;
  console.log(`input: ${path} (${(size / 1e6).toFixed(0)} MB, ${records} records)`);
  const kpart = await runChild([
    CLI,
    'analyze',
    path,
    '--partitions',
    '12',
    '--strategy',
    'murmur2',
    '--key',
    'key',
    '--json',
    '--no-progress',
    '--stats',
  ]);
  const base = await runChild(['--input-type=module', '-e', BASELINE, path]);
  if (kpart.records !== records || base.records !== records)
    throw new Error(`record counts differ: ${kpart.records} / ${base.records} / ${records}`);
  const rate = (r: ChildRun) => r.records / (r.elapsedMs / 1000);
  const cpuRate = (r: ChildRun) => r.records / (r.cpuMs / 1000);
  const row = (name: string, r: ChildRun) =>
    `${name.padEnd(26)} ${fmtRate(rate(r)).padStart(10)} ${(size / 1e6 / (r.elapsedMs / 1000)).toFixed(0).padStart(5)} MB/s ` +
    `${fmtRate(cpuRate(r)).padStart(10)} per CPU-s ${(r.maxRssBytes / 1e6).toFixed(0).padStart(5)} MB RSS ${(r.elapsedMs / 1000).toFixed(2).padStart(6)} s`;
  console.log(
    `${''.padEnd(26)} ${'records/s'.padStart(10)} ${'MB/s'.padStart(10)} ${'(CPU time)'.padStart(20)}`,
  );
  console.log(row('kpart analyze (murmur2)', kpart));
  console.log(row('readline + JSON.parse', base));
  console.log(
    `ratio: ${(rate(kpart) / rate(base)).toFixed(2)}x the baseline (${(cpuRate(kpart) / cpuRate(base)).toFixed(2)}x per CPU-second)`,
  );
  const okRate = rate(kpart) >= 2e6;
  const okRss = kpart.maxRssBytes < 300e6;
  console.log(
    `targets: >= 2 M records/s ${okRate ? 'met' : 'NOT met'}; peak RSS < 300 MB ${okRss ? 'met' : 'NOT met'} ` +
      `(load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores: on a busy machine compare the ratio)`,
  );
}
