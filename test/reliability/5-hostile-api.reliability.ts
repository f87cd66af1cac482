// The hostile phase at the HTTP edge: (a) every route under every spelling of its path with no
// token, a wrong one and one in the wrong case: 401/404/405, never data, never an order; (b)
// property-based requests generated from /openapi.json with fast-check: valid input is accepted
// (never a 400), invalid input is refused with a documented 400, every answer matches its schema
// (the fixture checks each one; a mismatch would be a 500), never a 5xx.
import { expect } from 'chai';
import fc from 'fast-check';

import { type ApiFixture, startApiFixture } from '../../services/api/src/testing/api-fixture.js';
import { rawRequest, spellings } from '../../services/api/src/testing/path-spellings.js';
import { CANARIES, closeKeepingOutput, keepEmitted, printTable, record } from './report.js';

interface Schema {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  format?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  not?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query'; required: boolean; schema: Schema }[];
  body?: Schema;
  responses: Record<string, unknown>;
}

/** Strings matching a pattern: fast-check's own generator, or (for what it cannot read) decimals filtered by it. */
function matching(pattern: string): fc.Arbitrary<string> {
  const regex = new RegExp(pattern);
  try {
    return fc.stringMatching(regex);
  } catch {
    return fc
      .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 9999 }), fc.boolean())
      .map(([int, frac, withFrac]) => (withFrac ? `${String(int)}.${String(frac)}` : String(int)))
      .filter((s) => regex.test(s));
  }
}

/** A valid value of a schema. */
function valid(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'integer')
    return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1_000_000, 1_000_000) });
  if (schema.type === 'number')
    return fc.double({
      min: schema.minimum ?? 0,
      max: schema.maximum ?? 1e6,
      minExcluded: schema.exclusiveMinimum === true,
      noNaN: true,
      noDefaultInfinity: true,
    });
  if (schema.type === 'boolean') return fc.boolean();
  if (schema.type === 'object') return schema.properties ? validBody(schema) : fc.constant({});
  if (schema.format === 'date-time' || schema.format === 'date')
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2030-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.pattern) return matching(schema.pattern);
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
}

/** A value a schema refuses: the wrong type, out of range, off the pattern or off the list. */
function invalid(schema: Schema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.constant([1])];
  if (schema.type === 'object') {
    options.push(fc.constant('x'), fc.constant(1));
    if (schema.properties) options.push(fc.constant({ unknownKey: 1 }));
  } else if (schema.type === 'integer' || schema.type === 'number') {
    options.push(fc.constant('x'), fc.constant({}));
    if (schema.type === 'integer') options.push(fc.constant(1.5));
    if (schema.minimum !== undefined)
      options.push(fc.integer({ min: -1e9, max: Math.ceil(schema.minimum) - 1 }));
    if (schema.maximum !== undefined)
      options.push(fc.integer({ min: Math.floor(schema.maximum) + 1, max: 1e12 }));
  } else if (schema.type === 'boolean') {
    options.push(fc.constant('x'), fc.constant(1));
  } else {
    options.push(fc.constant(12345), fc.constant(true), fc.constant({}));
    if (schema.enum) options.push(fc.constant('not-on-the-list'));
    if (schema.pattern) {
      const regex = new RegExp(schema.pattern);
      options.push(fc.string({ maxLength: 12 }).filter((s) => !regex.test(s)));
    }
    if (schema.format === 'date-time') options.push(fc.constantFrom('yesterday', '2024-13-45'));
  }
  return fc.oneof(...options);
}

/** Text a query or path parameter refuses (everything there is text, so a number is no wrong type). */
function invalidText(schema: Schema): fc.Arbitrary<string> {
  if (schema.type === 'integer') {
    const options: fc.Arbitrary<string>[] = [fc.constantFrom('1.5', 'x', '', 'NaN', '1,000')];
    if (schema.minimum !== undefined)
      options.push(fc.integer({ min: -1e9, max: schema.minimum - 1 }).map(String));
    if (schema.maximum !== undefined)
      options.push(fc.integer({ min: schema.maximum + 1, max: 1e12 }).map(String));
    return fc.oneof(...options);
  }
  const regex = schema.pattern ? new RegExp(schema.pattern) : undefined;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
  return fc
    .oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'a'.repeat(70), 'goog', '42', 'not-on-the-list'))
    .filter(
      (v) =>
        (regex !== undefined && !regex.test(v)) ||
        (schema.enum !== undefined && !schema.enum.includes(v)) ||
        (schema.format === 'uuid' && !uuid.test(v)),
    );
}

/** A body that satisfies the schema, its conditional presence (`oneOf`) included. */
function validBody(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(props).map(([k, s]) =>
    required.has(k)
      ? valid(s).map((v) => [k, v] as const)
      : fc.option(valid(s), { nil: undefined }).map((v) => [k, v] as const),
  );
  const bodies = fc.tuple(...entries).map((pairs) => {
    const body = Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, unknown>;
    // The one rule across fields the document cannot state (OpenAPI 3.0): a range starts before it ends.
    const { from, to } = body;
    if (typeof from === 'string' && typeof to === 'string' && from >= to) {
      body.from = to < from ? to : '1999-01-01T00:00:00.000Z';
      body.to = from;
    }
    return body;
  });
  const branches = schema.oneOf;
  if (!branches) return bodies;
  // Pick a branch, then make the body obey it: set the sibling's value, add or drop the key.
  return fc.tuple(bodies, fc.integer({ min: 0, max: branches.length - 1 })).chain(([body, i]) => {
    const branch = branches[i] ?? {};
    const [sibling, siblingSchema] = Object.entries(branch.properties ?? {}).find(([, s]) => s.enum) ?? [];
    const must = (branch.required ?? []).filter((k) => k !== sibling);
    const mustNot = branch.not?.required ?? [];
    return fc.constantFrom(...(siblingSchema?.enum ?? [undefined])).chain((value) =>
      fc.tuple(...must.map((k) => valid(props[k] ?? {}))).map((values) => {
        const kept = Object.entries(body).filter(([k]) => !mustNot.includes(k));
        const out: Record<string, unknown> = Object.fromEntries(kept);
        if (sibling) out[sibling] = value;
        must.forEach((k, j) => (out[k] = values[j]));
        return out;
      }),
    );
  });
}

function fill(path: string, values: Record<string, unknown>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])));
}

/** The path with one query parameter set (replacing any value it had). */
function withQuery(path: string, name: string, value: string): string {
  const url = new URL(path, 'http://api.test');
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/** A request: the operation, its path with parameters, query string and body, and whether it should be valid. */
interface Generated {
  op: Operation;
  path: string;
  body?: string;
  valid: boolean;
  what: string;
}

function requests(op: Operation): fc.Arbitrary<Generated> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const params = fc.tuple(...pathParams.map((p) => valid(p.schema)));
  const query = fc.tuple(...queryParams.map((p) => fc.option(valid(p.schema), { nil: undefined })));
  const body = op.body ? validBody(op.body) : fc.constant(undefined);
  const good = fc.tuple(params, query, body).map(([p, q, b]) => {
    const path = fill(op.path, Object.fromEntries(pathParams.map((x, i) => [x.name, p[i]])));
    const qs = queryParams
      .map((x, i) =>
        q[i] === undefined
          ? ''
          : `${x.name}=${encodeURIComponent(typeof q[i] === 'string' ? q[i] : JSON.stringify(q[i]))}`,
      )
      .filter(Boolean)
      .join('&');
    return {
      op,
      path: qs ? `${path}?${qs}` : path,
      body: b === undefined ? undefined : JSON.stringify(b),
      valid: true,
      what: 'valid',
    };
  });
  // One part broken: a path parameter, a query parameter, a body field, or an unknown field.
  const breakers: fc.Arbitrary<(g: Generated) => Generated>[] = [];
  for (const p of pathParams)
    breakers.push(
      invalidText(p.schema).map((v) => (g: Generated) => ({
        ...g,
        path: g.path.replace(
          /^(\/api\/v1\/[^/?]+\/)[^/?]+/,
          (_, head: string) => `${head}${encodeURIComponent(v) || '%20'}`,
        ),
        valid: false,
        what: `path ${p.name}`,
      })),
    );
  for (const p of queryParams)
    breakers.push(
      invalidText(p.schema).map((v) => (g: Generated) => ({
        ...g,
        path: withQuery(g.path, p.name, v),
        valid: false,
        what: `query ${p.name}`,
      })),
    );
  if (op.body) {
    for (const [k, s] of Object.entries(op.body.properties ?? {}))
      breakers.push(
        invalid(s).map((v) => (g: Generated) => ({
          ...g,
          body: JSON.stringify({ ...(JSON.parse(g.body ?? '{}') as object), [k]: v }),
          valid: false,
          what: `body ${k}`,
        })),
      );
    breakers.push(
      fc.constant((g: Generated) => ({
        ...g,
        body: JSON.stringify({ ...(JSON.parse(g.body ?? '{}') as object), leverage: 10 }),
        valid: false,
        what: 'unknown body field',
      })),
    );
  }
  breakers.push(
    fc.constant((g: Generated) => ({
      ...g,
      path: `${g.path}${g.path.includes('?') ? '&' : '?'}color=red`,
      valid: false,
      what: 'unknown query parameter',
    })),
  );
  return fc.oneof(
    { weight: 1, arbitrary: good },
    { weight: 1, arbitrary: fc.tuple(good, fc.oneof(...breakers)).map(([g, breakIt]) => breakIt(g)) },
  );
}

describe('reliability: hostile requests (every route × spelling × token; property-based from /openapi.json)', function () {
  this.timeout(600_000);
  let api: ApiFixture;
  let ops: Operation[];
  const auth = { Authorization: `Bearer ${CANARIES.API_AUTH_TOKEN}` };

  before(async function () {
    api = await startApiFixture(this, { API_AUTH_TOKEN: CANARIES.API_AUTH_TOKEN });
    for (const [symbol, price] of [
      ['GOOG', '100'],
      ['AAPL', '150'],
      ['MSFT', '300'],
    ] as const)
      api.alpaca.setPrice(symbol, price);
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []) as Operation['parameters'],
        body: (op.requestBody as { content: Record<string, { schema: Schema }> } | undefined)?.content[
          'application/json'
        ]?.schema,
        responses: op.responses as Record<string, unknown>,
      })),
    );
  });
  after(async () => {
    await closeKeepingOutput(api);
  });

  it('(a) every route × every spelling × no, wrong or wrong-case token: 401, 404 or 405, never data, never an order', async () => {
    const tokens: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: `Bearer ${CANARIES.API_AUTH_TOKEN.toUpperCase()}` },
      { Authorization: `Basic ${CANARIES.API_AUTH_TOKEN}` },
    ];
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let total = 0;
    for (const op of ops) {
      const path = fill(op.path, { id: '00000000-0000-4000-8000-000000000000', symbol: 'GOOG' });
      for (const spelled of [path, ...spellings(path)]) {
        for (const headers of tokens) {
          const post = op.method === 'POST';
          const res = await rawRequest(
            api.url,
            op.method,
            spelled,
            post ? { ...headers, 'Content-Type': 'application/json' } : headers,
            post ? JSON.stringify({ symbol: 'GOOG', side: 'buy', qty: 1 }) : undefined,
          );
          total++;
          keepEmitted('apiAnswers', res.text);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (![401, 404, 405].includes(res.status))
            problems.push(`${op.method} ${spelled} → ${String(res.status)}`);
        }
      }
    }
    const byStatus = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    printTable('Hostile: route × spelling × token', [
      {
        requests: total,
        routes: ops.length,
        statuses: JSON.stringify(byStatus),
        'answered with data': problems.length,
      },
    ]);
    record('hostileSpellings', {
      requests: total,
      routes: ops.length,
      statuses: byStatus,
      withData: problems.length,
    });
    expect(problems.slice(0, 10)).to.deep.equal([]);
    expect(api.alpaca.orders()).to.deep.equal([]);
  });

  it('(b) ≥ 5,000 property-based requests from /openapi.json: valid accepted, invalid refused with a documented 400, answers on their schema, no 5xx', async () => {
    const perOp = Math.ceil(5200 / ops.length);
    const counts = { valid: 0, invalid: 0 };
    const statuses = new Map<number, number>();
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requests(op), async (req) => {
          const post = op.method === 'POST';
          const res = await fetch(`${api.url}${req.path}`, {
            method: op.method,
            headers: post ? { ...auth, 'Content-Type': 'application/json' } : auth,
            body: post ? (req.body ?? '{}') : undefined,
          });
          const text = await res.text();
          keepEmitted('apiAnswers', text);
          counts[req.valid ? 'valid' : 'invalid']++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const where = `${op.method} ${req.path} ${req.body ?? ''} (${req.what}) → ${String(res.status)} ${text.slice(0, 200)}`;
          expect(res.status, where).to.be.below(500);
          expect(Object.keys(op.responses), where).to.include(String(res.status));
          if (req.valid) expect(res.status, where).not.to.equal(400);
          else expect(res.status, where).to.equal(400);
          if (res.status >= 400) expect(JSON.parse(text), where).to.have.nested.property('error.code');
        }),
        { numRuns: perOp, seed: 20261128, endOnFailure: true },
      );
    }
    const total = counts.valid + counts.invalid;
    const byStatus = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    printTable('Hostile: property-based requests', [
      {
        requests: total,
        valid: counts.valid,
        invalid: counts.invalid,
        statuses: JSON.stringify(byStatus),
        fatals: api.fatals.length,
      },
    ]);
    record('hostileProperties', {
      requests: total,
      ...counts,
      statuses: byStatus,
      fatals: api.fatals.length,
    });
    expect(total).to.be.at.least(5000);
    expect(api.fatals).to.deep.equal([]);
    // Whatever was placed, every position at the broker stayed inside the cap at the broker's price.
    const prices: Record<string, number> = { GOOG: 100, AAPL: 150, MSFT: 300 };
    for (const [symbol, p] of api.alpaca.exportState().positions) {
      const notional = (Number(p.qty) / 1e6) * (prices[symbol] ?? Number.POSITIVE_INFINITY);
      expect(notional, symbol).to.be.at.most(10_000);
    }
  });
});
