// The API at its rate limits: a hundred clients (distinct addresses behind a trusted proxy), each
// past its 60 requests a minute, and fifty placing orders past their 10 a minute (refused attempts
// not counted), all at once.
// Every client gets exactly its allowance, the rest 429, nothing else; latencies and memory reported.
import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../services/api/src/testing/api-fixture.js';
import { CANARIES, closeKeepingOutput, keepEmitted, percentile, printTable, record } from './report.js';

describe('reliability: the API at its rate limits', function () {
  this.timeout(300_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this, {
      API_AUTH_TOKEN: CANARIES.API_AUTH_TOKEN,
      API_RATE_LIMIT_PER_MIN: '60',
      API_ORDER_RATE_LIMIT_PER_MIN: '10',
      API_CACHE_MS: '1000',
      TRUSTED_PROXY: 'true',
      // Fifty traders buying one share at a time from one account: room for all of them.
      RISK_MAX_POSITION_SIZE: '100000000',
      // What is measured here is the API's own limits, not Alpaca's request budget (each order
      // reads the account, positions, clock and latest trade: 500 orders would wait minutes at 200/min).
      ALPACA_RATE_LIMIT_PER_MIN: '100000',
    });
    api.alpaca.setPrice('GOOG', '100');
  });
  after(async () => {
    await closeKeepingOutput(api);
  });

  it('gives each client exactly its allowance, answers the rest 429 with Retry-After, and nothing fails', async () => {
    const auth = { Authorization: `Bearer ${CANARIES.API_AUTH_TOKEN}` };
    const latencies: number[] = [];
    const tally = new Map<string, Map<number, number>>();
    const problems: string[] = [];
    const call = async (client: string, path: string, init: RequestInit = {}) => {
      const started = performance.now();
      const res = await fetch(`${api.url}${path}`, {
        ...init,
        headers: { ...auth, 'X-Forwarded-For': client, 'Content-Type': 'application/json' },
      });
      const text = await res.text();
      latencies.push(performance.now() - started);
      keepEmitted('apiAnswers', text);
      const counts = tally.get(client) ?? new Map<number, number>();
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      tally.set(client, counts);
      if (res.status === 429 && !(Number(res.headers.get('retry-after')) >= 1))
        problems.push(`${client}: 429 without Retry-After`);
      if (res.status >= 500) problems.push(`${client}: ${String(res.status)} ${text.slice(0, 100)}`);
    };
    const readers = Array.from({ length: 100 }, (_, i) => `198.51.100.${String(i)}`);
    const traders = Array.from({ length: 50 }, (_, i) => `203.0.113.${String(i)}`);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await Promise.all([
      ...readers.map(async (client) => {
        for (let i = 0; i < 70; i++) await call(client, '/api/v1/signals?limit=50');
      }),
      ...traders.map(async (client) => {
        // Three refused by the risk rules (more than is held), which do not use the allowance…
        for (let i = 0; i < 3; i++)
          await call(client, '/api/v1/orders', {
            method: 'POST',
            body: JSON.stringify({ symbol: 'GOOG', side: 'sell', qty: 1_000_000 }),
          });
        // …then twelve that would be placed: ten are, two are over the limit.
        for (let i = 0; i < 12; i++)
          await call(client, '/api/v1/orders', {
            method: 'POST',
            body: JSON.stringify({ symbol: 'GOOG', side: 'buy', qty: 1 }),
          });
      }),
    ]);
    const seconds = (performance.now() - started) / 1000;
    const rssAfter = process.memoryUsage().rss;
    const requests = latencies.length;
    const count = (client: string, status: number) => tally.get(client)?.get(status) ?? 0;
    for (const client of readers) {
      expect(count(client, 200), client).to.equal(60);
      expect(count(client, 429), client).to.equal(10);
    }
    for (const client of traders) {
      const seen = `${client} ${JSON.stringify([...(tally.get(client) ?? [])])}`;
      expect(count(client, 422), seen).to.equal(3);
      expect(count(client, 201), seen).to.equal(10);
      expect(count(client, 429), seen).to.equal(2);
    }
    const row = {
      clients: readers.length + traders.length,
      requests,
      'requests/s': Math.round(requests / seconds),
      '2xx': [...tally.values()].reduce((n, m) => n + (m.get(200) ?? 0) + (m.get(201) ?? 0), 0),
      '422 (risk)': [...tally.values()].reduce((n, m) => n + (m.get(422) ?? 0), 0),
      'limited (429)': [...tally.values()].reduce((n, m) => n + (m.get(429) ?? 0), 0),
      '5xx': problems.length,
      'p50 ms': percentile(latencies, 0.5).toFixed(1),
      'p99 ms': percentile(latencies, 0.99).toFixed(1),
      'RSS growth MB': ((rssAfter - rssBefore) / 1_048_576).toFixed(1),
    };
    printTable('API at its rate limits', [row]);
    record('apiLoad', row);
    expect(problems).to.deep.equal([]);
  });
});
