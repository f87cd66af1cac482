import { PassThrough } from 'node:stream';

import type { Clock } from '@trading/domain';
import type { Logger, Metrics } from '@trading/platform';
import type { Repositories } from '@trading/store';
import type Koa from 'koa';

import { presentControl } from './control-routes.js';
import { buildSummary, type SummaryContext } from './summary-routes.js';

/** Options of {@link createLiveFeed}. */
export interface LiveFeedOptions {
  repos: Repositories;
  logger: Logger;
  metrics: Metrics;
  /** How often the store is asked whether anything changed (one cheap query per tick, per process). */
  intervalMs: number;
  /** Said in every summary (the mode, so screens label simulated market times; the symbols). */
  context: SummaryContext;
  /** A comment line this often keeps idle connections open through proxies. */
  heartbeatMs?: number;
  /** Most clients at once; more are answered 503. */
  maxClients?: number;
  now?: Clock;
}

/** Server-sent events of what a trader watches, pushed when it changes. */
export interface LiveFeed {
  /** The Koa handler of `GET /api/v1/stream` (mounted behind the API's auth and limits). */
  handler: Koa.Middleware;
  readonly clients: number;
  close(): Promise<void>;
}

const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * One poll per process, however many tabs are open: each tick reads one change mark from the store
 * and, only when it moved, builds the summary (portfolio, positions, orders, signals) and the kill
 * switch once and pushes them to every client as `event: summary` / `event: control`. A client gets
 * both on connecting. The timer runs only while someone listens; a client that cannot keep up
 * (its buffer full) is dropped rather than held in memory.
 */
export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const clients = new Set<PassThrough>();
  const now = options.now ?? (() => new Date());
  const connected = options.metrics.gauge('api_stream_clients', 'Clients connected to the live stream');
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let lastMark: string | undefined;
  let ticking = false;

  const snapshot = async (): Promise<string> => {
    const [summary, control] = await Promise.all([
      buildSummary(options.repos, now, options.context),
      options.repos.control.get(),
    ]);
    return frame('summary', summary) + frame('control', presentControl(control));
  };

  const send = (client: PassThrough, text: string): void => {
    if (!client.write(text) && client.writableLength > 1_048_576) {
      clients.delete(client);
      client.end();
    }
  };

  const tick = async (): Promise<void> => {
    if (ticking || clients.size === 0) return;
    ticking = true;
    try {
      const mark = await options.repos.changes.mark();
      if (mark === lastMark) return;
      lastMark = mark;
      const text = await snapshot();
      for (const client of clients) send(client, text);
      // eslint-disable-next-line no-restricted-syntax -- a failed tick is retried by the next one; it is logged.
    } catch (err) {
      options.logger.warn('live stream: could not read the store; retrying', { error: err });
    } finally {
      ticking = false;
    }
  };

  const start = (): void => {
    timer ??= setInterval(() => void tick(), options.intervalMs);
    heartbeat ??= setInterval(() => {
      for (const client of clients) send(client, ': keep-alive\n\n');
    }, options.heartbeatMs ?? 15_000);
  };
  const stopIfIdle = (): void => {
    if (clients.size > 0) return;
    clearInterval(timer);
    clearInterval(heartbeat);
    timer = undefined;
    heartbeat = undefined;
    lastMark = undefined;
  };

  const handler: Koa.Middleware = async (ctx) => {
    if (clients.size >= (options.maxClients ?? 100)) {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { error: { code: 'STREAM_FULL', message: 'too many live clients; retry in 5 s' } };
      return;
    }
    // Counted and watched for its close before anything is awaited: the cap holds while snapshots
    // are read, and a client that leaves meanwhile frees its slot.
    const stream = new PassThrough();
    clients.add(stream);
    connected.set(clients.size);
    const leave = (): void => {
      if (!clients.delete(stream)) return;
      connected.set(clients.size);
      stopIfIdle();
    };
    ctx.res.once('close', leave);
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    ctx.body = stream;
    stream.write('retry: 3000\n\n');
    start();
    try {
      const first = await snapshot();
      if (clients.has(stream)) stream.write(first);
    } catch (err) {
      leave();
      throw err;
    }
  };

  return {
    handler,
    get clients() {
      return clients.size;
    },
    async close() {
      for (const client of clients) client.end();
      clients.clear();
      stopIfIdle();
      return Promise.resolve();
    },
  };
}
