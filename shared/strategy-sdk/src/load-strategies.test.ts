import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError } from '@trading/domain';
import { expect } from 'chai';

import { loadStrategyCatalog } from './load-strategies.js';

/** A strategy file as a trader writes it, importing the SDK by its package name. */
const strategyFile = (name: string): string => `
import { defineStrategy, enter, exit, param, ta } from '@trading/strategy-sdk';

export default defineStrategy({
  name: '${name}',
  description: 'Buys above its SMA, sells below.',
  params: { period: param.int(5, { min: 2, max: 50 }) },
  indicators: ({ period }) => ({ sma: ta.sma(period) }),
  decide: ({ bar, ind, position }) => {
    if (position.qty === 0 && bar.close > ind.sma.value) return enter('above');
    if (position.qty > 0 && bar.close < ind.sma.value) return exit('below');
    return undefined;
  },
});
`;

describe('loadStrategyCatalog', () => {
  let dir: string;
  beforeEach(() => {
    // Inside the repository, as a trader's strategies folder is: `@trading/strategy-sdk` resolves there.
    const scratch = new URL('../../../.tmp/', import.meta.url).pathname;
    mkdirSync(scratch, { recursive: true });
    dir = mkdtempSync(join(scratch, 'strategies-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds every strategy file of the folder (TypeScript or JavaScript) to the built-ins; tests and dotfiles are skipped', async () => {
    writeFileSync(join(dir, 'above-sma.ts'), strategyFile('above-sma'));
    writeFileSync(join(dir, 'below-sma.mjs'), strategyFile('below-sma'));
    writeFileSync(join(dir, 'above-sma.test.ts'), 'throw new Error("never imported")');
    writeFileSync(join(dir, '.draft.ts'), 'throw new Error("never imported")');
    writeFileSync(join(dir, 'notes.md'), '# ideas');
    const catalog = await loadStrategyCatalog(dir);
    expect(catalog.names).to.deep.equal([
      'sma-cross',
      'rsi-reversion',
      'macd-cross',
      'above-sma',
      'below-sma',
    ]);
    expect(catalog.list().find((e) => e.definition.name === 'above-sma')?.source).to.match(/above-sma\.ts$/);
    const instance = catalog.configure('above-sma', { period: 2 }).create();
    expect(instance.warmupBars).to.equal(3);
  });

  it('a folder that does not exist adds nothing', async () => {
    expect((await loadStrategyCatalog(join(dir, 'none'))).names).to.deep.equal([
      'sma-cross',
      'rsi-reversion',
      'macd-cross',
    ]);
  });

  for (const [what, file, text, message] of [
    [
      'a syntax error',
      'broken.ts',
      'export default defineStrategy({',
      /^strategy file .*broken\.ts: line 1, column 31: Expected identifier but found end of file$/,
    ],
    ['an exception at import', 'throws.ts', 'throw new Error("boom")', /^strategy file .*throws\.ts: boom$/],
    [
      'no strategy as its default export',
      'nothing.ts',
      'export const x = 1;',
      /^strategy file .*nothing\.ts: its default export is not a strategy: end it with `export default defineStrategy/,
    ],
    [
      'a name that is not lower-case-with-dashes',
      'bad-name.ts',
      strategyFile('Bad Name'),
      /^strategy file .*bad-name\.ts: strategy name 'Bad Name' must be 2–40 lower-case letters/,
    ],
    [
      'the name of a built-in',
      'mine.ts',
      strategyFile('sma-cross'),
      /^STRATEGIES_DIR: two strategies are named 'sma-cross': built-in and .*mine\.ts; rename one$/,
    ],
  ] as const) {
    it(`a file with ${what} is a ConfigError naming the file, in one line`, async () => {
      writeFileSync(join(dir, file), text);
      const err = await loadStrategyCatalog(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as Error).message).to.match(message);
      expect((err as Error).message).not.to.include('\n');
    });
  }
});
