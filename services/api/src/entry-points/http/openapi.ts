import type Joi from 'joi';

import { errorBody } from './api-schemas.js';
import type { Endpoint } from './endpoint.js';
import { toJsonSchema } from './to-json-schema.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: Joi.Schema): JsonSchema => toJsonSchema(schema, 'open-api');

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR_REF } },
});

function parameters(e: Endpoint): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', e.params],
    ['query', e.query],
  ] as const) {
    if (!schema) continue;
    const object = toSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

function operation(e: Endpoint): JsonSchema {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(e.responses)) {
    responses[status] = spec.schema
      ? { description: spec.description, content: { 'application/json': { schema: toSchema(spec.schema) } } }
      : errorResponse(spec.description);
  }
  responses['400'] ??= errorResponse('Invalid input: every bad field is listed in `details`');
  responses['401'] = errorResponse('Missing or wrong bearer token');
  responses['403'] ??= errorResponse(
    'Cross-origin request from an origin not in CORS_ORIGINS (Origin / Sec-Fetch-Site)',
  );
  if (e.method === 'post')
    responses['415'] = errorResponse('Not sent as application/json (bodyless requests too)');
  responses['421'] = errorResponse('Host not loopback and not in API_PUBLIC_HOSTS');
  responses['429'] = {
    ...errorResponse('Rate limit exceeded'),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
  };
  responses['431'] = errorResponse('Request headers too large (over 16 KB)');
  responses['500'] = errorResponse('Internal error (logged and alerted; no detail is given)');
  responses['503'] ??= errorResponse(
    'A dependency (the database, the broker, Alpaca) is unavailable or its circuit is open; try again',
  );
  return {
    operationId: e.operationId,
    summary: e.summary,
    tags: [e.tag],
    parameters: parameters(e),
    ...(e.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(e.body) } } } }
      : e.method === 'post'
        ? { requestBody: NO_BODY, 'x-takes-no-body': true }
        : {}),
    responses,
  };
}

/** A POST that takes no body: none, or `{}`, still sent as application/json (see the cross-site guard). */
const NO_BODY = {
  required: false,
  description: 'Takes no body: send none or {}, with Content-Type: application/json',
  content: {
    'application/json': { schema: { type: 'object', additionalProperties: false, maxProperties: 0 } },
  },
};

const TAGS: Record<string, string> = {
  dashboard: 'What the dashboard shows first',
  signals: 'Buy and sell signals of the strategies',
  orders: 'Orders and their fills; manual orders pass the risk checks',
  portfolio: 'Positions, the latest snapshot and its history',
  selection: "The stock selector's ranking",
  strategies: 'Strategies and their parameters',
  backtests: 'Backtests queued to the backtester',
  market: 'Market data for charts',
};

/** Document metadata. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/**
 * The OpenAPI 3.0 document of the API, generated from the endpoints' own joi schemas (the ones
 * that validate requests and, in tests, responses), so the document cannot drift from the code.
 * `/health` and `/metrics` are operations endpoints for probes and Prometheus, not part of it.
 */
export function openApiDocument(endpoints: readonly Endpoint[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const path = `/api/v1${e.path.replace(/:(\w+)/g, '{$1}')}`;
    paths[path] = { ...paths[path], [e.method]: operation(e) };
  }
  const tags = [...new Set(endpoints.map((e) => e.tag))].map((name) => ({
    name,
    description: TAGS[name] ?? name,
  }));
  return {
    openapi: '3.0.3',
    info: { ...info, license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' } },
    servers: [{ url: '/', description: 'This API' }],
    security: [{ bearerAuth: [] }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'API_AUTH_TOKEN; not required when the API runs in dev mode (no token set)',
        },
      },
      schemas: { Error: toSchema(errorBody) },
    },
  };
}
