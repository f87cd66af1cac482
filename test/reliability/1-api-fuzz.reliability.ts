// Fuzzing the API from its own OpenAPI document: thousands of malformed and edge-case requests
// against the real app (PostgreSQL, Redis, local Alpaca): never a 5xx, always a documented status
// with the JSON error shape, and memory that stays where it was.
import { mulberry32 } from '@trading/simulator';
import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../services/api/src/testing/api-fixture.js';
import { CANARIES, closeKeepingOutput, keepEmitted, percentile, printTable, record } from './report.js';

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query'; schema: Record<string, unknown> }[];
  body?: { properties: Record<string, Record<string, unknown>>; required?: string[] };
  responses: Record<string, unknown>;
}

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  op: Operation;
}

/** Values that break naive handlers: types, bounds, encodings, sizes. */
const NASTY: string[] = [
  '',
  ' ',
  '0',
  '-1',
  '-0',
  '1.5',
  '1e308',
  '-1e308',
  '99999999999999999999999999',
  'NaN',
  'Infinity',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '%',
  '%00',
  '\u0000',
  'ünïcødé',
  '😀',
  '\u202e',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  // eslint-disable-next-line no-template-curly-in-string -- a template-injection probe, on purpose.
  '${7*7}',
  'a'.repeat(300),
  'A'.repeat(5000),
  'GOOG',
  'goog',
  '00000000-0000-4000-8000-000000000000',
  '00000000-0000-0000-0000-00000000000g',
];

const JSON_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'x',
  'ü'.repeat(1000),
  '😀',
  [],
  [1, 2],
  {},
  { nested: { deeper: [null] } },
  'a'.repeat(70_000),
];

const TOKEN_HEADERS: Record<string, string>[] = [
  {},
  { Authorization: 'Bearer' },
  { Authorization: 'Bearer ' },
  { Authorization: 'Bearer wrong' },
  { Authorization: `Bearer ${'x'.repeat(20_000)}` },
  { Authorization: 'Basic dXNlcjpwYXNz' },
  { Authorization: `bearer  ${CANARIES.API_AUTH_TOKEN}` },
  { Authorization: `Bearer ${CANARIES.API_AUTH_TOKEN}x` },
  { Authorization: `Bearer ${CANARIES.API_AUTH_TOKEN.slice(0, -1)}` },
];

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

/** Every case the document suggests, then random combinations up to `total`. */
function generateCases(ops: Operation[], total: number, auth: Record<string, string>): Case[] {
  const cases: Case[] = [];
  const random = mulberry32(20261125);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const valid: Record<string, string> = { id: '00000000-0000-4000-8000-000000000000', symbol: 'GOOG' };
  const json = { ...auth, 'Content-Type': 'application/json' };
  for (const op of ops) {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const query = op.parameters.filter((p) => p.in === 'query');
    // Path parameters, one at a time.
    for (const p of pathParams)
      for (const v of NASTY)
        cases.push({ method: op.method, path: fill(op.path, { ...valid, [p.name]: v }), headers: auth, op });
    // Query parameters, one at a time, plus unknown and repeated ones.
    for (const q of query)
      for (const v of NASTY)
        cases.push({
          method: op.method,
          path: `${fill(op.path, valid)}?${q.name}=${encodeURIComponent(v)}`,
          headers: auth,
          op,
        });
    for (const extra of ['color=red', 'limit=1&limit=2', '__proto__=1', 'constructor[prototype]=1', '%ZZ=1'])
      cases.push({ method: op.method, path: `${fill(op.path, valid)}?${extra}`, headers: auth, op });
    // Tokens.
    for (const headers of TOKEN_HEADERS)
      cases.push({ method: op.method, path: fill(op.path, valid), headers, op });
    if (op.method !== 'post') continue;
    // Bodies: not JSON, JSON of the wrong type, fields missing, extra, and of every wrong type.
    const base = () =>
      Object.fromEntries((op.body?.required ?? []).map((k) => [k, k === 'symbol' ? 'GOOG' : 'x']));
    const raw = [
      '',
      'not json',
      '{',
      '{"a":',
      '[',
      'null',
      '1',
      '"s"',
      '[]',
      '{}',
      '\u0000',
      `{"x":"${'y'.repeat(80_000)}"}`,
    ];
    for (const body of raw)
      cases.push({ method: 'post', path: fill(op.path, valid), headers: json, body, op });
    cases.push({
      method: 'post',
      path: fill(op.path, valid),
      headers: { ...auth, 'Content-Type': 'text/plain' },
      body: '{}',
      op,
    });
    cases.push({
      method: 'post',
      path: fill(op.path, valid),
      headers: { ...auth, 'Content-Type': 'application/xml' },
      body: '<a/>',
      op,
    });
    for (const field of Object.keys(op.body?.properties ?? {})) {
      for (const value of JSON_VALUES) {
        cases.push({
          method: 'post',
          path: fill(op.path, valid),
          headers: json,
          body: JSON.stringify({ ...base(), [field]: value }),
          op,
        });
      }
      const without = Object.fromEntries(Object.entries(base()).filter(([k]) => k !== field));
      cases.push({
        method: 'post',
        path: fill(op.path, valid),
        headers: json,
        body: JSON.stringify(without),
        op,
      });
    }
    cases.push({
      method: 'post',
      path: fill(op.path, valid),
      headers: json,
      body: JSON.stringify({ ...base(), extra: 1 }),
      op,
    });
  }
  // Odd paths and methods.
  for (const path of [
    '/api/v1',
    '/api/v1/',
    '/api/v2/signals',
    '/api/v1/signals/',
    '/api/v1//signals',
    '/api/v1/%2e%2e/health',
    '/%00',
    `/${'a'.repeat(10_000)}`,
  ])
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])
      cases.push({ method, path, headers: auth, op: { method: 'get', path, parameters: [], responses: {} } });
  // Random combinations until there are enough.
  while (cases.length < total) {
    const op = pick(ops);
    const params: Record<string, string> = { ...valid };
    for (const p of op.parameters.filter((x) => x.in === 'path')) params[p.name] = pick(NASTY);
    const query = op.parameters
      .filter((p) => p.in === 'query' && random() < 0.6)
      .map((p) => `${p.name}=${encodeURIComponent(pick(NASTY))}`)
      .join('&');
    const body =
      op.method === 'post'
        ? JSON.stringify(
            Object.fromEntries(
              Object.keys(op.body?.properties ?? {})
                .filter(() => random() < 0.7)
                .map((k) => [k, pick(JSON_VALUES)]),
            ),
          )
        : undefined;
    cases.push({
      method: op.method,
      path: `${fill(op.path, params)}${query ? `?${query}` : ''}`,
      headers: random() < 0.1 ? pick(TOKEN_HEADERS) : body ? json : auth,
      body,
      op,
    });
  }
  return cases;
}

// Answers any endpoint may give: bad input, auth, routing, size, media type, rate, header size.
const GENERIC = new Set([400, 401, 404, 405, 413, 415, 429, 431]);

describe('reliability: API fuzzing from the OpenAPI document', function () {
  this.timeout(300_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this, {
      API_AUTH_TOKEN: CANARIES.API_AUTH_TOKEN,
      FINNHUB_API_KEY: CANARIES.FINNHUB_API_KEY,
      ANTHROPIC_API_KEY: CANARIES.ANTHROPIC_API_KEY,
    });
  });
  after(async () => {
    await closeKeepingOutput(api);
  });

  it('answers ≥ 5,000 malformed and edge-case requests with documented 4xx JSON errors, never a 5xx, memory steady', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const ops: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const body = (
          op.requestBody as { content: Record<string, { schema: Operation['body'] }> } | undefined
        )?.content['application/json']?.schema;
        return {
          method,
          path,
          parameters: (op.parameters ?? []) as Operation['parameters'],
          body,
          responses: op.responses as Record<string, unknown>,
        };
      }),
    );
    const cases = generateCases(ops, 5200, { Authorization: `Bearer ${CANARIES.API_AUTH_TOKEN}` });
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const started = performance.now();
        const res = await fetch(`${api.url}${c.path}`, {
          method: c.method,
          headers: c.headers,
          body: c.body,
        });
        const text = await res.text();
        latencies.push(performance.now() - started);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        keepEmitted('apiAnswers', text);
        const documented = Object.keys(c.op.responses).map(Number);
        const where = `${c.method} ${c.path.slice(0, 80)} → ${String(res.status)}`;
        if (res.status >= 500) problems.push(`${where}: ${text.slice(0, 200)}`);
        else if (res.status >= 400) {
          if (!documented.includes(res.status) && !GENERIC.has(res.status))
            problems.push(`${where}: undocumented`);
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
          if (typeof error?.code !== 'string' || typeof error.message !== 'string')
            problems.push(`${where}: not the error shape: ${text.slice(0, 120)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    const growthMb = (heapAfter - heapBefore) / 1_048_576;
    const byStatus = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    printTable('API fuzzing', [
      {
        requests: cases.length,
        '5xx': [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0),
        problems: problems.length,
        statuses: Object.entries(byStatus)
          .map(([s, n]) => `${s}:${String(n)}`)
          .join(' '),
        'p50 ms': percentile(latencies, 0.5).toFixed(1),
        'p99 ms': percentile(latencies, 0.99).toFixed(1),
        'heap growth MB': growthMb.toFixed(1),
      },
    ]);
    record('apiFuzz', {
      requests: cases.length,
      statuses: byStatus,
      problems: problems.length,
      p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
      p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
      heapGrowthMb: Number(growthMb.toFixed(1)),
    });
    expect(problems.slice(0, 20)).to.deep.equal([]);
    expect(cases.length).to.be.at.least(5000);
    expect(growthMb, 'heap growth over the run (MB)').to.be.below(30);
  });
});
