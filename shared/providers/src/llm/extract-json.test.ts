import { expect } from 'chai';

import { extractJsonFromText } from './extract-json.js';

describe('extractJsonFromText', () => {
  const cases: [string, string, unknown][] = [
    [
      'a ```json fence inside prose',
      'Here are my picks:\n```json\n[{"symbol": "NVDA", "score": 0.8}]\n```\nLet me know if you need more.',
      [{ symbol: 'NVDA', score: 0.8 }],
    ],
    ['a fence without a language tag', 'Sure!\n```\n{"picks": ["AAPL"]}\n```', { picks: ['AAPL'] }],
    [
      'prose around a bare array',
      'Based on momentum, I rank them as [{"symbol":"MSFT","reason":"breakout [confirmed]"}] — hope that helps.',
      [{ symbol: 'MSFT', reason: 'breakout [confirmed]' }],
    ],
    [
      'nested brackets in an object',
      'Result: {"ranking": [{"s": "A", "tags": ["x", "y"]}, {"s": "B", "tags": []}], "meta": {"n": 2}} (end)',
      {
        ranking: [
          { s: 'A', tags: ['x', 'y'] },
          { s: 'B', tags: [] },
        ],
        meta: { n: 2 },
      },
    ],
    ['trailing commentary after JSON', '{"score": 0.42}\n\nNote: scores are relative.', { score: 0.42 }],
    ['plain JSON text', '  [1, 2, 3]  ', [1, 2, 3]],
    ['a scalar answer', '0.75', 0.75],
    [
      'a first fence that is broken and a second that parses',
      '```json\n{"oops": \n```\nCorrected:\n```json\n{"ok": true}\n```',
      { ok: true },
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(`extracts from ${name}`, () => {
      expect(extractJsonFromText(text)).to.deep.equal(expected);
    });
  }

  const nulls: [string, string][] = [
    ['truncated JSON', '```json\n[{"symbol": "NVDA", "score": 0.8}, {"symbol": "AM'],
    ['prose only', 'I cannot rank these stocks without more data.'],
    ['an empty answer', ''],
    ['unbalanced brackets', 'see [this} and {that]'],
  ];
  for (const [name, text] of nulls) {
    it(`returns null for ${name}`, () => {
      expect(extractJsonFromText(text)).to.equal(null);
    });
  }
});
