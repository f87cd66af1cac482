import { expect } from 'chai';

import { type CachedReply, ResponseCache } from './response-cache.js';

const reply = (text: string): CachedReply => ({ status: 200, json: Buffer.from(text) });

describe('ResponseCache', () => {
  let now = 0;
  let calls = 0;
  const compute = (text: string) => async () => {
    calls++;
    return Promise.resolve(reply(text));
  };
  beforeEach(() => {
    now = 0;
    calls = 0;
  });

  it('answers identical requests within the TTL from one computation, concurrent ones included', async () => {
    const cache = new ResponseCache({ ttlMs: 1000, now: () => now });
    const answers = await Promise.all([cache.get('k', compute('a')), cache.get('k', compute('b'))]);
    now = 999;
    answers.push(await cache.get('k', compute('c')));
    expect(answers.map((a) => a.json.toString())).to.deep.equal(['a', 'a', 'a']);
    expect(calls).to.equal(1);
  });

  it('computes again once the TTL has passed, after clear(), and for another key', async () => {
    const cache = new ResponseCache({ ttlMs: 1000, now: () => now });
    await cache.get('k', compute('a'));
    now = 1000;
    expect((await cache.get('k', compute('b'))).json.toString()).to.equal('b');
    cache.clear();
    expect((await cache.get('k', compute('c'))).json.toString()).to.equal('c');
    expect((await cache.get('other', compute('d'))).json.toString()).to.equal('d');
    expect(calls).to.equal(4);
  });

  it('does not keep a failure: the next request tries again', async () => {
    const cache = new ResponseCache({ ttlMs: 1000, now: () => now });
    const failing = cache.get('k', async () => Promise.reject(new Error('db down')));
    await failing.catch(() => undefined);
    await Promise.resolve();
    expect((await cache.get('k', compute('ok'))).json.toString()).to.equal('ok');
  });

  it('keeps at most maxEntries answers, forgetting the oldest', async () => {
    const cache = new ResponseCache({ ttlMs: 1000, maxEntries: 2, now: () => now });
    await cache.get('a', compute('a'));
    await cache.get('b', compute('b'));
    await cache.get('c', compute('c'));
    await cache.get('a', compute('a2'));
    expect(calls).to.equal(4);
  });

  it('is off with a TTL of 0', () => {
    expect(new ResponseCache({ ttlMs: 0 }).enabled).to.equal(false);
  });
});
