import { isLoopbackHost } from '@trading/platform';
import type Koa from 'koa';

import type { ErrorBody } from './error-handler.js';

/** Options of {@link crossSiteGuard}. */
export interface CrossSiteGuardOptions {
  /** Origins (`scheme://host[:port]`) whose pages may call the API (CORS_ORIGINS). */
  corsOrigins: readonly string[];
  /** Host names the API answers to besides loopback ones (API_PUBLIC_HOSTS). */
  publicHosts: readonly string[];
  /**
   * Whether the `Host` must be loopback or listed. Always without a token (DNS rebinding reaches a
   * tokenless API under any name); with one, only when API_PUBLIC_HOSTS is set.
   */
  checkHost: boolean;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The host name of a `Host` header value (`name:port`, `[v6]:port`), lower-cased. */
export function hostName(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return (bracketed[1] ?? '').toLowerCase();
  return host.replace(/:\d+$/, '').toLowerCase();
}

/** `scheme://host[:port]` of an Origin header, or undefined when it is not one (e.g. `null`). */
function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === origin ? url.host : undefined;
    // eslint-disable-next-line no-restricted-syntax -- a malformed Origin is simply not same-origin.
  } catch {
    return undefined;
  }
}

function refuse(ctx: Koa.Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { error: { code, message } } satisfies ErrorBody;
}

/**
 * What keeps a web page the trader merely visits from driving the API, by construction at the
 * router that serves `/api/v1` (before the rate limit, so a page cannot spend a client's allowance):
 * - a `Host` that is not loopback or in API_PUBLIC_HOSTS is refused (DNS rebinding);
 * - a request a browser marks cross-origin (`Sec-Fetch-Site` cross-site or same-site, or an `Origin`
 *   other than the API's own) is refused unless its origin is in CORS_ORIGINS;
 * - a state-changing request must be `application/json`, bodyless ones too: a form or a `no-cors`
 *   fetch cannot send that type, and a cross-origin fetch that does must pass a CORS preflight.
 */
export function crossSiteGuard(options: CrossSiteGuardOptions): Koa.Middleware {
  const origins = new Set(options.corsOrigins);
  const hosts = new Set(options.publicHosts.map((h) => h.toLowerCase()));
  return async (ctx, next) => {
    const { host } = ctx;
    if (options.checkHost) {
      const name = hostName(host);
      if (!isLoopbackHost(name) && !hosts.has(name)) {
        refuse(
          ctx,
          421,
          'HOST_NOT_ALLOWED',
          `this API does not answer to the host '${host.slice(0, 100)}'; add its name to API_PUBLIC_HOSTS`,
        );
        return;
      }
    }
    const origin = ctx.get('Origin');
    const site = ctx.get('Sec-Fetch-Site');
    const crossOrigin =
      site === 'cross-site' ||
      site === 'same-site' ||
      (origin !== '' && originHost(origin) !== host.toLowerCase());
    if (crossOrigin && !origins.has(origin)) {
      refuse(
        ctx,
        403,
        'CROSS_ORIGIN_REFUSED',
        `requests from another site are refused${origin ? ` (origin '${origin.slice(0, 100)}')` : ''}; list the origin in CORS_ORIGINS to allow its pages`,
      );
      return;
    }
    if (STATE_CHANGING.has(ctx.method) && ctx.request.type !== 'application/json') {
      refuse(
        ctx,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `${ctx.method} requests must be sent with Content-Type: application/json, bodyless ones too`,
      );
      return;
    }
    await next();
  };
}
