/** The file `npm run strategy:new NAME` writes: a working strategy to change, with pointers. */
export function strategyTemplate(name: string): string {
  return `// ${name}: your strategy. Change the parameters, the indicators and decide(); the README's
// "Write a strategy" lists what each part can use. Try it:
//   npm run backtest -- --csv market-data/GOOG.csv --strategy ${name}
//   STRATEGIES=${name} npm start
import { crossedAbove, crossedBelow, defineStrategy, enter, exit, fmt, param, ta } from '@trading/strategy-sdk';

export default defineStrategy({
  name: '${name}',
  description: 'Fast EMA crossing the slow EMA: above buys, below sells; out after maxBars bars.',
  params: {
    fast: param.int(12, { min: 2, max: 200, description: 'Bars in the fast average' }),
    slow: param.int(26, { min: 3, max: 400, description: 'Bars in the slow average' }),
    maxBars: param.int(40, { min: 1, max: 1000, description: 'Bars a position is held at most' }),
  },
  check: ({ fast, slow }) => (slow > fast ? undefined : 'slow must be greater than fast'),
  indicators: ({ fast, slow }) => ({ fast: ta.ema(fast), slow: ta.ema(slow) }),
  decide({ bar, ind, params, position }) {
    if (position.qty === 0) {
      if (crossedAbove(ind.fast, ind.slow)) return enter(() => \`EMA(\${String(params.fast)}) crossed above EMA(\${String(params.slow)}) at \${fmt(bar.close)}\`);
      return undefined;
    }
    if (position.barsHeld >= params.maxBars) return exit(\`held \${String(position.barsHeld)} bars\`);
    if (crossedBelow(ind.fast, ind.slow)) return exit(() => \`EMA(\${String(params.fast)}) crossed below EMA(\${String(params.slow)}) at \${fmt(bar.close)}\`);
    return undefined;
  },
});
`;
}
