import type { RedisClientType } from '@redis/client';
import { createRedisClient } from '@trading/messaging';
import { createMetrics, listen } from '@trading/platform';
import { captureLogger, freshRedisDb } from '@trading/testkit';
import { expect } from 'chai';
import Koa from 'koa';

import { type ApiFixture, startApiFixture, TOKEN } from '../../testing/api-fixture.js';
import { BoundedMap, rateLimit, redisLimiterDb } from './rate-limit.js';
import { memoryWindow } from './success-rate-limit.js';

describe('rate limits (real Redis store): 60/min per IP, 10/min on orders, shared across replicas', function () {
  this.timeout(30_000);
  let api: ApiFixture;

  beforeEach(async function () {
    api = await startApiFixture(this, {
      API_RATE_LIMIT_PER_MIN: '60',
      API_ORDER_RATE_LIMIT_PER_MIN: '10',
      TRUSTED_PROXY: 'true',
    });
  });
  afterEach(async () => {
    await api?.close();
  });

  const from = (ip: string) => ({ Authorization: `Bearer ${TOKEN}`, 'X-Forwarded-For': ip });

  it('answers the 61st request of a minute with 429, Retry-After and the JSON error shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push((await api.call('GET', '/api/v1/strategies', { headers: from('203.0.113.1') })).status);
    expect(statuses.every((s) => s === 200)).to.equal(true);
    const res = await api.call('GET', '/api/v1/strategies', { headers: from('203.0.113.1') });
    expect(res.status).to.equal(429);
    const after = Number(res.headers.get('retry-after'));
    expect(after).to.be.within(1, 60);
    expect(res.body).to.deep.equal({
      error: {
        code: 'RATE_LIMITED',
        message: `too many requests: at most 60 a minute; retry in ${String(after)} s`,
        details: { limit: 60, retryAfterSeconds: after },
      },
    });
    // Another client is not affected.
    expect((await api.call('GET', '/api/v1/strategies', { headers: from('203.0.113.2') })).status).to.equal(
      200,
    );
  });

  it('limits order placements to 10 a minute per IP, while reads go on', async () => {
    api.alpaca.setPrice('GOOG', '10');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await api.call('POST', '/api/v1/orders', {
        headers: from('203.0.113.3'),
        body: { symbol: 'GOOG', side: 'buy', qty: 1 },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).to.equal(true);
    expect(statuses[10]).to.equal(429);
    expect((await api.call('GET', '/api/v1/orders', { headers: from('203.0.113.3') })).status).to.equal(200);
  });

  it('30 orders at once with a limit of 10: at most 10 placed (a slot is reserved before placing)', async () => {
    api.alpaca.setPrice('GOOG', '10');
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () =>
        api.call('POST', '/api/v1/orders', {
          headers: from('203.0.113.9'),
          body: { symbol: 'GOOG', side: 'buy', qty: 1 },
        }),
      ),
    );
    const placed = answers.filter((a) => a.status === 201).length;
    expect(placed).to.be.at.least(1).and.at.most(10);
    expect(answers.filter((a) => a.status === 429).length).to.be.at.least(20);
    expect(api.alpaca.orders().length).to.equal(placed);
  });

  it('counts only orders placed: malformed and refused attempts leave the allowance for the right order', async () => {
    api.alpaca.setPrice('GOOG', '10');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(
        (await api.call('POST', '/api/v1/orders', { headers: from('203.0.113.6'), body: { symbol: 'goog' } }))
          .status,
      );
      statuses.push(
        (
          await api.call('POST', '/api/v1/orders', {
            headers: from('203.0.113.6'),
            body: { symbol: 'GOOG', side: 'sell', qty: 1_000_000 },
          })
        ).status,
      );
    }
    expect(new Set(statuses)).to.deep.equal(new Set([400, 422]));
    const placed = await api.call('POST', '/api/v1/orders', {
      headers: from('203.0.113.6'),
      body: { symbol: 'GOOG', side: 'buy', qty: 1 },
    });
    expect(placed.status).to.equal(201);
  });

  it('counts in Redis: two replicas share one allowance per client', async () => {
    api.alpaca.setPrice('GOOG', '10');
    const other = await api.replica();
    const order = { symbol: 'GOOG', side: 'buy', qty: 1 };
    try {
      for (let i = 0; i < 5; i++) {
        expect(
          (await api.call('POST', '/api/v1/orders', { headers: from('203.0.113.4'), body: order })).status,
        ).to.equal(201);
        const there = await fetch(`${other.url}/api/v1/orders`, {
          method: 'POST',
          headers: { ...from('203.0.113.4'), 'Content-Type': 'application/json' },
          body: JSON.stringify(order),
        });
        expect(there.status).to.equal(201);
      }
      const res = await fetch(`${other.url}/api/v1/orders`, {
        method: 'POST',
        headers: { ...from('203.0.113.4'), 'Content-Type': 'application/json' },
        body: JSON.stringify(order),
      });
      expect(res.status).to.equal(429);
      expect(((await res.json()) as { error: { message: string } }).error.message).to.match(
        /^too many orders: at most 10 a minute; retry in \d+ s$/,
      );
    } finally {
      await other.close();
    }
  });

  it('counts unauthenticated requests too, so tokens cannot be guessed at speed', async () => {
    for (let i = 0; i < 60; i++)
      await api.call('GET', '/api/v1/signals', { headers: { 'X-Forwarded-For': '203.0.113.5' } });
    const res = await api.call('GET', '/api/v1/signals', { headers: { 'X-Forwarded-For': '203.0.113.5' } });
    expect(res.status).to.equal(429);
  });
});

describe('rate limits without a trusted proxy', function () {
  this.timeout(30_000);

  it('ignores X-Forwarded-For: a client cannot dodge its limit by inventing addresses', async function () {
    const api = await startApiFixture(this, { API_RATE_LIMIT_PER_MIN: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const headers = { Authorization: `Bearer ${TOKEN}`, 'X-Forwarded-For': `198.51.100.${String(i)}` };
        statuses.push((await api.call('GET', '/api/v1/strategies', { headers })).status);
      }
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429]);
    } finally {
      await api.close();
    }
  });
});

describe('Redis rate-limit store (leases)', function () {
  this.timeout(30_000);
  let client: RedisClientType;
  let metrics: ReturnType<typeof createMetrics>;
  let captured: ReturnType<typeof captureLogger>;
  const servers: { close(): Promise<void> }[] = [];

  beforeEach(async function () {
    client = createRedisClient({ url: await freshRedisDb(this), healthCheckMs: 0 });
    await client.connect();
    metrics = createMetrics('api');
    captured = captureLogger();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async (s) => s.close()));
    if (client.isOpen) await client.close();
  });

  /** A replica: its own limiter (its own leases) over the shared Redis; answers GET / with 'ok'. */
  async function replica(perMinute: number): Promise<string> {
    const app = new Koa();
    app.use(
      rateLimit({
        name: 'lease',
        perMinute,
        store: { driver: 'redis', db: redisLimiterDb(client, { logger: captured.logger, metrics }) },
      }),
    );
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const server = await listen(app.callback(), 0, '127.0.0.1');
    servers.push(server);
    return `http://127.0.0.1:${String(server.port)}/`;
  }
  const stamps = async () => client.zCard('ratelimit:lease:127.0.0.1');

  it('leases a second of the allowance per round trip: 6,000 a minute costs one reservation per 100 requests', async () => {
    const url = await replica(6000);
    expect((await fetch(url)).status).to.equal(200);
    expect(await stamps()).to.equal(100);
    for (let i = 0; i < 99; i++) await fetch(url);
    expect(await stamps()).to.equal(100);
    await fetch(url);
    expect(await stamps()).to.equal(200);
  });

  it('holds the limit across replicas: 120 a minute over two replicas, the 121st refused on either', async () => {
    const [a, b] = [await replica(120), await replica(120)];
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      statuses.push((await fetch(a)).status);
      statuses.push((await fetch(b)).status);
    }
    expect(statuses.every((s) => s === 200)).to.equal(true);
    expect((await fetch(a)).status).to.equal(429);
    expect((await fetch(b)).status).to.equal(429);
  });

  it('remembers a client over its limit: more refusals cost no Redis call, even with Redis gone', async () => {
    const url = await replica(1);
    expect((await fetch(url)).status).to.equal(200);
    expect((await fetch(url)).status).to.equal(429);
    client.destroy();
    const refused = await fetch(url);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    const failures = await metrics.registry.getSingleMetricAsString('api_rate_limit_store_errors_total');
    expect(failures).not.to.match(/ [1-9]\d*$/m);
  });

  it('lets a request through (counted and logged) when Redis is gone and nothing is known of the client', async () => {
    const url = await replica(1);
    client.destroy();
    expect((await fetch(url)).status).to.equal(200);
    const failures = await metrics.registry.getSingleMetricAsString('api_rate_limit_store_errors_total');
    expect(failures).to.match(/api_rate_limit_store_errors_total\{[^}]*\} 1$/m);
    expect(captured.lines.join('\n')).to.include('rate-limit store unavailable');
  });
});

describe('BoundedMap (memory store)', () => {
  it('forgets the oldest client once full, so scanning clients cannot grow it without bound', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map.keys()]).to.deep.equal(['b', 'c']);
    expect(map.size).to.equal(2);
  });
});

describe('order window in memory', () => {
  it('reserves atomically: 30 parallel reservations with room for 10 grant 10; a released slot is free again', async () => {
    const window = memoryWindow();
    const slots = await Promise.all(Array.from({ length: 30 }, async () => window.reserve('k', 1000, 10)));
    expect(slots.filter((s) => s.granted)).to.have.length(10);
    const refused = slots.find((s) => !s.granted);
    expect(refused?.oldest).to.equal(1000);
    await slots[0]?.release();
    expect((await window.reserve('k', 2000, 10)).granted).to.equal(true);
    expect((await window.reserve('k', 2000, 10)).granted).to.equal(false);
    expect((await window.reserve('k', 61_001, 10)).granted).to.equal(true);
  });
});
