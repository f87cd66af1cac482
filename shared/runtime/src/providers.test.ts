import { loadConfig } from '@trading/platform';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { expect } from 'chai';

import { createProviders } from './providers.js';

describe('createProviders (local Alpaca)', () => {
  let alpaca: AlpacaServer;
  before(async () => {
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
    alpaca.setPrice('GOOG', '100');
  });
  after(async () => alpaca.close());

  const config = () =>
    loadConfig({
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
      ALPACA_RATE_LIMIT_PER_MIN: '10',
    });

  it('builds each client once: every worker of the process gets the same one', async () => {
    const providers = createProviders(config());
    expect(providers.alpacaTrading).to.equal(providers.alpacaTrading);
    expect(providers.telegram).to.equal(providers.telegram);
    expect(providers.anthropic).to.equal(undefined);
    await providers.close();
  });

  it('draws the trading and the market-data clients on one request budget per Alpaca account', async () => {
    const providers = createProviders(config());
    const start = providers.alpacaBudget.available;
    await providers.alpacaTrading.getAccount();
    await providers.alpacaMarketData.latestPrice('GOOG');
    await providers.alpacaTrading.getPositions();
    expect(start - providers.alpacaBudget.available).to.be.closeTo(3, 0.01);
    await providers.close();
  });

  it('closes only what was built, and builds afresh after closing', async () => {
    const providers = createProviders(config());
    await providers.close();
    const trading = providers.alpacaTrading;
    await providers.close();
    expect(providers.alpacaTrading).not.to.equal(trading);
    await providers.close();
  });
});
