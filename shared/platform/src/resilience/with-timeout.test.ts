import { TimeoutError } from '@trading/domain';
import { expect } from 'chai';
import sinon from 'sinon';

import { withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  it('rejects with TimeoutError after the duration and aborts the work', async () => {
    let seen: AbortSignal | undefined;
    const promise = withTimeout(
      async (signal) => {
        seen = signal;
        return new Promise(() => undefined);
      },
      500,
      'slow call',
    ).catch((e: unknown) => e);
    await clock.tickAsync(499);
    expect(seen?.aborted).to.equal(false);
    await clock.tickAsync(1);
    const err = await promise;
    expect(err).to.be.instanceOf(TimeoutError);
    expect((err as Error).message).to.equal('slow call timed out after 500 ms');
    expect(seen?.aborted).to.equal(true);
  });

  it('resolves with the value of fast work and leaves no timer behind', async () => {
    const value = await withTimeout(async () => 'done', 1000);
    expect(value).to.equal('done');
    expect(clock.countTimers()).to.equal(0);
  });

  it('passes through the work’s own error and leaves no timer behind', async () => {
    const err = await withTimeout(async () => Promise.reject(new RangeError('boom')), 1000).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RangeError);
    expect(clock.countTimers()).to.equal(0);
  });
});
