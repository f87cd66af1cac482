import { DataError, TransientError } from '@trading/domain';
import { settle } from '@trading/testkit';
import { expect } from 'chai';
import sinon from 'sinon';

import { retryAsync } from './retry-async.js';

describe('retryAsync', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
    sinon.restore();
  });

  it('by default retries a transient error 3 times with exponential delays from 1 s, then rethrows', async () => {
    sinon.stub(Math, 'random').returns(0);
    const fn = sinon.stub().rejects(new TransientError('down'));
    const delays: number[] = [];
    const { error } = await settle(clock, retryAsync(fn, { onRetry: (_e, _a, d) => delays.push(d) }));
    expect(error).to.be.instanceOf(TransientError);
    expect(fn.callCount).to.equal(4);
    expect(delays).to.deep.equal([1000, 2000, 4000]);
  });

  it('waits the backoff before the next attempt, not sooner', async () => {
    sinon.stub(Math, 'random').returns(0);
    const fn = sinon.stub();
    fn.onFirstCall().rejects(new TransientError('down'));
    fn.onSecondCall().resolves('ok');
    const promise = retryAsync(fn);
    await clock.tickAsync(999);
    expect(fn.callCount).to.equal(1);
    await clock.tickAsync(1);
    expect(fn.callCount).to.equal(2);
    expect(await promise).to.equal('ok');
  });

  it('adds jitter: delays fall within [base·2ⁿ, 2·base·2ⁿ)', async () => {
    sinon.stub(Math, 'random').returns(0.5);
    const delays: number[] = [];
    await settle(
      clock,
      retryAsync(sinon.stub().rejects(new TransientError('x')), { onRetry: (_e, _a, d) => delays.push(d) }),
    );
    expect(delays).to.deep.equal([1500, 3000, 6000]);
  });

  it('caps each delay at maxDelayMs (30 s by default)', async () => {
    sinon.stub(Math, 'random').returns(0);
    const delays: number[] = [];
    await settle(
      clock,
      retryAsync(sinon.stub().rejects(new TransientError('x')), {
        retries: 7,
        onRetry: (_e, _a, d) => delays.push(d),
      }),
    );
    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('does not retry a data error', async () => {
    const fn = sinon.stub().rejects(new DataError('bad row'));
    const { error } = await settle(clock, retryAsync(fn));
    expect(error).to.be.instanceOf(DataError);
    expect(fn.callCount).to.equal(1);
  });

  it('does not retry an unclassified (fatal) error', async () => {
    const fn = sinon.stub().rejects(new TypeError('bug'));
    await settle(clock, retryAsync(fn));
    expect(fn.callCount).to.equal(1);
  });

  it('retries socket errors and HTTP 5xx/429 from foreign libraries', async () => {
    const fn = sinon.stub();
    fn.onCall(0).rejects(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    fn.onCall(1).rejects(Object.assign(new Error('busy'), { status: 503 }));
    fn.onCall(2).rejects(Object.assign(new Error('slow down'), { status: 429 }));
    fn.onCall(3).resolves(42);
    const { value } = await settle(clock, retryAsync(fn));
    expect(value).to.equal(42);
  });

  it("waits at least a server's Retry-After", async () => {
    sinon.stub(Math, 'random').returns(0);
    const fn = sinon.stub();
    fn.onFirstCall().rejects(new TransientError('429', { retryAfterMs: 7000 }));
    fn.onSecondCall().resolves('ok');
    const promise = retryAsync(fn);
    await clock.tickAsync(6999);
    expect(fn.callCount).to.equal(1);
    await clock.tickAsync(1);
    expect(await promise).to.equal('ok');
  });

  it('stops waiting when its signal is aborted', async () => {
    const controller = new AbortController();
    const fn = sinon.stub().rejects(new TransientError('down'));
    const outcome = retryAsync(fn, { signal: controller.signal }).catch((e: unknown) => e);
    await clock.tickAsync(10);
    controller.abort(new Error('shutdown'));
    expect(((await outcome) as Error).message).to.equal('shutdown');
    expect(fn.callCount).to.equal(1);
    expect(clock.countTimers()).to.equal(0);
  });
});
