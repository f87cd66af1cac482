import { AppError } from '@trading/domain';
import { type Logger, type TopLevelHandler } from '@trading/platform';
import type Koa from 'koa';

import { httpStatusFor } from './http-status.js';

/** The one shape of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

/** Errors that only say the client closed its connection (a reset, a closed tab). */
const CLIENT_GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Whether an error only says the client went away: routine, never an alert. */
export function clientWentAway(err: unknown, req?: { destroyed: boolean }): boolean {
  return CLIENT_GONE.has(String((err as { code?: unknown }).code)) || req?.destroyed === true;
}

const UPSTREAM_CODES: Record<number, string> = { 502: 'BAD_GATEWAY', 503: 'UNAVAILABLE', 504: 'TIMEOUT' };

/**
 * Turns every failure into `{ error: { code, message, details } }`: our data errors answer the status
 * {@link httpStatusFor} gives their code, with their details; Koa's own client errors (404, 405, 413 …) keep theirs; anything else is a 500 with a
 * generic message and its cause sent to the top-level handler (logged with stack, alerted), never to
 * the client; a dependency's failure answers its gateway status (transient ones only logged).
 */
export function errorHandler(options: { logger: Logger; onFatal?: TopLevelHandler }): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // A status set without a body (no route, a method the route lacks): the JSON shape too.
      if (ctx.status >= 400 && (ctx.body === undefined || ctx.body === null)) {
        // An HTTP method the router does not know (501 from the router) is a client error too.
        const status = ctx.status === 501 ? 405 : ctx.status;
        ctx.status = status;
        ctx.body = {
          error: {
            code: HTTP_CODES[status] ?? 'BAD_REQUEST',
            message:
              status === 404
                ? `no route for ${ctx.method} ${ctx.path}`
                : `${ctx.method} is not allowed on ${ctx.path}${ctx.response.get('Allow') ? `; allowed: ${ctx.response.get('Allow')}` : ''}`,
          },
        } satisfies ErrorBody;
      }
      // eslint-disable-next-line no-restricted-syntax -- the API's top-level handler: every error becomes an answer.
    } catch (err) {
      const status = err instanceof AppError ? httpStatusFor(err) : (err as { status?: unknown }).status;
      if (err instanceof AppError && err.kind === 'data') {
        ctx.status = httpStatusFor(err);
        ctx.body = {
          error: { code: err.code, message: err.message, details: err.details },
        } satisfies ErrorBody;
        return;
      }
      if (!(err instanceof AppError) && typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = {
          error: { code: HTTP_CODES[status] ?? 'BAD_REQUEST', message: (err as Error).message },
        } satisfies ErrorBody;
        return;
      }
      // A dependency's failure keeps its gateway status (502-504); a bug is a 500. Neither says why.
      const upstream =
        typeof status === 'number' && err instanceof AppError && status >= 502 && status <= 504;
      ctx.status = upstream ? status : 500;
      ctx.body = {
        error: upstream
          ? {
              code: UPSTREAM_CODES[ctx.status] ?? 'UNAVAILABLE',
              message: 'a dependency is unavailable; try again',
            }
          : { code: 'INTERNAL', message: 'internal error' },
      } satisfies ErrorBody;
      if (err instanceof AppError && (err.kind === 'transient' || err.code === 'CIRCUIT_OPEN')) {
        options.logger.warn('request failed on a dependency', { path: ctx.path, error: err });
      } else if (clientWentAway(err, ctx.req)) {
        // Client-caused: the answer has nobody to go to, and no operator needs to hear of it.
        options.logger.warn('request ended: the client went away', { path: ctx.path, error: err });
      } else {
        // Named by its route, not the raw path: alerts of one cause share one key (throttled).
        const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
        await options.onFatal?.(err, `${ctx.method} ${typeof route === 'string' ? route : ctx.path}`);
      }
    }
  };
}
