import { expect } from 'chai';

import { postgresUrl } from './data-stores.js';
import { telegramChatId } from './infra-config.js';

describe('infra values', () => {
  it('encodes the database password so any generated one makes a URL that gives it back', () => {
    for (const password of ['plain', 'a/b+c=', 'x@y:z?#%', 'openssl/rand+base64=24==']) {
      const url = new URL(postgresUrl('trading', password, 'trading'));
      expect(decodeURIComponent(url.password)).to.equal(password);
      expect(url.hostname).to.equal('postgres');
      expect(url.pathname).to.equal('/trading');
    }
  });

  it('refuses a missing or zero Telegram chat id with what to set, accepts a numeric one', () => {
    for (const bad of [undefined, '', '0', 'abc', '12a']) {
      expect(() => telegramChatId(bad), String(bad)).to.throw(/telegramChatId must be the numeric id/);
    }
    expect(telegramChatId('4242')).to.equal('4242');
    expect(telegramChatId('-1001234')).to.equal('-1001234');
  });
});
