import type Router from '@koa/router';
import { unstorableTextAt, ValidationError } from '@trading/domain';
import Joi from 'joi';
import type Koa from 'koa';

import type { CachedReply, ResponseCache } from './response-cache.js';

/** What a handler answers: a status (200 unless said), a JSON body, and headers. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A documented answer of an endpoint; `schema` describes its JSON body. */
export interface ResponseSpec {
  description: string;
  schema?: Joi.Schema;
}

/** Which rate limit an endpoint counts against besides the global one. */
export type RateLimitClass = 'orders';

/** An endpoint as written: its contract (joi schemas) and its handler. */
export interface EndpointSpec<Q, P, B> {
  method: 'get' | 'post';
  /** Koa-style path under `/api/v1`, e.g. `/orders/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  query?: Joi.ObjectSchema<Q>;
  params?: Joi.ObjectSchema<P>;
  body?: Joi.ObjectSchema<B>;
  /** Every answer but the error answers common to all endpoints (added by the document). */
  responses: Record<number, ResponseSpec>;
  rateLimit?: RateLimitClass;
  handle(input: { query: Q; params: P; body: B }): Promise<Reply>;
}

/** An endpoint with its types erased, ready to mount and to document. */
export interface Endpoint {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly query?: Joi.ObjectSchema;
  readonly params?: Joi.ObjectSchema;
  readonly body?: Joi.ObjectSchema;
  readonly responses: Record<number, ResponseSpec>;
  readonly rateLimit?: RateLimitClass;
  /** Validate the request's parts against the schemas; the converted values. */
  parse(ctx: Koa.Context): unknown;
  /** Run the handler on parsed input. */
  handle(input: unknown): Promise<Reply>;
}

/** The schema of a part an endpoint does not take: it must be empty (built once, not per request). */
const NOTHING = Joi.object({});

function validated<T>(part: string, schema: Joi.ObjectSchema<T> | undefined, value: unknown): T {
  // Text the database cannot hold (NUL, a lone surrogate) is refused here, for every field, so no
  // handler ever fails on it halfway (a pause that did not engage).
  const bad = unstorableTextAt(value);
  if (bad) {
    throw new ValidationError(`invalid ${part}`, [
      {
        field: [part, ...bad].join('.'),
        message: 'contains a NUL character or a lone UTF-16 surrogate, which cannot be stored',
      },
    ]);
  }
  // No schema: the part must be empty (an endpoint without query parameters refuses any).
  const result = (schema ?? (NOTHING as Joi.ObjectSchema<T>)).validate(value ?? {}, {
    abortEarly: false,
    convert: true,
    allowUnknown: false,
  });
  if (result.error) {
    throw new ValidationError(
      `invalid ${part}`,
      result.error.details.map((d) => ({ field: [part, ...d.path].join('.'), message: d.message })),
    );
  }
  return result.value;
}

/**
 * Declare an endpoint. Unknown query parameters and body fields are refused; query and path values
 * are converted (`limit=5` → 5). The same schemas produce the OpenAPI document.
 */
export function endpoint<Q = Record<string, never>, P = Record<string, never>, B = undefined>(
  spec: EndpointSpec<Q, P, B>,
): Endpoint {
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tag: spec.tag,
    query: spec.query,
    params: spec.params,
    body: spec.body,
    responses: spec.responses,
    rateLimit: spec.rateLimit,
    parse(ctx) {
      const query = validated('query', spec.query, ctx.query);
      const params = validated('params', spec.params, ctx.params);
      // A POST without a body schema takes none: an empty one or `{}` only.
      const body =
        spec.body || spec.method === 'post'
          ? validated('body', spec.body, (ctx.request as { body?: unknown }).body)
          : (undefined as B);
      return { query, params, body };
    },
    async handle(input) {
      return spec.handle(input as { query: Q; params: P; body: B });
    },
  };
}

/** Options of {@link mountEndpoints}. */
export interface MountOptions {
  /** Middleware per rate-limit class, run before the endpoint. */
  limits: Record<RateLimitClass, Koa.Middleware>;
  /**
   * Check every answer against its documented schema, as it goes on the wire (after JSON
   * serialisation); a mismatch is a bug and answers 500. On in tests, off in production.
   */
  enforceResponseSchemas: boolean;
  /** Serves GET answers; cleared by every successful POST. */
  cache: ResponseCache;
}

/** Mount endpoints on a router. */
export function mountEndpoints(router: Router, endpoints: readonly Endpoint[], options: MountOptions): void {
  const { cache } = options;
  for (const e of endpoints) {
    const answer = async (input: unknown): Promise<CachedReply> => {
      const reply = await e.handle(input);
      const status = reply.status ?? 200;
      if (options.enforceResponseSchemas) checkResponse(e, status, reply.body);
      return { status, headers: reply.headers, json: Buffer.from(JSON.stringify(reply.body)) };
    };
    const handler: Koa.Middleware = async (ctx) => {
      let reply: CachedReply;
      if (e.method === 'get' && cache.enabled) {
        // Keyed on the raw request: the same path and query string always validate the same way,
        // and an invalid one throws before anything is cached, so a hit needs no validation.
        reply = await cache.get(`${e.operationId} ${ctx.path}?${ctx.querystring}`, async () =>
          answer(e.parse(ctx)),
        );
      } else {
        reply = await answer(e.parse(ctx));
        if (e.method === 'post' && reply.status < 400) cache.clear();
      }
      ctx.status = reply.status;
      if (reply.headers) ctx.set(reply.headers);
      ctx.set('Content-Type', 'application/json; charset=utf-8');
      ctx.body = reply.json;
    };
    const stack = e.rateLimit ? [options.limits[e.rateLimit], handler] : [handler];
    if (e.method === 'get') router.get(e.operationId, e.path, ...stack);
    else router.post(e.operationId, e.path, ...stack);
  }
}

function checkResponse(e: Endpoint, status: number, body: unknown): void {
  const spec = e.responses[status];
  if (!spec?.schema)
    throw new Error(`${e.operationId} answered ${String(status)}, which it does not document`);
  const wire: unknown = JSON.parse(JSON.stringify(body));
  const { error } = spec.schema.validate(wire, { abortEarly: false, convert: false, presence: 'required' });
  if (error) throw new Error(`${e.operationId} answered a body off its schema: ${error.message}`);
}
