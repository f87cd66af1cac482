import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Metrics } from '../metrics/metrics.js';
import { withTimeout } from '../resilience/with-timeout.js';
import type { RequestHandler } from './http-server.js';

/** A dependency probe: resolves when the dependency answers. */
export type HealthCheck = () => Promise<unknown>;

/** Options of {@link createHealthApp} and {@link healthReport}. */
export interface HealthAppOptions {
  checks: Record<string, HealthCheck>;
  metrics: Metrics;
  /** True once shutdown began: the service reports unavailable so traffic moves away. */
  isStopping?: () => boolean;
  /** Deadline of each probe (ms). */
  checkTimeoutMs?: number;
  /** Serve `/metrics` too (default). */
  serveMetrics?: boolean;
}

/** What `/health` answers: a status code and a JSON body. */
export interface HealthReport {
  status: 200 | 503;
  body: Record<string, unknown>;
}

function reasonOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'error';
}

/**
 * Probe every dependency: 200 only when every one answers, else 503 naming the one that failed (and
 * 503 once shutdown began). Failures report an error code, never a message (messages can carry
 * connection strings). The API serves the same report on its public port.
 */
export async function healthReport(options: HealthAppOptions): Promise<HealthReport> {
  if (options.isStopping?.()) return { status: 503, body: { status: 'stopping' } };
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const names = Object.keys(options.checks);
  const results = await Promise.allSettled(
    names.map(async (name) =>
      withTimeout(async () => options.checks[name]?.(), timeoutMs, `health check ${name}`),
    ),
  );
  const checks: Record<string, string> = {};
  let failed: string | undefined;
  results.forEach((result, i) => {
    const name = names[i] ?? '';
    if (result.status === 'fulfilled') {
      checks[name] = 'ok';
    } else {
      checks[name] = `failed: ${reasonOf(result.reason)}`;
      failed ??= name;
    }
  });
  return failed === undefined
    ? { status: 200, body: { status: 'ok', checks } }
    : { status: 503, body: { status: 'unavailable', failed, checks } };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void => {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
};

/**
 * What every worker serves on HEALTH_PORT: `/health` ({@link healthReport}) and `/metrics` (the
 * registry), exact paths, GET or HEAD only (405 with `Allow` otherwise), 404 for anything else, each
 * with a JSON error body. Plain `node:http`: a worker that serves nothing else loads no web framework.
 */
export function createHealthApp(options: HealthAppOptions): { callback(): RequestHandler } {
  const serveMetrics = options.serveMetrics ?? true;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const known = path === '/health' || (serveMetrics && path === '/metrics');
    if (!known) {
      json(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      json(
        res,
        405,
        { error: { code: 'METHOD_NOT_ALLOWED', message: 'method not allowed' } },
        { Allow: 'GET, HEAD' },
      );
      return;
    }
    if (path === '/health') {
      const report = await healthReport(options);
      json(res, report.status, report.body);
      return;
    }
    send(res, 200, options.metrics.registry.contentType, await options.metrics.registry.metrics());
  };
  return {
    callback: () => async (req, res) =>
      handle(req, res).catch(() => {
        if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
        else res.destroy();
      }),
  };
}
