import { expect } from 'chai';
import fc from 'fast-check';

import { barProblem, type ProviderBar, roundDecimal, screenBars } from './screen-bars.js';

const NOW = new Date('2024-03-05T15:00:00Z');
const MINUTE = 60_000;
const bar = (over: Partial<ProviderBar> = {}): ProviderBar => ({
  symbol: 'GOOG',
  ts: new Date(NOW.getTime() - 10 * MINUTE),
  open: 100,
  high: 101,
  low: 99,
  close: 100.5,
  volume: 1000,
  tradeCount: 5,
  vwap: 100.2,
  ...over,
});

describe('screenBars', () => {
  it('names the problem of each kind of bad bar', () => {
    const cases: [Partial<ProviderBar>, string][] = [
      [{ ts: new Date(Number.NaN) }, 'bad_timestamp'],
      [{ ts: new Date('2030-01-01T00:00:00Z') }, 'future'],
      [{ close: Number.POSITIVE_INFINITY, high: Number.POSITIVE_INFINITY }, 'non_finite'],
      [{ open: Number.NaN }, 'non_finite'],
      [{ open: 0, low: 0 }, 'non_positive_price'],
      [{ close: -5, low: -5 }, 'non_positive_price'],
      [{ low: 0.0000001 }, 'non_positive_price'],
      [{ high: 1e13 }, 'out_of_range'],
      [{ high: 99.5 }, 'inconsistent_range'],
      [{ low: 100.6 }, 'inconsistent_range'],
      [{ volume: -1 }, 'negative_volume'],
    ];
    for (const [over, problem] of cases) expect(barProblem(bar(over), NOW), problem).to.equal(problem);
    expect(barProblem(bar(), NOW)).to.equal(undefined);
  });

  it('keeps one bar per timestamp (the provider’s last word), holds back forming bars, sorts and rounds', () => {
    const ts = new Date(NOW.getTime() - 5 * MINUTE);
    const out = screenBars(
      [
        bar({ ts, close: 100.1 }),
        bar({ ts: new Date(NOW.getTime() - 6 * MINUTE), close: 100.123456789 }),
        bar({ ts, close: 100.2 }),
        bar({ ts: new Date(NOW.getTime() - 30_000) }),
      ],
      '1Min',
      NOW,
    );
    expect(out.bars.map((b) => b.close)).to.deep.equal(['100.123457', '100.2']);
    expect(out.refused).to.deep.equal([{ ts, problem: 'duplicate' }]);
    expect(out.forming).to.equal(1);
  });

  it('rounds to the columns’ scale without exponent or trailing zeros', () => {
    expect(roundDecimal(1e-7)).to.equal('0');
    expect(roundDecimal(123.1)).to.equal('123.1');
    expect(roundDecimal(5)).to.equal('5');
    expect(roundDecimal(123_456_789.125)).to.equal('123456789.125');
  });

  it('property: whatever numbers a provider sends, what passes is storable and consistent', () => {
    const num = fc.oneof(
      fc.double({ noNaN: false }),
      fc.constantFrom(0, -0, 1e-7, 1e12, Number.MAX_VALUE, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            offset: fc.integer({ min: -10_000, max: 10 }),
            open: num,
            high: num,
            low: num,
            close: num,
            volume: num,
          }),
          { maxLength: 30 },
        ),
        (raw) => {
          const bars = raw.map((r) =>
            bar({ ...r, ts: new Date(NOW.getTime() + r.offset * MINUTE), vwap: null }),
          );
          const out = screenBars(bars, '1Min', NOW);
          expect(out.bars.length + out.refused.length + out.forming).to.equal(bars.length);
          const stamps = out.bars.map((b) => b.ts.getTime());
          expect(new Set(stamps).size).to.equal(stamps.length);
          expect([...stamps].sort((a, b) => a - b)).to.deep.equal(stamps);
          for (const b of out.bars) {
            expect(b.ts.getTime() + MINUTE).to.be.at.most(NOW.getTime());
            const [o, h, l, c, v] = [b.open, b.high, b.low, b.close, b.volume].map<number>(Number);
            for (const text of [b.open, b.high, b.low, b.close, b.volume]) {
              expect(text).to.match(/^\d{1,14}(\.\d{1,6})?$/);
            }
            expect(Math.min(o ?? 0, c ?? 0, l ?? 0)).to.be.greaterThan(0);
            expect(l).to.be.at.most(Math.min(o ?? 0, c ?? 0));
            expect(h).to.be.at.least(Math.max(o ?? 0, c ?? 0));
            expect(v).to.be.at.least(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
