import Router from '@koa/router';
import Koa from 'koa';

import { FaultInjector } from './fault-injector.js';
import { type LocalServer, serveLocal } from './local-server.js';

/** A company-news item in Finnhub's wire format. */
export interface WireNews {
  category: string;
  datetime: number;
  headline: string;
  id: number;
  image: string;
  related: string;
  source: string;
  summary: string;
  url: string;
}

/** The local Finnhub and its controls. */
export interface FinnhubServer extends LocalServer {
  addNews(symbol: string, items: WireNews[]): void;
}

/** A local server speaking Finnhub's `/company-news` (token as `token=` or `X-Finnhub-Token`). */
export async function startFinnhubServer(options: { token: string; port?: number }): Promise<FinnhubServer> {
  const faults = new FaultInjector();
  const news = new Map<string, WireNews[]>();
  const app = new Koa();
  const router = new Router();
  app.use(faults.middleware((_status, message) => ({ error: message })));
  app.use(async (ctx, next) => {
    const token = ctx.get('X-Finnhub-Token') || (typeof ctx.query.token === 'string' ? ctx.query.token : '');
    if (token !== options.token) {
      ctx.status = 401;
      ctx.body = { error: 'Invalid API key' };
      return;
    }
    await next();
  });
  const day = /^\d{4}-\d{2}-\d{2}$/;
  router.get('/api/v1/company-news', (ctx) => {
    const { symbol, from, to } = ctx.query;
    if (
      typeof symbol !== 'string' ||
      typeof from !== 'string' ||
      typeof to !== 'string' ||
      !day.test(from) ||
      !day.test(to)
    ) {
      ctx.status = 422;
      ctx.body = { error: 'Wrong parameters: symbol, from and to (YYYY-MM-DD) are required' };
      return;
    }
    const lo = Date.parse(`${from}T00:00:00Z`) / 1000;
    const hi = Date.parse(`${to}T23:59:59Z`) / 1000;
    ctx.body = (news.get(symbol) ?? [])
      .filter((n) => n.datetime >= lo && n.datetime <= hi)
      .sort((a, b) => b.datetime - a.datetime);
  });
  app.use(router.routes()).use(router.allowedMethods());
  const server = await serveLocal(app, faults, options.port);
  return Object.assign(server, {
    addNews(symbol: string, items: WireNews[]) {
      news.set(symbol, [...(news.get(symbol) ?? []), ...items]);
    },
  });
}
