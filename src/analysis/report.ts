/**
 * Self-contained HTML report: Chart.js is inlined (no network needed to view, enforced by a CSP that allows
 * no fetches), the data is embedded as JSON. Per-partition bars per strategy, a Lorenz curve of records over
 * partitions, the hot-key table, the alerts and the recommendation in plain words.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AnalysisResult } from './analyzer.js';
import { hotPartitionSentences, recommend } from './render.js';

export interface ReportOptions {
  title?: string;
  /** What was analyzed ("orders.jsonl", "workload zipf:1.1, seed 1"). */
  source?: string;
  /** Extra paragraphs (e.g. the repartition advice). */
  notes?: string[];
}

let chartJsSource: string | undefined;

/** Chart.js's UMD bundle. The package exports only its entry points, so the file is found next to the main one. */
export function chartJsBundle(): string {
  if (chartJsSource === undefined) {
    const require = createRequire(import.meta.url);
    chartJsSource = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.js'), 'utf8');
  }
  return chartJsSource;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Lorenz curve points: x = share of partitions (ascending by count), y = share of records, both 0..1. */
export function lorenzCurve(counts: readonly number[]): { x: number; y: number }[] {
  const sorted = [...counts].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  const pts = [{ x: 0, y: 0 }];
  let cum = 0;
  sorted.forEach((v, i) => {
    cum += v;
    pts.push({ x: (i + 1) / sorted.length, y: total === 0 ? (i + 1) / sorted.length : cum / total });
  });
  return pts;
}

function n(x: number, d = 2): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(d);
}

export function renderReport(result: AnalysisResult, options: ReportOptions = {}): string {
  const title = options.title ?? 'kpart partition skew report';
  const rec = recommend(result);
  const data = {
    partitions: result.partitions,
    strategies: result.strategies.map((s) => ({
      name: s.strategy,
      counts: s.counts,
      mean: s.mean,
      lorenz: lorenzCurve(s.counts),
    })),
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const metricRows = result.strategies
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.strategy)}</td><td>${s.min}</td><td>${s.max}</td><td>${n(s.maxToMean)}</td><td>${n(s.loadSkewRatio)}</td>` +
        `<td>${n(s.sizeSkewRatio)}</td><td>${n(s.coefficientOfVariation, 3)}</td><td>${n(s.gini, 3)}</td><td>${n(s.hotspotPercentage, 1)}</td>` +
        `<td>${n(s.partitionUtilization, 1)}</td><td>${s.alerts.length}</td></tr>`,
    )
    .join('\n');
  const hotRows = result.hotKeys
    .map(
      (h) =>
        `<tr><td>${escapeHtml(h.key)}</td><td>${h.records}</td><td>${n(h.recordsPercent)}%</td><td>${n(h.bytesPercent)}%</td>` +
        result.strategies.map((s) => `<td>${h.partitions[s.strategy] ?? 'spread'}</td>`).join('') +
        '</tr>',
    )
    .join('\n');
  const alerts = result.strategies
    .flatMap((s) =>
      s.alerts.map(
        (a) => `<li><b>${escapeHtml(s.strategy)}</b> <code>${a.code}</code>: ${escapeHtml(a.message)}</li>`,
      ),
    )
    .join('\n');
  const sentences = result.strategies
    .flatMap(hotPartitionSentences)
    .map((t) => `<li>${escapeHtml(t)}</li>`)
    .join('\n');
  const canvases = result.strategies
    .map(
      (s, i) =>
        `<div class="chart"><h3>${escapeHtml(s.strategy)}</h3><canvas id="bars-${i}" width="560" height="260"></canvas></div>`,
    )
    .join('\n');
  const malformed =
    result.malformed > 0
      ? `<p class="warn">${result.malformed} malformed record(s) skipped; first lines: ${result.malformedLines.slice(0, 20).join(', ')}.</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; padding: 0 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { width: 560px; }
.warn { color: #a33; }
.rec { background: #f4f8ff; border-left: 4px solid #36c; padding: 8px 16px; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(options.source ?? '')} — ${result.records} records (${result.keyless} keyless), ${result.partitions} partitions, ${result.malformed} malformed.</p>
${malformed}
<div class="rec"><h2>Recommendation</h2>${rec.text.map((t) => `<p>${escapeHtml(t)}</p>`).join('\n')}
${(options.notes ?? []).map((t) => `<p>${escapeHtml(t)}</p>`).join('\n')}</div>
<h2>Strategies side by side</h2>
<table id="metrics"><tr><th>strategy</th><th>min</th><th>max</th><th>max/mean</th><th>load skew</th><th>size skew</th><th>CV</th><th>Gini</th><th>hotspot %</th><th>used %</th><th>alerts</th></tr>
${metricRows}
</table>
<h2>Records per partition</h2>
<div class="charts">
${canvases}
</div>
<h2>Lorenz curve (records over partitions)</h2>
<p>The further a curve sags below the diagonal, the more records sit on few partitions (the Gini coefficient is twice the area between them).</p>
<div class="chart"><canvas id="lorenz" width="560" height="400"></canvas></div>
<h2>Hot keys</h2>
<table id="hotkeys"><tr><th>key</th><th>records</th><th>% records</th><th>% bytes</th>${result.strategies.map((s) => `<th>partition (${escapeHtml(s.strategy)})</th>`).join('')}</tr>
${hotRows}
</table>
<p>Space-Saving estimates with ${result.sketch.capacity} counters: each count is at most ${result.sketch.errorBound} too high.</p>
${sentences ? `<ul id="hot-partitions">${sentences}</ul>` : ''}
<h2>Alerts</h2>
${alerts ? `<ul id="alerts">${alerts}</ul>` : '<p id="alerts">No alerts: every strategy is within the thresholds (20% off the mean, stddev 30% of the mean, max 2x min).</p>'}
<script>${chartJsBundle().replace(/<\/script/gi, '<\\/script')}</script>
<script>
(function () {
  var data = ${json};
  var palette = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477', '#66aa00'];
  var charts = [];
  data.strategies.forEach(function (s, i) {
    var colors = s.counts.map(function (c) { return c > 1.2 * s.mean ? '#dc3912' : '#3366cc'; });
    charts.push(new Chart(document.getElementById('bars-' + i), {
      type: 'bar',
      data: { labels: s.counts.map(function (_, p) { return String(p); }),
              datasets: [{ label: 'records', data: s.counts, backgroundColor: colors }] },
      options: { animation: false, responsive: false, plugins: { legend: { display: false } },
                 scales: { x: { title: { display: true, text: 'partition' } }, y: { beginAtZero: true } } }
    }));
  });
  var lorenzSets = data.strategies.map(function (s, i) {
    return { label: s.name, data: s.lorenz, borderColor: palette[i % palette.length], pointRadius: 0, fill: false };
  });
  lorenzSets.push({ label: 'perfectly even', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: '#999', borderDash: [4, 4], pointRadius: 0 });
  charts.push(new Chart(document.getElementById('lorenz'), {
    type: 'line',
    data: { datasets: lorenzSets },
    options: { animation: false, responsive: false, parsing: false,
               scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'share of partitions' } },
                         y: { min: 0, max: 1, title: { display: true, text: 'share of records' } } } }
  }));
  window.__kpartReport = { charts: charts.length, ready: true };
})();
</script>
</body>
</html>
`;
}
