import { DataError } from '@trading/domain';
import { loadConfig, ProviderAuthError } from '@trading/platform';
import { type FinnhubServer, startFinnhubServer } from '@trading/simulator';
import { expect } from 'chai';

import { FinnhubClient } from './finnhub-client.js';

const TOKEN = 'fh-canary-token-77';

describe('FinnhubClient against the local Finnhub server', function () {
  this.timeout(20_000);
  let server: FinnhubServer;
  const client = (token = TOKEN) =>
    FinnhubClient.fromConfig(
      loadConfig({
        FINNHUB_API_KEY: token,
        FINNHUB_BASE_URL: `${server.url}/api/v1`,
        RETRY_BASE_DELAY_MS: '10',
      }),
    );
  beforeEach(async () => {
    server = await startFinnhubServer({ token: TOKEN });
    server.addNews('GOOG', [
      {
        category: 'company',
        datetime: Date.UTC(2024, 0, 3, 14) / 1000,
        headline: 'Alphabet beats estimates',
        id: 101,
        image: '',
        related: 'GOOG',
        source: 'Reuters',
        summary: 'Strong quarter',
        url: 'https://n.test/101',
      },
      {
        category: 'company',
        datetime: Date.UTC(2024, 0, 9, 9) / 1000,
        headline: 'Outside the window',
        id: 102,
        image: '',
        related: 'GOOG',
        source: 'AP',
        summary: '',
        url: '',
      },
    ]);
  });
  afterEach(async () => server.close());

  it('gets company news in a date range, typed, with the provider id', async () => {
    const c = client();
    const news = await c.companyNews('GOOG', new Date('2024-01-01'), new Date('2024-01-05'));
    await c.close();
    expect(news).to.have.length(1);
    expect(news[0]).to.deep.include({
      id: '101',
      symbol: 'GOOG',
      headline: 'Alphabet beats estimates',
      source: 'Reuters',
    });
    expect(news[0]?.publishedAt.toISOString()).to.equal('2024-01-03T14:00:00.000Z');
  });

  it('retries a 429 and a 500, then succeeds', async () => {
    server.faults.set({ mode: 'error500', times: 1 });
    const c = client();
    expect(await c.companyNews('GOOG', new Date('2024-01-01'), new Date('2024-01-31'))).to.have.length(2);
    server.faults.set({ mode: 'rate-limit', times: 1, retryAfterS: 0 });
    expect(await c.companyNews('GOOG', new Date('2024-01-01'), new Date('2024-01-31'))).to.have.length(2);
    await c.close();
  });

  it('reports a bad token as a credential error and garbage as a data error', async () => {
    const bad = client('wrong');
    expect(
      await bad.companyNews('GOOG', new Date('2024-01-01'), new Date('2024-01-31')).catch((e: unknown) => e),
    ).to.be.instanceOf(ProviderAuthError);
    await bad.close();
    server.faults.set({ mode: 'malformed', times: 1 });
    const c = client();
    expect(
      await c.companyNews('GOOG', new Date('2024-01-01'), new Date('2024-01-31')).catch((e: unknown) => e),
    ).to.be.instanceOf(DataError);
    await c.close();
  });
});
