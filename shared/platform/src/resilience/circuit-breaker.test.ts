import { CircuitOpenError, DataError, TransientError } from '@trading/domain';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';
import sinon from 'sinon';

import { createMetrics } from '../metrics/metrics.js';
import { CircuitBreaker } from './circuit-breaker.js';

const fail = async (): Promise<never> => Promise.reject(new TransientError('down'));
const ok = async (): Promise<string> => Promise.resolve('ok');

async function failTimes(breaker: CircuitBreaker, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await breaker.execute(fail).catch(() => undefined);
}

describe('CircuitBreaker', () => {
  let clock: sinon.SinonFakeTimers;
  let breaker: CircuitBreaker;
  const metrics = createMetrics('test');
  const captured = captureLogger();

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    breaker = new CircuitBreaker({ name: 'alpaca', logger: captured.logger, metrics });
  });
  afterEach(() => {
    breaker.close();
    clock.restore();
  });

  it('stays closed after 4 consecutive failures and opens on the 5th (default threshold)', async () => {
    await failTimes(breaker, 4);
    expect(breaker.state).to.equal('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).to.equal('open');
  });

  it('counts only consecutive failures: a success resets the count', async () => {
    await failTimes(breaker, 4);
    await breaker.execute(ok);
    await failTimes(breaker, 4);
    expect(breaker.state).to.equal('closed');
  });

  it('while open, rejects at once with CircuitOpenError without calling the action', async () => {
    await failTimes(breaker, 5);
    const action = sinon.stub().resolves('x');
    const err = await breaker.execute(action).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CircuitOpenError);
    expect(action.called).to.equal(false);
  });

  it('goes half-open after the 60 s cooldown, and a successful trial closes it', async () => {
    await failTimes(breaker, 5);
    await clock.tickAsync(59_999);
    expect(breaker.state).to.equal('open');
    await clock.tickAsync(1);
    expect(breaker.state).to.equal('half-open');
    expect(await breaker.execute(ok)).to.equal('ok');
    expect(breaker.state).to.equal('closed');
  });

  it('re-opens when the half-open trial fails, and waits another cooldown', async () => {
    await failTimes(breaker, 5);
    await clock.tickAsync(60_000);
    await failTimes(breaker, 1);
    expect(breaker.state).to.equal('open');
    await clock.tickAsync(60_000);
    expect(breaker.state).to.equal('half-open');
  });

  it('does not count data errors (our bad input) against the dependency', async () => {
    for (let i = 0; i < 10; i++) {
      await breaker.execute(async () => Promise.reject(new DataError('422'))).catch(() => undefined);
    }
    expect(breaker.state).to.equal('closed');
  });

  it('logs and counts every state change', async () => {
    await failTimes(breaker, 5);
    await clock.tickAsync(60_000);
    await breaker.execute(ok);
    const states = captured
      .records()
      .filter((r) => r.message === 'circuit breaker state changed' && r.breaker === 'alpaca')
      .map((r) => r.state);
    expect(states.slice(-3)).to.deep.equal(['open', 'half-open', 'closed']);
    const transitions = await metrics.registry.getSingleMetric('circuit_breaker_transitions_total')?.get();
    const byState = Object.fromEntries((transitions?.values ?? []).map((v) => [v.labels.state, v.value]));
    expect(byState.open).to.be.at.least(1);
    expect(byState.closed).to.be.at.least(1);
    const gauge = await metrics.registry.getSingleMetric('circuit_breaker_state')?.get();
    expect(gauge?.values.find((v) => v.labels.breaker === 'alpaca')?.value).to.equal(0);
  });

  it('honours a custom threshold and cooldown', async () => {
    const quick = new CircuitBreaker({ name: 'q', failureThreshold: 2, cooldownMs: 1000 });
    await failTimes(quick, 2);
    expect(quick.state).to.equal('open');
    await clock.tickAsync(1000);
    expect(quick.state).to.equal('half-open');
    quick.close();
  });
});
