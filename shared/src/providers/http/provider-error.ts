import { AppError, DataError, TransientError } from '../../errors/app-error.js';

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

/** A provider refused our credentials: a configuration problem, not retried, alerted. */
export class ProviderAuthError extends AppError {
  constructor(provider: string, status: number) {
    super(`${provider} refused the credentials (HTTP ${status})`, 'PROVIDER_AUTH', 502, 'fatal', {
      details: { provider, status },
    });
  }
}

/**
 * The error for a provider's non-2xx answer, in the platform's taxonomy:
 * 429 and 5xx are transient (429 carries Retry-After); 401/403 are credential problems;
 * other 4xx are data errors about our request, with the provider's status and message.
 */
export function errorForStatus(
  provider: string,
  status: number,
  message: string,
  retryAfter?: number,
): AppError {
  if (status === 429 || status >= 500) {
    return new TransientError(`${provider} answered HTTP ${status}: ${message}`, {
      code: status === 429 ? 'RATE_LIMITED' : 'PROVIDER_UNAVAILABLE',
      retryAfterMs: retryAfter,
      details: { provider, status },
    });
  }
  if (status === 401) return new ProviderAuthError(provider, status);
  return new DataError(`${provider} answered HTTP ${status}: ${message}`, {
    code: status === 404 ? 'PROVIDER_NOT_FOUND' : 'PROVIDER_REJECTED',
    status: status === 404 ? 404 : 422,
    details: { provider, status },
  });
}

/** The HTTP status behind a provider error, if it came from an answer. */
export function providerStatus(err: unknown): number | undefined {
  if (!(err instanceof AppError)) return undefined;
  const status = (err.details as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
