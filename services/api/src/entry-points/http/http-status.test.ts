import {
  AppError,
  CircuitOpenError,
  DataError,
  NotFoundError,
  TransientError,
  ValidationError,
} from '@trading/domain';
import { ProviderAuthError, ProviderRejectedError } from '@trading/platform';
import { expect } from 'chai';

import { httpStatusFor } from './http-status.js';

describe('httpStatusFor (the HTTP edge)', () => {
  it('answers by code where one is known, else by kind', () => {
    const cases: [AppError, number][] = [
      [new ValidationError('bad'), 400],
      [new DataError('bad item'), 400],
      [new NotFoundError('none'), 404],
      [new DataError('taken', { code: 'IDEMPOTENCY_CONFLICT' }), 409],
      [new DataError('refused', { code: 'RISK_REJECTED' }), 422],
      [new ProviderRejectedError('alpaca', 422, 'qty'), 422],
      [new ProviderRejectedError('alpaca', 404, 'no such'), 404],
      [new ProviderAuthError('alpaca', 401), 502],
      [new TransientError('later'), 503],
      [new CircuitOpenError('alpaca'), 503],
      [new AppError('bug', 'BUG', 'fatal'), 500],
    ];
    for (const [err, status] of cases) expect(httpStatusFor(err), err.code).to.equal(status);
  });
});
