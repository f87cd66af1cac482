import { expect } from 'chai';
import fc from 'fast-check';

import { DataError, ValidationError } from './errors/app-error.js';
import { isFinalStatus, nextStatus, ORDER_STATUSES } from './orders/order-status.js';
import { toPrice } from './price.js';
import { toQuantity } from './quantity.js';
import { toStockSymbol } from './symbol.js';

describe('domain value types', () => {
  it('a price or a quantity is a decimal above 0, refused otherwise with what was wrong', () => {
    expect(toPrice('101.25')).to.equal('101.25');
    expect(toQuantity(3)).to.equal('3');
    for (const bad of ['0', '0.000', '-1', '-0.5']) {
      expect(() => toPrice(bad)).to.throw(ValidationError, /price must be above 0/);
      expect(() => toQuantity(bad)).to.throw(ValidationError, /qty must be above 0/);
    }
    for (const bad of ['1e3', 'NaN', '', '12.123456789', Number.POSITIVE_INFINITY]) {
      expect(() => toPrice(bad)).to.throw(DataError);
    }
  });

  it('accepts every positive decimal the columns hold and refuses every other number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 999_999 }), (int, frac) => {
        const text = `${int}.${String(frac).padStart(6, '0')}`;
        const positive = int > 0 || frac > 0;
        if (positive) expect(toPrice(text)).to.equal(text);
        else expect(() => toPrice(text)).to.throw(ValidationError);
      }),
    );
  });

  it('a ticker is 1-5 upper-case letters or digits with an optional class suffix', () => {
    for (const ok of ['GOOG', 'A', 'BRK.B', 'X1']) expect(toStockSymbol(ok)).to.equal(ok);
    for (const bad of ['goog', 'TOOLONG', 'BRK.', 'BRK.BB', '', 'A B']) {
      expect(() => toStockSymbol(bad), bad).to.throw(ValidationError);
    }
  });

  it('the order status machine never moves a final order, and moves an open one anywhere', () => {
    for (const current of ORDER_STATUSES) {
      for (const reported of ORDER_STATUSES) {
        expect(nextStatus(current, reported)).to.equal(isFinalStatus(current) ? current : reported);
      }
    }
    expect(isFinalStatus('filled')).to.equal(true);
    expect(isFinalStatus('partially_filled')).to.equal(false);
  });
});
