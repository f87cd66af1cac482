import { TransientError } from '@trading/domain';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';
import sinon from 'sinon';

import { pollerCheck, startPoller, UNHEALTHY_AFTER_FAILURES } from './poller.js';

describe('poller health', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  it('reports unhealthy after runs keep failing, and healthy again after one succeeds', async () => {
    let failing = true;
    const poller = startPoller({
      name: 'collect bars',
      intervalMs: 1000,
      run: async () => {
        if (failing) throw new TransientError('provider down');
        return Promise.resolve();
      },
      logger: captureLogger().logger,
    });
    const check = pollerCheck(poller);
    await clock.tickAsync(0);
    expect(poller.consecutiveFailures).to.equal(1);
    await check();
    await clock.tickAsync(1000 * (UNHEALTHY_AFTER_FAILURES - 1));
    expect(poller.consecutiveFailures).to.equal(UNHEALTHY_AFTER_FAILURES);
    const err = await check().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TransientError).and.include({ code: 'POLLER_FAILING' });
    failing = false;
    await clock.tickAsync(1000);
    expect(poller.consecutiveFailures).to.equal(0);
    await check();
    const stopped = poller.stop();
    await clock.tickAsync(0);
    await stopped;
  });
});
