// The dashboard page in headless Chromium against a fake source (no broker): it follows the data it polls —
// a stale snapshot turns the badge red and shows the poll error, fresh data clears it — and topic names are
// rendered as text, never as markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startServer } from '../../src/web/server.js';
import type { SnapshotSource } from '../../src/web/metrics.js';
import type { TopicSnapshot } from '../../src/cluster/types.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';

test('dashboard: stale data is flagged with the error, fresh data clears it, names are text', async (t) => {
  if (!existsSync(CHROMIUM))
    return t.skip('chromium is not installed (scripts/ensure-test-deps.sh installs it)');
  const name = '<img src=x onerror="window.pwned=1">';
  let current: TopicSnapshot = {
    topic: name,
    takenAt: Date.now() - 42_000,
    stale: true,
    error: 'leader broker 2 (127.0.0.1:9092) unreachable (ECONNREFUSED)',
    partitions: [0, 1, 2].map((partition) => ({
      partition,
      leader: 2,
      leaderAvailable: false,
      startOffset: 0,
      endOffset: 10 * (partition + 1),
      rate: 0,
    })),
  };
  const source: SnapshotSource = { all: () => [current], onSnapshot: () => undefined };
  const server = await startServer({ source, port: 0, intervalMs: 1000 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent?.startsWith('STALE'),
      undefined,
      { timeout: 15000 },
    );
    const stale = await page.evaluate(() => ({
      pill: document.getElementById('status')!.className,
      error: document.querySelector('section.topic .error')!.textContent,
      heading: document.querySelector('section.topic h2')!.textContent,
      leaderless: Array.from(document.querySelectorAll('.stat'))
        .find((s) => s.textContent?.includes('leaderless'))
        ?.querySelector('.v')?.textContent,
      pwned: (window as unknown as { pwned?: number }).pwned,
      images: document.querySelectorAll('img').length,
    }));
    assert.match(stale.pill, /stale/);
    assert.match(
      stale.error ?? '',
      /Stale data \(4\d s old\): leader broker 2 \(127\.0\.0\.1:9092\) unreachable/,
    );
    assert.equal(stale.heading?.trim(), name);
    assert.equal(stale.leaderless, '3');
    assert.equal(stale.pwned, undefined);
    assert.equal(stale.images, 0);

    current = {
      ...current,
      takenAt: Date.now(),
      stale: false,
      partitions: current.partitions.map((p) => ({
        ...p,
        leaderAvailable: true,
        endOffset: p.endOffset + 5,
      })),
    };
    delete current.error;
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent?.startsWith('live'),
      undefined,
      { timeout: 15000 },
    );
    const fresh = await page.evaluate(() => ({
      error: document.querySelector('section.topic .error')!.textContent,
      bars: Object.values(
        (
          window as unknown as {
            kpartCharts: Record<string, { bars: { data: { datasets: { data: number[] }[] } } }>;
          }
        ).kpartCharts,
      )[0]!.bars.data.datasets[0]!.data,
    }));
    assert.equal(fresh.error, '');
    assert.deepEqual(fresh.bars, [15, 25, 35]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
