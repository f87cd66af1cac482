import { expect } from 'chai';
import fc from 'fast-check';

import { ExchangeRefusal, type OrderRequest } from './exchange-order.js';
import { fromMicro, toMicro } from './fixed-point.js';
import { type ExchangeEvent, SimulatedExchange } from './simulated-exchange.js';

const m = (n: number | string): bigint => toMicro(String(n));
const bar = (open: number, high: number, low: number, close: number) => ({
  open: m(open),
  high: m(high),
  low: m(low),
  close: m(close),
});
let n = 0;
const order = (fields: Partial<OrderRequest>): OrderRequest => ({
  client_order_id: `c-${String(++n)}`,
  symbol: 'GOOG',
  side: 'buy',
  type: 'market',
  time_in_force: 'day',
  qty: m(10),
  ...fields,
});

/** An exchange that fills only on bars (a backtest), with 100 000 of cash and GOOG last at 100. */
function onBars(): { ex: SimulatedExchange; events: [ExchangeEvent, string, string?][] } {
  const events: [ExchangeEvent, string, string?][] = [];
  const ex = new SimulatedExchange({
    cash: m(100_000),
    now: () => '2024-01-02T15:00:00.000Z',
    onUpdate: (event, o, fill) => events.push([event, o.client_order_id, fill && fromMicro(fill.price)]),
  });
  ex.prices.set('GOOG', m(100));
  return { ex, events };
}

describe('SimulatedExchange: fills on bars by stated intrabar rules', () => {
  it('a market order fills at the next bar open; cash and the position follow the fill', () => {
    const { ex } = onBars();
    const o = ex.submit(order({}));
    expect(o.status).to.equal('accepted');
    ex.bar('GOOG', bar(101, 103, 99, 102));
    expect(o).to.include({ status: 'filled', filled_qty: m(10), filled_notional: m(1010) });
    expect(ex.cash).to.equal(m(100_000 - 1010));
    expect(ex.positions.get('GOOG')).to.include({ qty: '10', avgCost: '101' });
  });

  it('a limit buy fills at the open when the bar opens below it, else at the limit when touched', () => {
    const { ex } = onBars();
    const gap = ex.submit(order({ type: 'limit', limit_price: m(99) }));
    const touch = ex.submit(order({ type: 'limit', limit_price: m(97) }));
    const miss = ex.submit(order({ type: 'limit', limit_price: m(90) }));
    ex.bar('GOOG', bar(98, 99, 96, 97));
    expect(fromMicro(gap.filled_notional / 10n)).to.equal('98');
    expect(fromMicro(touch.filled_notional / 10n)).to.equal('97');
    expect(miss.status).to.equal('accepted');
  });

  it('a sell stop gapped through fills at the open, not at its stop; one touched fills at the stop', () => {
    const { ex } = onBars();
    ex.submit(order({ qty: m(20) }));
    ex.bar('GOOG', bar(100, 100, 100, 100));
    const gapped = ex.submit(order({ side: 'sell', type: 'stop', stop_price: m(95) }));
    const touched = ex.submit(order({ side: 'sell', type: 'stop', stop_price: m(92) }));
    ex.bar('GOOG', bar(94, 95, 90, 91));
    expect(fromMicro(gapped.filled_notional / 10n)).to.equal('94');
    expect(fromMicro(touched.filled_notional / 10n)).to.equal('92');
    expect(ex.positions.has('GOOG')).to.equal(false);
  });

  it('a bracket: legs wait for the entry; with stop and target in one bar the stop is taken and the target canceled', () => {
    const { ex, events } = onBars();
    const entry = ex.submit(
      order({
        order_class: 'bracket',
        take_profit: { limit_price: m(110) },
        stop_loss: { stop_price: m(95) },
      }),
    );
    const [stop, target] = entry.legs.map((id) => ex.get(id));
    expect([stop?.status, target?.status]).to.deep.equal(['held', 'held']);
    expect([stop?.type, target?.type]).to.deep.equal(['stop', 'limit']);
    // The entry fills at the open; the rest of the bar reaches both exits: the loss counts.
    ex.bar('GOOG', bar(100, 111, 94, 105));
    expect(entry.status).to.equal('filled');
    expect(stop?.status).to.equal('filled');
    expect(fromMicro(stop?.filled_notional ?? 0n)).to.equal('950');
    expect(target?.status).to.equal('canceled');
    expect(events.map(([e]) => e)).to.deep.equal(['new', 'fill', 'new', 'new', 'fill', 'canceled']);
    expect(ex.positions.has('GOOG')).to.equal(false);
  });

  it('a bracket whose target fills first cancels its stop; canceling the entry cancels its legs', () => {
    const { ex } = onBars();
    const entry = ex.submit(
      order({
        order_class: 'bracket',
        take_profit: { limit_price: m(105) },
        stop_loss: { stop_price: m(90) },
      }),
    );
    ex.bar('GOOG', bar(100, 104, 99, 103));
    ex.bar('GOOG', bar(104, 106, 103, 105));
    const [stop, target] = entry.legs.map((id) => ex.get(id));
    expect([target?.status, stop?.status]).to.deep.equal(['filled', 'canceled']);
    const unfilled = ex.submit(
      order({
        type: 'limit',
        limit_price: m(50),
        order_class: 'bracket',
        take_profit: { limit_price: m(60) },
        stop_loss: { stop_price: m(40) },
      }),
    );
    ex.cancel(unfilled.id);
    expect(unfilled.legs.map((id) => ex.get(id)?.status)).to.deep.equal(['canceled', 'canceled']);
  });

  it('a trailing stop follows the high of earlier bars, and fills when a later bar falls through the trail', () => {
    const { ex } = onBars();
    ex.submit(order({}));
    ex.bar('GOOG', bar(100, 100, 100, 100));
    const trailing = ex.submit(
      order({ side: 'sell', type: 'trailing_stop', time_in_force: 'gtc', trail_percent: m(5) }),
    );
    expect(trailing.hwm).to.equal(m(100));
    ex.bar('GOOG', bar(101, 120, 100, 118)); // stop was 95: not hit; the mark moves to 120 after the bar
    expect(trailing.status).to.equal('accepted');
    expect(trailing.hwm).to.equal(m(120));
    ex.bar('GOOG', bar(117, 118, 110, 112)); // stop 114: touched
    expect(trailing.status).to.equal('filled');
    expect(fromMicro(trailing.filled_notional / 10n)).to.equal('114');
  });

  it('an OCO exit of a held position: the target and the stop both work; one fill cancels the other', () => {
    const { ex } = onBars();
    ex.submit(order({}));
    ex.bar('GOOG', bar(100, 100, 100, 100));
    const oco = ex.submit(
      order({
        side: 'sell',
        type: 'limit',
        limit_price: m(110),
        order_class: 'oco',
        take_profit: { limit_price: m(110) },
        stop_loss: { stop_price: m(95) },
      }),
    );
    const stop = ex.get(oco.legs[0] ?? '');
    expect([oco.status, stop?.status]).to.deep.equal(['accepted', 'accepted']);
    ex.bar('GOOG', bar(99, 100, 94, 96));
    expect([stop?.status, oco.status]).to.deep.equal(['filled', 'canceled']);
  });
});

describe('SimulatedExchange: the paper broker (fills on arrival at the last trade)', () => {
  it('fills a market order at the last trade on arrival; a limit rests until a trade reaches it', () => {
    const ex = new SimulatedExchange({ cash: m(10_000), fillOnArrival: true });
    ex.trade('GOOG', m(100));
    expect(ex.submit(order({ qty: m(1) })).status).to.equal('filled');
    const resting = ex.submit(order({ qty: m(1), type: 'limit', limit_price: m(90) }));
    ex.trade('GOOG', m(95));
    expect(resting.status).to.equal('accepted');
    ex.trade('GOOG', m(89.5));
    expect(resting.status).to.equal('filled');
    expect(fromMicro(resting.filled_notional)).to.equal('89.5');
  });

  it('an opening-auction order waits while the market is closed and fills when it opens', () => {
    const ex = new SimulatedExchange({ cash: m(10_000), fillOnArrival: true });
    ex.trade('GOOG', m(100));
    ex.setMarketOpen(false);
    const opg = ex.submit(order({ qty: m(1), time_in_force: 'opg' }));
    ex.trade('GOOG', m(101));
    expect(opg.status).to.equal('accepted');
    ex.setMarketOpen(true);
    expect(opg.status).to.equal('filled');
  });
});

describe("SimulatedExchange: Alpaca's rules", () => {
  const refusal = (fn: () => unknown): ExchangeRefusal => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ExchangeRefusal) return err;
      throw err;
    }
    throw new Error('not refused');
  };

  for (const [what, request, status, message] of [
    ['a stop without stop_price', { type: 'stop' }, 422, 'stop_price is required for stop orders'],
    [
      'a market order with a limit',
      { limit_price: m(1) },
      422,
      'limit_price is not allowed for market orders',
    ],
    [
      'a trailing stop with both trails',
      { side: 'sell', type: 'trailing_stop', trail_percent: m(1), trail_price: m(1) },
      422,
      'trailing_stop orders take exactly one of trail_percent and trail_price',
    ],
    [
      'a bracket without its stop',
      { order_class: 'bracket', take_profit: { limit_price: m(110) } },
      422,
      'bracket orders need take_profit.limit_price and stop_loss.stop_price',
    ],
    [
      'a bracket for the day that is gtc-only... an ioc bracket',
      {
        order_class: 'bracket',
        time_in_force: 'ioc',
        take_profit: { limit_price: m(110) },
        stop_loss: { stop_price: m(90) },
      },
      422,
      'bracket orders must be day or gtc',
    ],
    [
      'a bracket whose stop is above the price',
      { order_class: 'bracket', take_profit: { limit_price: m(110) }, stop_loss: { stop_price: m(100) } },
      422,
      'stop_loss.stop_price must be <= base_price - 0.01',
    ],
    [
      'an OTO with both exits',
      { order_class: 'oto', take_profit: { limit_price: m(110) }, stop_loss: { stop_price: m(90) } },
      422,
      'oto orders need exactly one of take_profit and stop_loss',
    ],
    ['a buy past the cash', { qty: m(2000) }, 403, 'insufficient buying power'],
  ] as const) {
    it(`refuses ${what} (${String(status)})`, () => {
      const { ex } = onBars();
      const err = refusal(() => ex.submit(order(request)));
      expect([err.status, err.message]).to.deep.equal([status, message]);
      expect(ex.orders).to.deep.equal([]);
    });
  }

  it('refuses a sell of shares already promised to a working exit (403 insufficient qty available)', () => {
    const { ex } = onBars();
    ex.submit(order({ order_class: 'oto', stop_loss: { stop_price: m(90) } }));
    ex.bar('GOOG', bar(100, 100, 100, 100));
    const err = refusal(() => ex.submit(order({ side: 'sell' })));
    expect([err.status, err.message]).to.deep.equal([
      403,
      'insufficient qty available for order (requested: 10, available: 0)',
    ]);
  });
});

describe('SimulatedExchange: money is conserved (property)', () => {
  it('after any orders and bars: cash moves by exactly the fills, the position is their sum, cash never below 0', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            side: fc.constantFrom('buy', 'sell'),
            type: fc.constantFrom('market', 'limit', 'stop'),
            qty: fc.integer({ min: 1, max: 300 }),
            offset: fc.integer({ min: -10, max: 10 }),
            open: fc.integer({ min: 50, max: 150 }),
            range: fc.integer({ min: 0, max: 20 }),
          }),
          { maxLength: 40 },
        ),
        (steps) => {
          let cash = m(10_000);
          let shares = 0n;
          const ex = new SimulatedExchange({
            cash,
            onUpdate: (_event, o, fill) => {
              if (!fill) return;
              const notional = (fill.qty * fill.price) / 1_000_000n;
              cash += o.side === 'buy' ? -notional : notional;
              shares += o.side === 'buy' ? fill.qty : -fill.qty;
            },
          });
          ex.prices.set('GOOG', m(100));
          for (const s of steps) {
            const price = m(100 + s.offset);
            const held = ex.held('GOOG');
            const side = s.side;
            // Long-only, as the platform: a sell of at most what is held.
            const qty = side === 'sell' ? (held >= m(s.qty) ? m(s.qty) : held) : m(s.qty);
            if (qty > 0n) {
              try {
                ex.submit(
                  order({
                    side,
                    type: s.type,
                    qty,
                    ...(s.type === 'limit' ? { limit_price: price } : {}),
                    ...(s.type === 'stop' ? { stop_price: price } : {}),
                  }),
                );
              } catch (err) {
                if (!(err instanceof ExchangeRefusal)) throw err;
              }
            }
            ex.bar('GOOG', bar(s.open, s.open + s.range, Math.max(1, s.open - s.range), s.open));
            expect(ex.cash >= 0n, 'cash').to.equal(true);
          }
          expect(ex.cash).to.equal(cash);
          expect(ex.held('GOOG')).to.equal(shares);
        },
      ),
      { numRuns: 300 },
    );
  });
});
