import { CircuitOpenError, TimeoutError, TransientError } from '@trading/domain';
import { settle } from '@trading/testkit';
import { expect } from 'chai';
import sinon from 'sinon';

import { loadConfig } from '../config/config.js';
import { createResiliencePolicy, policyFromConfig, type ResiliencePolicy } from './resilience-policy.js';

describe('createResiliencePolicy (retry ∘ breaker ∘ timeout)', () => {
  let clock: sinon.SinonFakeTimers;
  let policy: ResiliencePolicy;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
    sinon.stub(Math, 'random').returns(0);
    policy = createResiliencePolicy({ name: 'api', timeoutMs: 1000 });
  });
  afterEach(() => {
    policy.close();
    clock.restore();
    sinon.restore();
  });

  it('retries a hung call: each attempt gets its own deadline, and a later attempt can succeed', async () => {
    let calls = 0;
    const promise = policy.execute(async () => {
      calls++;
      if (calls < 3) return new Promise<never>(() => undefined);
      return 'ok';
    });
    expect((await settle(clock, promise)).value).to.equal('ok');
    expect(calls).to.equal(3);
  });

  it('gives up after 3 retries with the timeout error, and the breaker saw 4 failures', async () => {
    const first = await settle(
      clock,
      policy.execute(async () => new Promise<never>(() => undefined)),
    );
    expect(first.error).to.be.instanceOf(TimeoutError);
    expect(policy.breaker.state).to.equal('closed');
    const again = await settle(
      clock,
      policy.execute(async () => Promise.reject(new TransientError('down'))),
    );
    expect(again.error).to.be.instanceOf(CircuitOpenError);
    expect(policy.breaker.state).to.equal('open');
  });

  it('fails fast while the circuit is open: no retries, no waiting, the action not called', async () => {
    await settle(
      clock,
      policy.execute(async () => Promise.reject(new TransientError('down'))),
    );
    await settle(
      clock,
      policy.execute(async () => Promise.reject(new TransientError('down'))),
    );
    expect(policy.breaker.state).to.equal('open');
    const action = sinon.stub().resolves(1);
    const started = Date.now();
    const err = await policy.execute(action).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CircuitOpenError);
    expect(Date.now() - started).to.equal(0);
    expect(action.called).to.equal(false);
  });

  it('takes retry, breaker and timeout settings from config', async () => {
    const config = loadConfig({
      RETRY_MAX_RETRIES: '1',
      BREAKER_FAILURE_THRESHOLD: '2',
      HTTP_TIMEOUT_MS: '50',
    });
    const fromConfig = policyFromConfig(config, 'cfg');
    let calls = 0;
    const { error } = await settle(
      clock,
      fromConfig.execute(async () => {
        calls++;
        return new Promise<never>(() => undefined);
      }),
    );
    expect(error).to.be.instanceOf(TimeoutError);
    expect(calls).to.equal(2);
    expect(fromConfig.breaker.state).to.equal('open');
    fromConfig.close();
  });
});

describe('createResiliencePolicy with retry off', () => {
  it('makes one attempt under breaker and timeout, for calls that must not repeat', async () => {
    const policy = createResiliencePolicy({ name: 'orders', timeoutMs: 1000 });
    const fn = sinon.stub().rejects(new TransientError('503'));
    const err = await policy.execute(fn, { retry: false }).catch((e: unknown) => e);
    policy.close();
    expect(err).to.be.instanceOf(TransientError);
    expect(fn.callCount).to.equal(1);
  });
});
