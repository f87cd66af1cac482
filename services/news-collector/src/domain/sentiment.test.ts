import { expect } from 'chai';

import { lexiconSentiment } from './sentiment.js';

describe('lexiconSentiment', () => {
  const cases: [string, number][] = [
    ['Alphabet beats estimates as cloud growth surges', 1],
    ['Shares plunge after revenue miss and guidance cut', -1],
    ['Company beats on profit but warns of slowdown', 0],
    ['Regulator says no breakthrough in talks', -1],
    ['Shares gain despite lawsuit and probe', -0.3333],
    ['Quarterly results not weak, analysts say', 1],
    ['Company schedules annual meeting', 0],
    ['', 0],
  ];
  for (const [text, score] of cases) {
    it(`scores "${text}" as ${score}`, () => {
      expect(lexiconSentiment(text)).to.equal(score);
    });
  }
});
