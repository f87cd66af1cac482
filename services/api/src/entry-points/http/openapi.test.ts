import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { SYMBOL_PATTERN } from '@trading/domain';
import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../testing/api-fixture.js';

const run = promisify(execFile);

describe('OpenAPI document', function () {
  this.timeout(60_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this);
  });
  after(async () => {
    await api?.close();
  });

  it('passes `redocly lint` (recommended rules) with no error and no warning', async () => {
    const doc = await (await fetch(`${api.url}/openapi.json`)).text();
    const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, doc);
      const { stdout } = await run(
        join(process.cwd(), 'node_modules/.bin/redocly'),
        ['lint', file, '--format', 'json'],
        {
          env: {
            ...process.env,
            NODE_V8_COVERAGE: '',
            REDOCLY_TELEMETRY: 'off',
            REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          },
        },
      );
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: unknown[];
      };
      expect(report.problems).to.deep.equal([]);
      expect(report.totals).to.include({ errors: 0, warnings: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('documents every status an operation can answer: 503 when a dependency is down, 405 nowhere needed', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses), `${method} ${path}`).to.include.members([
          '400',
          '401',
          '429',
          '500',
          '503',
        ]);
      }
    }
    const strategy = (await api.call('GET', '/api/v1/strategies')).body.data as { defaults: object }[];
    expect(Object.keys(strategy[0]?.defaults ?? {})).not.to.deep.equal([]);
    const list = doc.paths['/api/v1/strategies']?.get?.responses['200'] as {
      content: {
        'application/json': {
          schema: {
            properties: {
              data: { items: { properties: Record<string, { additionalProperties: unknown }> } };
            };
          };
        };
      };
    };
    const props = list.content['application/json'].schema.properties.data.items.properties;
    expect(props.defaults?.additionalProperties).to.not.equal(false);
  });

  it('describes request bodies with their constraints, from the same joi schemas that validate them', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const place = doc.paths['/api/v1/orders']?.post as {
      requestBody: {
        content: {
          'application/json': { schema: { properties: Record<string, unknown>; required: string[] } };
        };
      };
    };
    const schema = place.requestBody.content['application/json'].schema;
    expect(schema.required).to.include.members(['symbol', 'side']);
    expect(schema.properties.symbol).to.include({ type: 'string', pattern: SYMBOL_PATTERN.source });
    // limitPrice: > 0, required for a limit order and refused for a market one, as the document says.
    const limitPrice = new RegExp((schema.properties.limitPrice as { pattern: string }).pattern);
    expect(['0', '0.00', '00', '-1'].filter((v) => limitPrice.test(v))).to.deep.equal([]);
    expect(['1', '0.5', '100.25'].every((v) => limitPrice.test(v))).to.equal(true);
    expect((schema as unknown as { oneOf: unknown[] }).oneOf).to.deep.equal([
      {
        properties: { type: { enum: ['limit'] }, limitPrice: schema.properties.limitPrice },
        required: ['type', 'limitPrice'],
      },
      {
        properties: { type: { enum: ['market'] } },
        not: { properties: { limitPrice: schema.properties.limitPrice }, required: ['limitPrice'] },
      },
    ]);
    const list = doc.paths['/api/v1/signals']?.get as {
      parameters: { name: string; schema: Record<string, unknown> }[];
    };
    expect(list.parameters.find((p) => p.name === 'limit')?.schema).to.include({
      minimum: 1,
      maximum: 1000,
      default: 50,
    });
  });
});
