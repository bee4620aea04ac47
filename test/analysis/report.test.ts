// The HTML report is self-contained and its charts draw in headless Chromium with the network cut off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Analyzer } from '../../src/analysis/analyzer.js';
import { lorenzCurve, renderReport } from '../../src/analysis/report.js';
import { createWorkload, feedWorkload } from '../../src/analysis/workloads.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';

test('Lorenz curve: equality diagonal for even counts, sags for skewed ones', () => {
  assert.deepEqual(lorenzCurve([5, 5]), [
    { x: 0, y: 0 },
    { x: 0.5, y: 0.5 },
    { x: 1, y: 1 },
  ]);
  assert.deepEqual(
    lorenzCurve([0, 0, 10, 0]).map((p) => p.y),
    [0, 0, 0, 0, 1],
  );
});

test(
  'report renders offline in headless Chromium: bar charts per strategy, Lorenz curve, tables',
  { skip: !existsSync(CHROMIUM) && 'no /usr/bin/chromium' },
  async () => {
    const an = new Analyzer({ partitions: 8, strategies: ['murmur2', 'roundrobin'] });
    feedWorkload(an, createWorkload('zipf:1.2', { keys: 2000, seed: 1 }), 20000);
    const result = an.result();
    const html = renderReport(result, { title: 'test <report>', source: 'unit test' });
    assert.ok(!/<script[^>]+src=/i.test(html), 'no external scripts');
    assert.ok(
      !/https?:\/\/[^\s"')]*\.(js|css)/i.test(html.replace(/<script>[\s\S]*?<\/script>/g, '')),
      'no external assets',
    );
    const dir = mkdtempSync(join(tmpdir(), 'kpart-report-'));
    const path = join(dir, 'r.html');
    writeFileSync(path, html);

    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(path).href);
      await page.waitForFunction(
        () => (window as unknown as { __kpartReport?: { ready: boolean } }).__kpartReport?.ready === true,
        undefined,
        { timeout: 10000 },
      );
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, []);
      const info = await page.evaluate(() => {
        const C = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
        return Array.from(document.querySelectorAll('canvas')).map((c) => {
          const ctx = c.getContext('2d')!;
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) ink++;
          return { id: c.id, chart: C.getChart(c) !== undefined, ink };
        });
      });
      assert.deepEqual(
        info.map((i) => i.id),
        ['bars-0', 'bars-1', 'lorenz'],
      );
      for (const c of info) {
        assert.ok(c.chart, `${c.id} has a Chart instance`);
        assert.ok(c.ink > 2000, `${c.id} drew (${c.ink} non-transparent pixels)`);
      }
      const hotRows = await page.locator('#hotkeys tr').count();
      assert.equal(hotRows, 1 + result.hotKeys.length);
      assert.match(await page.title(), /test <report>/);
      assert.match(await page.locator('.rec').innerText(), /Recommendation/);
      assert.ok((await page.locator('#alerts li').count()) >= 1, 'murmur2 on Zipf keys raises alerts');
    } finally {
      await browser.close();
    }
  },
);
