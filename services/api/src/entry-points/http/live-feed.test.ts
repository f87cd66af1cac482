import { expect } from 'chai';

import { type ApiFixture, startApiFixture, TOKEN } from '../../testing/api-fixture.js';

/** Read server-sent events from a response until `done` says enough. */
async function readEvents(
  res: Response,
  done: (events: { event: string; data: Record<string, unknown> }[]) => boolean,
): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let buffer = '';
  while (!done(events)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  await reader.cancel();
  return events;
}

describe('live stream GET /api/v1/stream (server-sent events; real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(30_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this, { API_STREAM_MS: '100' });
    api.alpaca.setPrice('GOOG', '100');
  });
  after(async () => {
    await api?.close();
  });

  it('sends the summary and the kill switch at once, then pushes what changes (an order, a pause) without being asked', async () => {
    const res = await fetch(`${api.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    let acted = false;
    const events = await readEvents(res, (seen) => {
      if (!acted && seen.length >= 2) {
        acted = true;
        void api
          .call('POST', '/api/v1/orders', { body: { symbol: 'GOOG', side: 'buy', qty: 2 } })
          .then(async () => api.call('POST', '/api/v1/control/pause', { body: { reason: 'lunch' } }));
      }
      return seen.some((e) => e.event === 'control' && e.data.paused === true);
    });
    expect(events.slice(0, 2).map((e) => e.event)).to.deep.equal(['summary', 'control']);
    expect(events[1]?.data).to.include({ paused: false });
    const withOrder = events.find(
      (e) =>
        e.event === 'summary' &&
        (e.data.recentOrders as { symbol: string }[]).some((o) => o.symbol === 'GOOG'),
    );
    expect(withOrder, 'a summary with the new order').not.to.equal(undefined);
    expect(events.at(-1)?.data).to.include({ paused: true, reason: 'lunch' });
    await api.call('POST', '/api/v1/control/resume', { body: {} });
  });

  it('answers 401 without the token, like every /api/v1 route', async () => {
    const res = await fetch(`${api.url}/api/v1/stream`);
    expect(res.status).to.equal(401);
  });
});

describe('live stream: clients that leave while their first snapshot is read', function () {
  this.timeout(30_000);
  let api: ApiFixture;
  before(async function () {
    api = await startApiFixture(this, { API_STREAM_MS: '100' });
  });
  after(async () => {
    await api?.close();
  });

  it('200 clients that disconnect early leave the count at 0, never past the cap; the next client is served', async () => {
    const { createLiveFeed } = await import('./live-feed.js');
    const { listen } = await import('@trading/platform');
    const Koa = (await import('koa')).default;
    const { request } = await import('node:http');
    // The first snapshot is slow, so every client is gone before it is read.
    const slowRepos = {
      ...api.repos,
      control: Object.assign(Object.create(api.repos.control) as typeof api.repos.control, {
        get: async () => {
          await new Promise((resolve) => setTimeout(resolve, 150));
          return api.repos.control.get();
        },
      }),
    };
    const feed = createLiveFeed({
      repos: slowRepos,
      logger: api.captured.logger,
      metrics: api.metrics,
      intervalMs: 50,
      maxClients: 100,
      context: { mode: 'paper', symbols: [] } as never,
    });
    const app = new Koa();
    let peak = 0;
    app.use(async (ctx, next) => {
      await next();
      peak = Math.max(peak, feed.clients);
    });
    app.use(feed.handler);
    const server = await listen(app.callback(), 0, '127.0.0.1');
    try {
      const statuses: number[] = [];
      await Promise.all(
        Array.from(
          { length: 200 },
          async () =>
            new Promise<void>((resolve) => {
              const req = request(
                { port: server.port, host: '127.0.0.1', path: '/', agent: false },
                (res) => {
                  statuses.push(res.statusCode ?? 0);
                  res.resume();
                },
              );
              req.on('error', () => resolve());
              req.on('close', () => resolve());
              req.end();
              setTimeout(() => req.destroy(), 30);
            }),
        ),
      );
      for (let i = 0; i < 100 && feed.clients > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(feed.clients).to.equal(0);
      expect(peak).to.be.at.most(100);
      const res = await fetch(`http://127.0.0.1:${String(server.port)}/`);
      expect(res.status).to.equal(200);
      await res.body?.cancel();
    } finally {
      await feed.close();
      await server.close();
    }
  });
});
