import { expect } from 'chai';
import fc from 'fast-check';

import { isStorableText, toStorableText, unstorableTextAt } from './storable-text.js';

describe('storable text (what PostgreSQL text holds)', () => {
  it('refuses NUL and lone surrogates, accepts any well-formed text without NUL', () => {
    for (const bad of ['halt\u0000now', '\ud800', 'a\udc00b', '\ud83d'])
      expect(isStorableText(bad), JSON.stringify(bad)).to.equal(false);
    for (const good of ['', 'halt now', '😀', 'é\u0001\u001f'])
      expect(isStorableText(good), good).to.equal(true);
  });

  it('toStorableText: always storable, and the identity on storable text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const made = toStorableText(s);
        expect(isStorableText(made)).to.equal(true);
        if (isStorableText(s)) expect(made).to.equal(s);
      }),
    );
    expect(toStorableText('halt\u0000now\ud800')).to.equal('haltnow\uFFFD');
  });

  it('unstorableTextAt: the path of the first bad string, keys included', () => {
    expect(unstorableTextAt({ a: 'ok', b: [1, 'x\u0000'] })).to.deep.equal(['b', 1]);
    expect(unstorableTextAt({ 'k\u0000': 1 })).to.deep.equal(['k\u0000']);
    expect(unstorableTextAt({ a: 'ok', n: 1, z: null })).to.equal(undefined);
  });
});
