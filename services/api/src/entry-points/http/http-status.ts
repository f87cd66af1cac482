import type { AppError } from '@trading/domain';

/** Statuses of the error codes that do not follow their kind's. */
const BY_CODE: Readonly<Record<string, number>> = {
  NOT_FOUND: 404,
  PROVIDER_NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  ORDER_FINAL: 409,
  NOT_AT_BROKER: 409,
  RISK_REJECTED: 422,
  BROKER_REJECTED: 422,
  PROVIDER_REJECTED: 422,
  PROVIDER_AUTH: 502,
  CIRCUIT_OPEN: 503,
  DASHBOARD_NOT_BUILT: 503,
};

/**
 * The HTTP status the API answers an error of ours with: decided here, at the HTTP edge, from the
 * error's code, else its kind (a bad item 400, a dependency that may heal 503, a bug 500).
 */
export function httpStatusFor(err: AppError): number {
  const byCode = BY_CODE[err.code];
  if (byCode !== undefined) return byCode;
  switch (err.kind) {
    case 'data':
      return 400;
    case 'transient':
      return 503;
    case 'fatal':
      return 500;
  }
}
