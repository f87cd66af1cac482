import { DataError } from '@trading/domain';
import { loadConfig } from '@trading/platform';
import { captureLogger, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { createBroker } from './broker.js';
import { createEvent } from './event-envelope.js';
import { type CandlePayload, payloadOf, type SignalPayload } from './events.js';

const candle = (over: Partial<CandlePayload> = {}) =>
  createEvent<CandlePayload>('candle.closed', {
    symbol: 'GOOG',
    timeframe: '1Min',
    ts: new Date(Date.now() - 120_000).toISOString(),
    open: '100',
    high: '101',
    low: '99',
    close: '100.5',
    volume: '10',
    ...over,
  });

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(DataError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('event value rules (payloadOf)', () => {
  it('accepts a sane candle', () => {
    expect(payloadOf(candle(), 'candle.closed').close).to.equal('100.5');
  });

  it('refuses a candle that is valid JSON but wrong, naming why (the reason goes to the dead letter)', () => {
    const cases: [Partial<CandlePayload>, RegExp][] = [
      [{ close: '-5', low: '-5' }, /close/],
      [{ open: '0', low: '0' }, /open/],
      [{ high: '98' }, /inconsistent_range/],
      [{ ts: '2099-01-01T00:00:00.000Z' }, /future/],
      [{ timeframe: '7Year' }, /timeframe/],
      [{ volume: '-1' }, /volume/],
      [{ close: '1e5' }, /close/],
    ];
    for (const [over, why] of cases) {
      expect(
        reason(() => payloadOf(candle(over), 'candle.closed')),
        JSON.stringify(over),
      ).to.match(why);
    }
  });

  it('refuses a signal at a price of 0 or from the future, and an order update with a zero quantity', () => {
    const signal = (over: Partial<SignalPayload>) =>
      createEvent<SignalPayload>('signal.created', {
        signalId: '00000000-0000-4000-8000-000000000001',
        symbol: 'GOOG',
        strategy: 'sma-cross',
        side: 'buy',
        strength: '1',
        price: '100',
        timeframe: '1Day',
        barTs: '2024-01-02T05:00:00.000Z',
        reason: 'x',
        params: {},
        ...over,
      });
    expect(payloadOf(signal({}), 'signal.created').price).to.equal('100');
    expect(reason(() => payloadOf(signal({ price: '0' }), 'signal.created'))).to.match(/price/);
    expect(reason(() => payloadOf(signal({ barTs: '2099-01-01T00:00:00.000Z' }), 'signal.created'))).to.match(
      /barTs/,
    );
    const update = createEvent('order.updated', {
      orderId: '00000000-0000-4000-8000-000000000002',
      clientOrderId: 'x',
      signalId: null,
      symbol: 'GOOG',
      side: 'buy',
      qty: '0',
      status: 'new',
      filledQty: '0',
      filledAvgPrice: null,
      fills: [],
    });
    expect(reason(() => payloadOf(update, 'order.updated'))).to.match(/qty/);
  });
});

describe('a consumer given a bad candle', () => {
  it('dead-letters it with the reason and never hands it on; a good one after it goes through', async () => {
    const broker = await createBroker(loadConfig({}), { logger: captureLogger().logger });
    const seen: string[] = [];
    await broker.consume('market.candles', 'strategy-engine', 'c1', async (event) => {
      seen.push(payloadOf(event, 'candle.closed').close);
      return Promise.resolve();
    });
    await broker.publish('market.candles', candle({ close: '-5', low: '-5' }));
    await broker.publish('market.candles', candle({ close: '100.5' }));
    await waitFor(
      async () => (await broker.deadLetters('market.candles')).length === 1 && seen.length === 1,
      {
        what: 'the dead letter',
      },
    );
    const [dead] = await broker.deadLetters('market.candles');
    await broker.close();
    expect(seen).to.deep.equal(['100.5']);
    expect(dead?.error).to.match(/close/);
  });
});
