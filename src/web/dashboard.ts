/**
 * The dashboard page, its script and styles, kept as strings so the compiled package needs no asset copying.
 * The page is static; the script polls `/api/snapshot` (same origin, so a reverse proxy that adds the bearer
 * token covers it) and draws with chart.js served by kpart itself at `/vendor/chart.umd.js`. No inline script:
 * the server's Content-Security-Policy allows scripts from this origin only.
 *
 * Per topic (and group): a bar chart of records retained per partition (hot partitions, > 2 × mean, in red) with
 * the group's lag per partition next to them, a line chart of lag over time (records/s over time when no group
 * is watched), and the analyzer's skew figures. `window.kpartCharts` exposes the Chart instances (tests read it).
 */

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kpart · live partitions</title>
<link rel="stylesheet" href="dashboard.css">
<script src="vendor/chart.umd.js" defer></script>
<script src="dashboard.js" defer></script>
</head>
<body>
<header>
  <h1>kpart <span class="sub">live partitions</span></h1>
  <div id="status" class="pill">connecting…</div>
</header>
<main id="topics"><p class="empty" id="placeholder">Waiting for the first poll of the cluster…</p></main>
<footer>Prometheus metrics at <a href="metrics">/metrics</a> · JSON at <a href="api/snapshot">/api/snapshot</a></footer>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { --fg:#1d2330; --muted:#6b7385; --bg:#f5f6f8; --card:#fff; --line:#e3e6eb; --ok:#1a7f4b; --bad:#c62828; --accent:#2f6fdb; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; align-items:center; justify-content:space-between; padding:14px 24px; background:var(--card); border-bottom:1px solid var(--line); }
h1 { margin:0; font-size:20px; } h1 .sub { color:var(--muted); font-weight:400; margin-left:6px; }
.pill { padding:4px 12px; border-radius:999px; font-weight:600; font-size:13px; background:#e8f5ee; color:var(--ok); }
.pill.stale { background:#fdecea; color:var(--bad); }
main { padding:18px 24px; display:grid; gap:18px; }
section.topic { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; }
section.topic h2 { margin:0 0 4px; font-size:16px; } section.topic h2 .group { color:var(--muted); font-weight:400; }
.error { color:var(--bad); margin:4px 0; }
.stats { display:flex; flex-wrap:wrap; gap:8px 22px; margin:8px 0 12px; }
.stat .v { font-size:18px; font-weight:600; } .stat .k { color:var(--muted); font-size:12px; }
.stat.bad .v { color:var(--bad); }
.charts { display:grid; grid-template-columns: 3fr 2fr; gap:16px; }
.chart { position:relative; height:260px; }
.chart h3 { margin:0 0 6px; font-size:13px; color:var(--muted); font-weight:600; }
.chart .box { position:relative; height:230px; }
.empty { color:var(--muted); }
footer { padding:8px 24px 18px; color:var(--muted); font-size:12px; } footer a { color:var(--accent); }
@media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
`;

export const DASHBOARD_JS = `'use strict';
(function () {
  var charts = {};
  window.kpartCharts = charts;
  var HOT = '#c62828', BAR = '#2f6fdb', LAG = '#f0a030', LINE = '#7b3fc4';
  var timer = null, intervalMs = 5000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(n, digits) {
    if (n === null || n === undefined || !isFinite(n)) return '–';
    if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + 'k';
    return Number.isInteger(n) ? String(n) : n.toFixed(digits === undefined ? 2 : digits);
  }
  function keyOf(t) { return t.group === null ? t.topic : t.topic + ' / ' + t.group; }

  function stat(k, v, bad) {
    var s = el('div', 'stat' + (bad ? ' bad' : ''));
    s.appendChild(el('div', 'v', v));
    s.appendChild(el('div', 'k', k));
    return s;
  }

  function ensureSection(t, index) {
    var key = keyOf(t);
    var entry = charts[key];
    if (entry) return entry;
    var sec = el('section', 'topic');
    sec.dataset.topic = t.topic;
    if (t.group !== null) sec.dataset.group = t.group;
    var h = el('h2', null, t.topic + ' ');
    if (t.group !== null) h.appendChild(el('span', 'group', 'group ' + t.group));
    sec.appendChild(h);
    var err = el('div', 'error');
    sec.appendChild(err);
    var stats = el('div', 'stats');
    sec.appendChild(stats);
    var grid = el('div', 'charts');
    var c1 = el('div', 'chart'); c1.appendChild(el('h3', null, t.group !== null ? 'Records and lag per partition' : 'Records per partition'));
    var b1 = el('div', 'box'); var cv1 = el('canvas'); cv1.id = 'bars-' + index; cv1.setAttribute('aria-label', 'records per partition of ' + t.topic); b1.appendChild(cv1); c1.appendChild(b1);
    var c2 = el('div', 'chart'); c2.appendChild(el('h3', null, t.group !== null ? 'Total lag over time (records)' : 'Append rate over time (records/s)'));
    var b2 = el('div', 'box'); var cv2 = el('canvas'); cv2.id = 'lag-' + index; b2.appendChild(cv2); c2.appendChild(b2);
    grid.appendChild(c1); grid.appendChild(c2); sec.appendChild(grid);
    var ph = document.getElementById('placeholder'); if (ph) ph.remove();
    document.getElementById('topics').appendChild(sec);

    var barSets = [{ label: 'records retained', data: [], backgroundColor: [], borderRadius: 3 }];
    if (t.group !== null) barSets.push({ label: 'lag', data: [], backgroundColor: LAG, borderRadius: 3 });
    var bars = new Chart(cv1, {
      type: 'bar',
      data: { labels: [], datasets: barSets },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { title: { display: true, text: 'partition' } }, y: { beginAtZero: true } },
        plugins: { legend: { display: t.group !== null } } }
    });
    var lag = new Chart(cv2, {
      type: 'line',
      data: { labels: [], datasets: [{ label: t.group !== null ? 'total lag' : 'records/s', data: [], borderColor: LINE, backgroundColor: 'rgba(123,63,196,0.12)', fill: true, pointRadius: 2, cubicInterpolationMode: 'monotone' }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true } }, plugins: { legend: { display: false } } }
    });
    entry = { section: sec, stats: stats, error: err, bars: bars, lag: lag };
    charts[key] = entry;
    return entry;
  }

  function render(view) {
    intervalMs = view.intervalMs || intervalMs;
    var anyStale = false, oldest = 0, lastError = '';
    view.topics.forEach(function (t, i) {
      var e = ensureSection(t, i);
      if (t.stale) { anyStale = true; lastError = t.error || 'poll failed'; }
      oldest = Math.max(oldest, t.ageSeconds);
      e.error.textContent = t.stale ? 'Stale data (' + fmt(t.ageSeconds, 0) + ' s old): ' + (t.error || 'last poll failed') : '';
      var parts = t.partitions;
      var counts = parts.map(function (p) { return Math.max(0, p.endOffset - p.startOffset); });
      var mean = counts.reduce(function (a, b) { return a + b; }, 0) / Math.max(1, counts.length);
      var bars = e.bars;
      bars.data.labels = parts.map(function (p) { return String(p.partition); });
      bars.data.datasets[0].data = counts;
      bars.data.datasets[0].backgroundColor = counts.map(function (c) { return mean > 0 && c > 2 * mean ? HOT : BAR; });
      if (bars.data.datasets[1]) bars.data.datasets[1].data = parts.map(function (p) { return p.lag === undefined ? null : p.lag; });
      bars.update('none');
      var lag = e.lag;
      lag.data.labels = t.history.map(function (h) { return new Date(h.t).toLocaleTimeString(); });
      lag.data.datasets[0].data = t.history.map(function (h) { return t.group !== null ? h.totalLag : h.rate; });
      lag.update('none');
      var total = counts.reduce(function (a, b) { return a + b; }, 0);
      var rate = parts.reduce(function (a, p) { return a + p.rate; }, 0);
      var sk = t.skew.records;
      e.stats.replaceChildren(
        stat('partitions', String(parts.length)),
        stat('records retained', fmt(total)),
        stat('records/s', fmt(rate, 1)),
        stat('skew (max/min)', fmt(sk.loadSkewRatio), sk.loadSkewRatio > 2),
        stat('CV', fmt(sk.coefficientOfVariation), sk.coefficientOfVariation > 0.3),
        stat('hot partitions', String(sk.hotspots.length), sk.hotspots.length > 0),
        stat('leaderless', String(parts.filter(function (p) { return !p.leaderAvailable; }).length), parts.some(function (p) { return !p.leaderAvailable; }))
      );
      if (t.group !== null) {
        var totalLag = parts.reduce(function (a, p) { return a + (p.lag || 0); }, 0);
        e.stats.appendChild(stat('total lag', fmt(totalLag), totalLag > 0));
        var byStatus = {};
        parts.forEach(function (p) { if (p.lagStatus && p.lagStatus !== 'OK') byStatus[p.lagStatus] = (byStatus[p.lagStatus] || 0) + 1; });
        var bad = Object.keys(byStatus).map(function (s) { return s + ' ×' + byStatus[s]; });
        e.stats.appendChild(stat('lag status (partitions)', bad.length ? bad.join(', ') : 'OK', bad.length > 0));
      }
    });
    var pill = document.getElementById('status');
    pill.className = 'pill' + (anyStale ? ' stale' : '');
    pill.textContent = anyStale ? 'STALE · ' + lastError : 'live · data ' + fmt(oldest, 1) + ' s old';
    document.body.dataset.updated = String(view.now);
  }

  function poll() {
    fetch('api/snapshot', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(render)
      .catch(function (err) {
        var pill = document.getElementById('status');
        pill.className = 'pill stale';
        pill.textContent = 'kpart serve unreachable · ' + err.message;
      })
      .finally(function () { timer = setTimeout(poll, Math.max(1000, Math.min(intervalMs, 10000))); });
  }
  poll();
})();
`;
