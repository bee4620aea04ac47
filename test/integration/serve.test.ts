// `kpart serve` against the test broker, run as the real CLI process: the dashboard in headless Chromium draws
// live per-partition data, /metrics keeps answering (and says "stale") while a leader broker is down and
// recovers when it returns, the token guards every route and never shows up in the output, SIGTERM stops cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Browser } from 'playwright-core';
import {
  startTestCluster,
  testConsumerConfig,
  testKafka,
  within,
  type TestCluster,
} from '../broker/harness.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
const DOCS_SCREENSHOT = new URL('../../../docs/dashboard.png', import.meta.url).pathname;

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ brokers: 3 });
});
after(async () => {
  await cluster?.stop();
});

interface ServeProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after 10 s, which fails the caller's assertion). */
  stop(): Promise<number | null>;
}

async function spawnServe(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await within(
      20000,
      new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const m = /listening on (http:\/\/\S+\/)/.exec(out);
          if (m) resolve(m[1]!);
        };
        child.stdout!.on('data', check);
        void exited.then((code) => reject(new Error(`kpart serve exited (${code}): ${out}`)));
      }),
      'kpart serve start',
    );
    return {
      url,
      child,
      output: () => out,
      async stop() {
        if (child.exitCode === null) child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10000);
        const code = await exited;
        clearTimeout(t);
        return code;
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** Commits `offsets[p]` for every partition as `group` (the mock has no DescribeGroups, so admin.setOffsets cannot). */
async function commitGroupOffsets(
  kafka: Kafka,
  group: string,
  topic: string,
  offsets: number[],
): Promise<void> {
  const consumer = kafka.consumer({ groupId: group, ...testConsumerConfig });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await within(20000, joined, 'group join');
    await consumer.commitOffsets(
      offsets.map((offset, partition) => ({ topic, partition, offset: String(offset) })),
    );
  } finally {
    await consumer.disconnect();
  }
}

/** Sends `counts[p]` records to each partition p (explicit partitions: exact, strategy-independent counts). */
async function produceCounts(kafka: Kafka, topic: string, counts: number[], tag: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const messages = counts.flatMap((n, partition) =>
      Array.from({ length: n }, (_, i) => ({ partition, key: `${tag}-${partition}-${i}`, value: `v${i}` })),
    );
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

async function get(url: string, token?: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: r.status, body: await r.text() };
}

function metricValue(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Polls `probe` until it returns a value (not undefined), bounded. */
async function eventually<T>(ms: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  return within(
    ms,
    (async () => {
      for (;;) {
        const v = await probe();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 200));
      }
    })(),
    what,
  );
}

test('dashboard in headless Chromium draws the live per-partition counts and lag of the test broker', async (t) => {
  if (!existsSync(CHROMIUM))
    return t.skip('chromium is not installed (scripts/ensure-test-deps.sh installs it)');
  const topic = cluster.uniqueName('orders');
  const group = cluster.uniqueName('billing');
  await cluster.createTopic(topic, 6);
  const kafka = testKafka(cluster.brokers);
  // Partition 3 is hot; the group is behind on all of them.
  const first = [120, 80, 60, 420, 90, 70];
  await produceCounts(kafka, topic, first, 'a');
  await commitGroupOffsets(
    kafka,
    group,
    topic,
    first.map((n) => Math.floor(n / 2)),
  );

  const token = 'dash-token-7f3a';
  const serve = await spawnServe([
    '--brokers',
    cluster.brokers.join(','),
    '--topic',
    topic,
    '--group',
    group,
    '--interval',
    '400ms',
    '--token',
    token,
  ]);
  let browser: Browser | undefined;
  try {
    // More traffic while serve runs, so "lag over time" has a shape (each round after at least one poll).
    const totals = [...first];
    for (let round = 0; round < 4; round++) {
      const before = await eventually(10000, 'a new poll', async () => {
        const v = JSON.parse((await get(serve.url + 'api/snapshot', token)).body) as {
          topics: { history: unknown[] }[];
        };
        return v.topics[0] && v.topics[0].history.length > round ? true : undefined;
      });
      assert.ok(before);
      const more = first.map((n, p) => Math.round((n / 4) * (p === 3 ? 2 : 1)));
      await produceCounts(kafka, topic, more, `r${round}`);
      more.forEach((n, p) => (totals[p]! += n));
    }
    const expectedLag = totals.map((n, p) => n - Math.floor(first[p]! / 2));

    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 520 },
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(serve.url)) external.push(r.url());
    });
    await page.goto(serve.url);
    await page.waitForFunction(
      (want: number[]) => {
        const w = window as unknown as {
          kpartCharts?: Record<string, { bars: { data: { datasets: { data: unknown[] }[] } } }>;
        };
        const entry = w.kpartCharts && Object.values(w.kpartCharts)[0];
        return (
          entry !== undefined && JSON.stringify(entry.bars.data.datasets[0]!.data) === JSON.stringify(want)
        );
      },
      totals,
      { timeout: 20000 },
    );
    // Let at least two more polls land so the lag line has several points.
    await page.waitForFunction(
      () => {
        const w = window as unknown as {
          kpartCharts: Record<string, { lag: { data: { datasets: { data: unknown[] }[] } } }>;
        };
        return Object.values(w.kpartCharts)[0]!.lag.data.datasets[0]!.data.length >= 6;
      },
      undefined,
      { timeout: 20000 },
    );
    const drawn = await page.evaluate(() => {
      const w = window as unknown as {
        kpartCharts: Record<
          string,
          {
            bars: { data: { labels: unknown[]; datasets: { data: unknown[]; backgroundColor: unknown }[] } };
            lag: { data: { datasets: { data: (number | null)[] }[] } };
          }
        >;
      };
      const entry = Object.values(w.kpartCharts)[0]!;
      // Non-blank canvases: count painted pixels of each chart.
      const painted = Array.from(document.querySelectorAll('canvas')).map((c) => {
        const ctx = c.getContext('2d')!;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      });
      return {
        labels: entry.bars.data.labels,
        records: entry.bars.data.datasets[0]!.data,
        colors: entry.bars.data.datasets[0]!.backgroundColor,
        lag: entry.bars.data.datasets[1]!.data,
        lagLine: entry.lag.data.datasets[0]!.data,
        painted,
        status: document.getElementById('status')!.textContent,
        stats: document.querySelector('.stats')!.textContent,
      };
    });
    assert.deepEqual(drawn.labels, ['0', '1', '2', '3', '4', '5']);
    assert.deepEqual(drawn.records, totals);
    assert.deepEqual(drawn.lag, expectedLag);
    // The hot partition (> 2 × mean) is drawn in the alert colour, the others not.
    assert.deepEqual(
      (drawn.colors as string[]).map((c) => c === '#c62828'),
      [false, false, false, true, false, false],
    );
    const line = drawn.lagLine.filter((x): x is number => x !== null);
    assert.ok(line.length >= 6);
    assert.equal(
      line[line.length - 1],
      expectedLag.reduce((a, b) => a + b, 0),
    );
    assert.ok(line[0]! < line[line.length - 1]!, `lag line rises as records arrive: ${line.join(',')}`);
    assert.equal(drawn.painted.length, 2);
    for (const n of drawn.painted) assert.ok(n > 2000, `canvas has drawn pixels (${n})`);
    assert.match(drawn.status ?? '', /^live/);
    assert.match(drawn.stats ?? '', /hot partitions/);
    assert.deepEqual(external, [], 'the page loads nothing from outside kpart serve');
    assert.deepEqual(pageErrors, []);

    const png = await page.screenshot({ fullPage: true });
    const tmp = join(tmpdir(), 'kpart-dashboard.png');
    writeFileSync(tmp, png);
    // The committed copy in docs/ is refreshed on request only, so a test run does not dirty the tree.
    if (!existsSync(DOCS_SCREENSHOT) || process.env['KPART_UPDATE_SCREENSHOTS'] === '1') {
      mkdirSync(join(DOCS_SCREENSHOT, '..'), { recursive: true });
      writeFileSync(DOCS_SCREENSHOT, png);
    }
    t.diagnostic(`screenshot: ${tmp}`);
    await context.close();
  } finally {
    await browser?.close();
    const code = await serve.stop();
    assert.equal(code, 0, serve.output());
  }
  assert.match(serve.output(), /bearer token required/);
  assert.ok(!serve.output().includes(token), 'the token is never printed');
  assert.match(serve.output(), /kpart serve: stopped/);
});

test('broker down while serve runs: /metrics keeps answering, marks the data stale with a growing age, recovers', async (t) => {
  if (!cluster.canInjectFaults) return t.skip('needs the mock cluster');
  const topic = cluster.uniqueName('faulty');
  await cluster.createTopic(topic, 6);
  const kafka = testKafka(cluster.brokers);
  await produceCounts(kafka, topic, [5, 5, 5, 5, 5, 5], 'f');
  const admin = kafka.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.disconnect();
  const victim = meta.topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
  // Bootstrap through a broker that stays up, so only the leader's loss is tested.
  const bootstrap = cluster.brokers.filter((_, i) => i + 1 !== victim);
  const serve = await spawnServe([
    '--brokers',
    bootstrap.join(','),
    '--topic',
    topic,
    '--interval',
    '300ms',
    '--timeout',
    '1500ms',
  ]);
  const labels = `topic="${topic}",group=""`;
  try {
    await eventually(15000, 'first fresh poll', async () => {
      const m = await get(serve.url + 'metrics');
      return metricValue(m.body, 'kpart_scrape_up', labels) === 1 ? true : undefined;
    });
    await cluster.brokerDown(victim);
    const staleAge = await eventually(20000, 'stale marking', async () => {
      const m = await get(serve.url + 'metrics');
      assert.equal(m.status, 200);
      return metricValue(m.body, 'kpart_data_stale', labels) === 1
        ? metricValue(m.body, 'kpart_data_age_seconds', labels)
        : undefined;
    });
    // Still answering, and the age of the shown data keeps growing while the broker is away.
    const later = await eventually(15000, 'age growth', async () => {
      const m = await get(serve.url + 'metrics');
      assert.equal(m.status, 200);
      assert.equal(metricValue(m.body, 'kpart_data_stale', labels), 1);
      const age = metricValue(m.body, 'kpart_data_age_seconds', labels)!;
      return age > staleAge! + 1 ? m.body : undefined;
    });
    assert.equal(metricValue(later, 'kpart_scrape_up', labels), 0);
    assert.equal(
      metricValue(later, `kafka_partition_latest_offset`, `topic="${topic}",partition="0"`),
      5,
      'last known values stay visible',
    );
    assert.equal(metricValue(later, 'kpart_partition_leader_available', `topic="${topic}",partition="0"`), 0);
    assert.ok((metricValue(later, 'kpart_polls_total', `topic="${topic}",result="error"`) ?? 0) >= 1);
    const snap = JSON.parse((await get(serve.url + 'api/snapshot')).body) as {
      topics: { stale: boolean; error: string | null }[];
    };
    assert.equal(snap.topics[0]!.stale, true);
    // The error names the lost broker, by id or by address.
    const address = cluster.brokers[victim - 1]!;
    assert.ok(
      new RegExp(`broker ${victim}\\b|${address.replace(/\./g, '\\.')}`).test(snap.topics[0]!.error ?? ''),
      snap.topics[0]!.error ?? '',
    );
    t.diagnostic(`stale error shown: ${snap.topics[0]!.error}`);

    await cluster.brokerUp(victim);
    const recovered = await eventually(25000, 'recovery', async () => {
      const m = await get(serve.url + 'metrics');
      return metricValue(m.body, 'kpart_data_stale', labels) === 0 ? m.body : undefined;
    });
    assert.equal(metricValue(recovered, 'kpart_scrape_up', labels), 1);
    assert.equal(
      metricValue(recovered, 'kpart_partition_leader_available', `topic="${topic}",partition="0"`),
      1,
    );
    assert.ok(metricValue(recovered, 'kpart_data_age_seconds', labels)! < staleAge! + 1);
  } finally {
    await cluster.brokerUp(victim).catch(() => undefined);
    assert.equal(await serve.stop(), 0, serve.output());
  }
});

test('serve refuses bad flags with exit 2 and one line', async () => {
  for (const args of [
    ['--port', '70000'],
    ['--interval', 'soon'],
    ['--token', ' '],
  ]) {
    const child = spawn(process.execPath, [CLI, 'serve', '--brokers', '127.0.0.1:1', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await within(10000, new Promise<number | null>((r) => child.once('exit', r)), 'serve exit');
    assert.equal(code, 2, `${args.join(' ')}: ${err}`);
    assert.equal(err.trim().split('\n').length, 1);
  }
});
