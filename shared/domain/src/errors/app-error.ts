/**
 * How the platform reacts to an error:
 * - `transient`: the world may heal (connection lost, timeout, 5xx, 429); retried.
 * - `data`: this item is bad (invalid message, missing field, 4xx); logged, skipped and counted.
 * - `fatal`: a bug or an unknown state; reaches the top-level handler, logged with its stack and alerted.
 */
export type ErrorKind = 'transient' | 'data' | 'fatal';

/** Options shared by every {@link AppError}. */
export interface AppErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** Structured detail safe to log and to return to API clients (never a secret). */
  details?: unknown;
}

/**
 * The one error base class of the platform: every error we raise has a stable `code` and a `kind`
 * that decides retry / skip / alert. How an error is said over HTTP is the HTTP edge's business (the
 * API maps codes and kinds to statuses), not the domain's.
 */
export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: unknown;

  constructor(message: string, code: string, kind: ErrorKind, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.details = options.details;
  }
}

/** A failure that may succeed if tried again. `retryAfterMs` carries a server's Retry-After. */
export class TransientError extends AppError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: AppErrorOptions & { code?: string; retryAfterMs?: number } = {}) {
    super(message, options.code ?? 'TRANSIENT', 'transient', options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** An operation that did not finish in time. Transient: the next attempt may be faster. */
export class TimeoutError extends TransientError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, { ...options, code: 'TIMEOUT' });
  }
}

/** A bad item: invalid message, missing field, a provider's 4xx about our input. Skipped, not retried. */
export class DataError extends AppError {
  constructor(message: string, options: AppErrorOptions & { code?: string } = {}) {
    super(message, options.code ?? 'INVALID_DATA', 'data', options);
  }
}

/** Input at the edge that failed validation, with details of every bad field. */
export class ValidationError extends DataError {
  constructor(message: string, details?: unknown) {
    super(message, { code: 'VALIDATION_FAILED', details });
  }
}

/** A resource that does not exist. */
export class NotFoundError extends DataError {
  constructor(message: string) {
    super(message, { code: 'NOT_FOUND' });
  }
}

/**
 * A call refused because its circuit breaker is open. Not retried: retrying an open circuit
 * only waits; the caller fails fast and tries again on its next cycle.
 */
export class CircuitOpenError extends AppError {
  constructor(name: string) {
    super(`circuit '${name}' is open`, 'CIRCUIT_OPEN', 'fatal');
  }
}

/** Configuration that cannot start the platform; lists every bad key. */
export class ConfigError extends AppError {
  constructor(message: string, details: { key: string; message: string }[]) {
    super(message, 'CONFIG_INVALID', 'fatal', { details });
  }
}
