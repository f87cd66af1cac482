import { AppError, DataError, TransientError } from '@trading/domain';

/** Parse a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Longest provider reason kept (for logs and a rejected order's record). */
const MAX_REASON = 300;

/** A provider refused our credentials: a configuration problem, not retried, alerted. */
export class ProviderAuthError extends AppError {
  readonly reason: string;

  constructor(provider: string, status: number, reason = '') {
    super(`${provider} refused the credentials (HTTP ${status})`, 'PROVIDER_AUTH', 'fatal', {
      details: { provider, status },
    });
    this.reason = reason;
  }
}

/** A provider refused our request (4xx other than 401): a data error about this request. */
export class ProviderRejectedError extends DataError {
  readonly reason: string;

  constructor(provider: string, status: number, reason: string) {
    super(`${provider} refused the request (HTTP ${status})`, {
      code: status === 404 ? 'PROVIDER_NOT_FOUND' : 'PROVIDER_REJECTED',
      details: { provider, status },
    });
    this.reason = reason;
  }
}

/** A provider is failing or limiting us (429, 5xx): transient, retried. */
export class ProviderUnavailableError extends TransientError {
  readonly reason: string;

  constructor(provider: string, status: number, reason: string, retryAfter?: number) {
    super(`${provider} answered HTTP ${status}`, {
      code: status === 429 ? 'RATE_LIMITED' : 'PROVIDER_UNAVAILABLE',
      retryAfterMs: retryAfter,
      details: { provider, status },
    });
    this.reason = reason;
  }
}

/**
 * The error for a provider's non-2xx answer, in the platform's taxonomy: 429 and 5xx are transient
 * (429 carries Retry-After); 401 is a credential problem; other 4xx are data errors about our
 * request. The message says only who answered what status: a provider's error text can quote our
 * key, so it stays in `reason`, redacted by `redact`, and never leaves the process.
 */
export function errorForStatus(
  provider: string,
  status: number,
  reason: string,
  retryAfter?: number,
  redact: (text: string) => string = (text) => text,
): ProviderAuthError | ProviderRejectedError | ProviderUnavailableError {
  const safe = redact(reason).slice(0, MAX_REASON);
  if (status === 429 || status >= 500)
    return new ProviderUnavailableError(provider, status, safe, retryAfter);
  if (status === 401) return new ProviderAuthError(provider, status, safe);
  return new ProviderRejectedError(provider, status, safe);
}

/** The provider's own (redacted) words behind an error, if it came from an answer. */
export function providerReason(err: unknown): string | undefined {
  return err instanceof ProviderRejectedError ||
    err instanceof ProviderUnavailableError ||
    err instanceof ProviderAuthError
    ? err.reason
    : undefined;
}

/** The HTTP status behind a provider error, if it came from an answer. */
export function providerStatus(err: unknown): number | undefined {
  if (!(err instanceof AppError)) return undefined;
  const status = (err.details as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
