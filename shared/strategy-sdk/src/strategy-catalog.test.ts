import { ConfigError, ValidationError } from '@trading/domain';
import { expect } from 'chai';

import { builtinCatalog } from './builtins/builtin-strategies.js';
import { smaCross } from './builtins/sma-cross.js';
import { StrategyCatalog } from './strategy-catalog.js';

describe('StrategyCatalog', () => {
  const catalog = builtinCatalog();

  it('configureAll: an unknown strategy names STRATEGIES and the known ones; bad parameters name STRATEGY_PARAMS', () => {
    expect(() => catalog.configureAll(['smaa'], {})).to.throw(
      ConfigError,
      "invalid configuration: STRATEGIES: unknown strategy 'smaa'; known: sma-cross, rsi-reversion, macd-cross",
    );
    expect(() => catalog.configureAll(['sma-cross'], { 'sma-cross': { fast: 0 } })).to.throw(
      ConfigError,
      /STRATEGY_PARAMS: bad parameters for sma-cross: "fast" must be greater than or equal to 1/,
    );
  });

  it('configure: a rule across parameters says what is wrong in words', () => {
    expect(() => catalog.configure('sma-cross', { fast: 30, slow: 20 })).to.throw(
      ValidationError,
      'bad parameters for sma-cross: slow (20) must be greater than fast (30)',
    );
    expect(() => catalog.configure('sma-cross', { fats: 3 })).to.throw(
      ValidationError,
      /"fats" is not allowed/,
    );
  });

  it('refuses two strategies of one name, naming both sources', () => {
    expect(
      () =>
        new StrategyCatalog([
          { definition: smaCross, source: 'built-in' },
          { definition: smaCross, source: 'strategies/mine.ts' },
        ]),
    ).to.throw(
      TypeError,
      "two strategies are named 'sma-cross': built-in and strategies/mine.ts; rename one",
    );
  });
});
