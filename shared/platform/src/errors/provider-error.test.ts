import { DataError, TransientError } from '@trading/domain';
import { expect } from 'chai';

import { classifyError } from './classify.js';
import { errorForStatus, ProviderAuthError, providerStatus, retryAfterMs } from './provider-error.js';

describe('provider errors', () => {
  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).to.equal(3000);
    expect(retryAfterMs(['1.5'])).to.equal(1500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).to.equal(6000);
    expect(retryAfterMs(undefined)).to.equal(undefined);
    expect(retryAfterMs('soon')).to.equal(undefined);
  });

  it('maps 429 and 5xx to transient errors, 429 carrying Retry-After', () => {
    const limited = errorForStatus('alpaca', 429, 'slow down', 2000);
    expect(limited)
      .to.be.instanceOf(TransientError)
      .and.include({ code: 'RATE_LIMITED', retryAfterMs: 2000 });
    expect(classifyError(errorForStatus('anthropic', 529, 'overloaded'))).to.equal('transient');
  });

  it('maps 401 to a credential error (fatal) and other 4xx to data errors with the status', () => {
    expect(errorForStatus('alpaca', 401, 'no')).to.be.instanceOf(ProviderAuthError);
    const rejected = errorForStatus('alpaca', 422, 'client_order_id must be unique');
    expect(rejected).to.be.instanceOf(DataError);
    expect(providerStatus(rejected)).to.equal(422);
    expect(errorForStatus('alpaca', 404, 'order not found').code).to.equal('PROVIDER_NOT_FOUND');
    expect(providerStatus(new Error('x'))).to.equal(undefined);
  });
});
