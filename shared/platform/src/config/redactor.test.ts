import { expect } from 'chai';
import fc from 'fast-check';

import { createRedactor } from './redactor.js';
import { Secret, SECRET_MASK } from './secret.js';

describe('createRedactor', () => {
  const key = 'PKTEST7Q2W9E4R1T';
  const secret = 'sK3cr3tVaLuE9x8y7z6w5v4u';
  const redact = createRedactor([new Secret(key), new Secret(secret)]);

  it('masks a secret raw, in any letter case, JSON-escaped and URL-encoded', () => {
    for (const text of [
      `key ${secret} rejected`,
      `key ${secret.toLowerCase()} rejected`,
      `key ${secret.toUpperCase()} rejected`,
      `{"k":${JSON.stringify(secret)}}`,
      `?token=${encodeURIComponent(secret)}`,
    ]) {
      const out = redact(text);
      expect(out, text).to.include(SECRET_MASK);
      expect(out.toLowerCase(), text).not.to.include(secret.toLowerCase().slice(0, 8));
    }
    expect(redact(`key ${secret} rejected`)).to.equal(`key ${SECRET_MASK} rejected`);
  });

  it('masks any run of 8 or more characters of a secret: cut short, a prefix, a middle', () => {
    for (const part of [secret.slice(0, -1), secret.slice(0, 8), secret.slice(5, 15), key.slice(1)]) {
      const out = redact(`invalid credentials "${part}"`);
      expect(out, part).to.equal(`invalid credentials "${SECRET_MASK}"`);
    }
    expect(redact(`short ${secret.slice(0, 7)} ok`)).to.equal(`short ${secret.slice(0, 7)} ok`);
  });

  it('masks base64 and base64url of a secret and of key:secret (Basic auth)', () => {
    for (const encoded of [
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(`${key}:${secret}`).toString('base64'),
      Buffer.from(`${secret}:${key}`).toString('base64'),
    ]) {
      expect(redact(`Authorization: Basic ${encoded}`), encoded).to.equal(
        `Authorization: Basic ${SECRET_MASK}`,
      );
    }
  });

  it('leaves ordinary words alone even when a secret contains them', () => {
    const words = createRedactor([new Secret('424242:canary-telegram-5b90cc')]);
    expect(words('telegram notifications are off')).to.equal('telegram notifications are off');
    expect(words('token 424242:canary-telegram-5b90cc')).not.to.include('5b90cc');
    expect(createRedactor([new Secret('correcthorsebattery')])('pw CorrectHorseBattery')).to.equal(
      `pw ${SECRET_MASK}`,
    );
  });

  it('no run of 8 characters of a secret survives, whatever surrounds it (property)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 0, max: secret.length - 8 }),
        fc.integer({ min: 8, max: secret.length }),
        fc.boolean(),
        fc.string(),
        (before, start, length, upper, after) => {
          const part = secret.slice(start, Math.min(secret.length, start + length));
          const text = `${before}${upper ? part.toUpperCase() : part}${after}`;
          expect(redact(text).toLowerCase()).not.to.include(part.toLowerCase());
        },
      ),
    );
  });
});
