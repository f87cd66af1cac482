import { expect } from 'chai';

import { toDecimal } from './decimal.js';
import { DataError } from './errors/app-error.js';

describe('toDecimal', () => {
  it('keeps decimal text as it is', () => {
    expect(toDecimal('101.25')).to.equal('101.25');
    expect(toDecimal(' -3 ')).to.equal('-3');
    expect(toDecimal(10n)).to.equal('10');
  });

  it('takes a JSON number by its shortest exact text, never by float arithmetic', () => {
    expect(toDecimal(100.34)).to.equal('100.34');
    expect(toDecimal(22351900)).to.equal('22351900');
  });

  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1e21, '1e5', '12,5', '', 'abc', '1.123456789']) {
    it(`refuses ${String(bad)} as a data error`, () => {
      expect(() => toDecimal(bad, 'price')).to.throw(DataError, /price is not a decimal number/);
    });
  }
});
