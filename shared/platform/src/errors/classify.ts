import { AppError, type ErrorKind } from '@trading/domain';

/** Socket-level error codes that mean "the network or the peer hiccuped", worth another try. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, connection failures.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/**
 * Errors thrown by client libraries (redis, pg, knex) whose class names mark a lost connection.
 * node-redis does not set `name`, so the constructor's name is checked too.
 */
const TRANSIENT_NAMES = new Set([
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'SocketTimeoutError',
  'ClientClosedError',
  'ClientOfflineError',
  'DisconnectsClientError',
  'ReconnectStrategyError',
  'KnexTimeoutError',
  'AbortError',
]);

/** Redis error replies that mean "not now": loading its data after a restart, failing over. */
const TRANSIENT_REPLY = /^(LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY) /;

function field(err: object, key: string): unknown {
  return (err as Record<string, unknown>)[key];
}

/** The HTTP status an error carries (`status` or `statusCode`), if any. */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = field(err, 'status') ?? field(err, 'statusCode');
  return typeof status === 'number' ? status : undefined;
}

/**
 * Decide how the platform treats an error. Our own {@link AppError}s say it themselves;
 * foreign errors are judged by their socket code, name or HTTP status.
 */
export function classifyError(err: unknown): ErrorKind {
  if (err instanceof AppError) return err.kind;
  if (typeof err !== 'object' || err === null) return 'fatal';
  const code = field(err, 'code');
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return 'transient';
  const name = field(err, 'name');
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return 'transient';
  if (TRANSIENT_NAMES.has(err.constructor.name)) return 'transient';
  const message = field(err, 'message');
  if (typeof message === 'string' && TRANSIENT_REPLY.test(message)) return 'transient';
  const status = httpStatusOf(err);
  if (status !== undefined) {
    if (status === 429 || status >= 500) return 'transient';
    if (status >= 400) return 'data';
  }
  if (err instanceof SyntaxError) return 'data';
  const cause = field(err, 'cause');
  if (cause !== undefined && cause !== err) return classifyError(cause);
  return 'fatal';
}

/** True when trying again may succeed (connection lost, timeout, 5xx, 429). */
export function isTransient(err: unknown): boolean {
  return classifyError(err) === 'transient';
}

/** True when the item itself is bad and should be logged, skipped and counted. */
export function isDataError(err: unknown): boolean {
  return classifyError(err) === 'data';
}

/** A message for any thrown value, without assuming it is an Error. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
