import { expect } from 'chai';
import sinon from 'sinon';

import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  it('lets a burst up to capacity through at once', async () => {
    const bucket = new TokenBucket(200);
    for (let i = 0; i < 200; i++) await bucket.take();
    expect(Math.floor(bucket.available)).to.equal(0);
  });

  it('makes the request past the budget wait for a token instead of failing (200/min: 300 ms)', async () => {
    const bucket = new TokenBucket(200);
    for (let i = 0; i < 200; i++) await bucket.take();
    let done = false;
    const next = bucket.take().then(() => (done = true));
    await clock.tickAsync(299);
    expect(done).to.equal(false);
    await clock.tickAsync(1);
    await next;
    expect(done).to.equal(true);
  });

  it('serves waiters in order, one refill interval apart (Finnhub 60/min: 1 s each)', async () => {
    const bucket = new TokenBucket(60, 1);
    await bucket.take();
    const order: number[] = [];
    const waiters = [1, 2, 3].map(async (n) => bucket.take().then(() => order.push(n)));
    await clock.tickAsync(1000);
    expect(order).to.deep.equal([1]);
    await clock.tickAsync(2000);
    await Promise.all(waiters);
    expect(order).to.deep.equal([1, 2, 3]);
  });

  it('stops waiting when aborted, without blocking the next waiter', async () => {
    const bucket = new TokenBucket(60, 1);
    await bucket.take();
    const controller = new AbortController();
    const aborted = bucket.take(controller.signal).catch((e: unknown) => e);
    controller.abort(new Error('gave up'));
    expect(((await aborted) as Error).message).to.equal('gave up');
    const next = bucket.take();
    await clock.tickAsync(1000);
    await next;
  });

  it('serves an order (high) before the market-data requests (low) already waiting', async () => {
    const bucket = new TokenBucket(60, 1);
    await bucket.take();
    const order: string[] = [];
    const lows = ['bars 1', 'bars 2', 'bars 3'].map(async (name) =>
      bucket.take().then(() => order.push(name)),
    );
    const high = bucket.take(undefined, 'high').then(() => order.push('order'));
    await clock.tickAsync(1000);
    expect(order).to.deep.equal(['order']);
    await clock.tickAsync(3000);
    await Promise.all([...lows, high]);
    expect(order).to.deep.equal(['order', 'bars 1', 'bars 2', 'bars 3']);
  });
});
