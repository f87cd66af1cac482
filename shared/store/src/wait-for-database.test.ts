import { expect } from 'chai';
import sinon from 'sinon';

import { waitForDatabase } from './wait-for-database.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:5432'), { code: 'ECONNREFUSED' });

describe('waitForDatabase', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('while the database refuses connections, retries with backoff until it answers', async () => {
    let calls = 0;
    const waits: number[] = [];
    const ready = waitForDatabase(
      {
        ping: async () => (++calls < 4 ? Promise.reject(refused()) : Promise.resolve()),
      },
      { jitter: false, onRetry: (_err, _n, delay) => waits.push(delay) },
    );
    await clock.runAllAsync();
    await ready;
    expect(calls).to.equal(4);
    expect(waits).to.deep.equal([500, 1000, 2000]);
  });

  it('with a failure that waiting cannot fix (bad password), fails on the first attempt', async () => {
    const denied = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    let calls = 0;
    const result = waitForDatabase({ ping: async () => (calls++, Promise.reject(denied)) }).catch(
      (e: unknown) => e,
    );
    await clock.runAllAsync();
    expect(await result).to.equal(denied);
    expect(calls).to.equal(1);
  });

  it('when the database never comes, gives up after its retries with the last error', async () => {
    let calls = 0;
    const result = waitForDatabase(
      { ping: async () => (calls++, Promise.reject(refused())) },
      { retries: 3 },
    ).catch((e: unknown) => e);
    await clock.runAllAsync();
    expect(await result).to.have.property('code', 'ECONNREFUSED');
    expect(calls).to.equal(4);
  });
});
