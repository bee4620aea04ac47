/**
 * kpart's HTTP endpoint: Prometheus `/metrics`, the dashboard at `/` (its script, styles and chart.js served
 * from this process — no CDN, so it works on an air-gapped host), and `/api/snapshot`, the JSON the dashboard
 * polls.
 *
 * Secure by default: binds 127.0.0.1 unless told otherwise; with a token every route (the page, the metrics, the
 * JSON, even /healthz) needs `Authorization: Bearer <token>`, compared in constant time over SHA-256 digests (so
 * neither the content nor the length of the token leaks through timing). The token is never logged. Only GET and
 * HEAD are served; responses carry a strict Content-Security-Policy (scripts from this origin only).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SkewMetrics } from '../analysis/metrics.js';
import type { TopicSnapshot } from '../cluster/types.js';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard.js';
import { SnapshotHistory, type HistoryPoint } from './history.js';
import { ServeMetrics, snapshotSkew, type SkewBasis, type SnapshotSource } from './metrics.js';

export interface ServeOptions {
  source: SnapshotSource;
  /** Default 127.0.0.1: exposing cluster internals on every interface must be a decision. */
  host?: string;
  /** Default 9464 (the Prometheus exporter port range); 0 picks a free port. */
  port?: number;
  /** When set, every route requires `Authorization: Bearer <token>`. */
  token?: string;
  /** Poll interval of the source, shown on the dashboard and used as its refresh period. */
  intervalMs?: number;
  /** Reuse a metrics object (and its registry) instead of creating one. */
  metrics?: ServeMetrics;
  /** Points of lag history kept per topic/group for the dashboard. Default 720. */
  historyCapacity?: number;
}

export interface TopicView {
  topic: string;
  group: string | null;
  takenAt: number;
  ageSeconds: number;
  stale: boolean;
  error: string | null;
  partitions: TopicSnapshot['partitions'];
  skew: Record<SkewBasis, Omit<SkewMetrics, 'empty'>>;
  history: HistoryPoint[];
}

/** The body of `/api/snapshot`. */
export interface SnapshotView {
  now: number;
  intervalMs: number;
  topics: TopicView[];
}

export interface KpartServer {
  /** e.g. http://127.0.0.1:9464/ (the bound port when 0 was asked for). */
  readonly url: string;
  readonly port: number;
  readonly metrics: ServeMetrics;
  /** Stops accepting connections, ends idle keep-alive ones, and resolves when the server is closed. */
  close(): Promise<void>;
}

let chartJsCache: Buffer | undefined;
function chartJs(): Buffer {
  if (!chartJsCache) {
    // chart.js's package exports do not list the UMD build; resolve the package's entry and take its sibling.
    const entry = createRequire(import.meta.url).resolve('chart.js');
    chartJsCache = readFileSync(join(dirname(entry), 'chart.umd.js'));
  }
  return chartJsCache;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time check of an Authorization header against the expected token. */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Compare against a digest even when the header is malformed, so the failure path costs the same.
  const given = digest(m?.[1] ?? '');
  return timingSafeEqual(given, expected) && m !== null;
}

export function snapshotView(
  source: SnapshotSource,
  history: SnapshotHistory,
  intervalMs: number,
  now = Date.now(),
): SnapshotView {
  const topics = source.all().map((s): TopicView => {
    const skew = snapshotSkew(s);
    const strip = ({ empty: _empty, ...rest }: SkewMetrics): Omit<SkewMetrics, 'empty'> => rest;
    return {
      topic: s.topic,
      group: s.group ?? null,
      takenAt: s.takenAt,
      ageSeconds: Math.max(0, (now - s.takenAt) / 1000),
      stale: s.stale,
      error: s.error ?? null,
      partitions: [...s.partitions].sort((a, b) => a.partition - b.partition),
      skew: { rate: strip(skew.rate), records: strip(skew.records) },
      history: history.get(s.topic, s.group),
    };
  });
  return { now, intervalMs, topics };
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  // Chart.js sets canvas sizes through element.style, which CSP style-src does not govern; scripts are self-only.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
} as const;

export async function startServer(options: ServeOptions): Promise<KpartServer> {
  const host = options.host ?? '127.0.0.1';
  const intervalMs = options.intervalMs ?? 5000;
  const metrics = options.metrics ?? new ServeMetrics(options.source);
  const history = new SnapshotHistory(options.historyCapacity ?? 720);
  for (const s of options.source.all()) history.add(s);
  const unsubscribe = options.source.onSnapshot((s) => history.add(s));
  const expected = options.token !== undefined && options.token !== '' ? digest(options.token) : undefined;

  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    head: boolean,
  ): void => {
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(head ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    if (expected && !bearerMatches(req.headers.authorization, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="kpart"');
      send(res, 401, 'text/plain; charset=utf-8', 'unauthorized\n', head);
      return;
    }
    if (method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', head);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    switch (path) {
      case '/':
      case '/index.html':
        return send(res, 200, 'text/html; charset=utf-8', DASHBOARD_HTML, head);
      case '/dashboard.js':
        return send(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_JS, head);
      case '/dashboard.css':
        return send(res, 200, 'text/css; charset=utf-8', DASHBOARD_CSS, head);
      case '/vendor/chart.umd.js':
        return send(res, 200, 'text/javascript; charset=utf-8', chartJs(), head);
      case '/metrics':
        return send(res, 200, metrics.contentType, await metrics.render(), head);
      case '/api/snapshot':
        return send(
          res,
          200,
          'application/json',
          JSON.stringify(snapshotView(options.source, history, intervalMs)),
          head,
        );
      case '/healthz':
        return send(res, 200, 'text/plain; charset=utf-8', 'ok\n', head);
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // One line, no stack: the message of a metrics/collect failure carries no secret, the request headers do.
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent)
        send(res, 500, 'text/plain; charset=utf-8', `internal error: ${message}\n`, false);
      else res.destroy();
    });
  });
  // A slow or idle client must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9464, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}/`,
    port: address.port,
    metrics,
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (typeof unsubscribe === 'function') unsubscribe();
        if (!options.metrics) metrics.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish; then the rest is cut (a dashboard poll is not worth waiting for).
        const t = setTimeout(() => server.closeAllConnections(), 2000);
        t.unref();
      });
      return closing;
    },
  };
}
