import { expect } from 'chai';

import { type ApiFixture, startApiFixture, TOKEN } from '../../testing/api-fixture.js';
import { rawRequest } from '../../testing/path-spellings.js';
import { hostName } from './cross-site-guard.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('cross-site guard: a web page cannot drive the tokenless local API', function () {
  this.timeout(30_000);
  let api: ApiFixture;
  let host: string;
  const paused = async () => (await api.repos.control.get()).paused;

  before(async function () {
    api = await startApiFixture(this, { API_AUTH_TOKEN: '', API_PUBLIC_HOSTS: 'desk.lan' });
    host = new URL(api.url).host;
  });
  after(async () => {
    await api?.close();
  });
  afterEach(async () => {
    await api.controls.resume('test');
  });

  it('refuses a no-cors or form POST (text/plain, form-encoded, none): 415, nothing paused or sold', async () => {
    for (const [type, body] of [
      ['text/plain', '{"reason":"x"}'],
      ['application/x-www-form-urlencoded', 'reason=x'],
      ['multipart/form-data; boundary=b', '--b--'],
      [undefined, undefined],
    ] as const) {
      const headers: Record<string, string> = type ? { 'Content-Type': type } : {};
      for (const path of [
        '/api/v1/control/pause',
        '/api/v1/positions/GOOG/close',
        '/api/v1/control/resume',
      ]) {
        const res = await rawRequest(api.url, 'POST', path, headers, body);
        expect(res.status, `${String(type)} ${path}`).to.equal(415);
        expect(JSON.parse(res.text)).to.have.nested.property('error.code', 'UNSUPPORTED_MEDIA_TYPE');
      }
    }
    expect(await paused()).to.equal(false);
    expect(api.alpaca.orders()).to.deep.equal([]);
  });

  it('refuses what a browser marks cross-origin (Origin or Sec-Fetch-Site) unless CORS_ORIGINS lists it', async () => {
    const refused: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { Origin: 'http://localhost:3001' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site', Origin: 'http://127.0.0.1:1' },
    ];
    for (const headers of refused) {
      for (const [method, path] of [
        ['POST', '/api/v1/control/pause'],
        ['GET', '/api/v1/summary'],
      ] as const) {
        const post = method === 'POST';
        const res = await rawRequest(
          api.url,
          method,
          path,
          post ? { ...JSON_TYPE, ...headers } : headers,
          post ? '{}' : undefined,
        );
        expect(res.status, `${method} ${JSON.stringify(headers)}`).to.equal(403);
        expect(JSON.parse(res.text)).to.have.nested.property('error.code', 'CROSS_ORIGIN_REFUSED');
      }
    }
    expect(await paused()).to.equal(false);
    // A listed origin, the API's own page, and a client that is no browser all pass.
    const passing: Record<string, string>[] = [
      { Origin: 'https://desk.example', 'Sec-Fetch-Site': 'cross-site' },
      { Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' },
      {},
    ];
    for (const headers of passing) {
      const res = await rawRequest(
        api.url,
        'POST',
        '/api/v1/control/pause',
        { ...JSON_TYPE, ...headers },
        '{}',
      );
      expect(res.status, JSON.stringify(headers)).to.equal(200);
    }
  });

  it('refuses a Host that is not loopback or in API_PUBLIC_HOSTS (DNS rebinding): 421, no data, no order', async () => {
    const port = new URL(api.url).port;
    for (const h of [`evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const read = await rawRequest(api.url, 'GET', '/api/v1/summary', { Host: h });
      expect(read.status, h).to.equal(421);
      expect(read.text).not.to.include('portfolio');
      const order = await rawRequest(
        api.url,
        'POST',
        '/api/v1/orders',
        { Host: h, Origin: `http://${h}`, ...JSON_TYPE },
        JSON.stringify({ symbol: 'GOOG', side: 'buy', qty: 1 }),
      );
      expect(order.status, h).to.equal(421);
    }
    expect(api.alpaca.orders()).to.deep.equal([]);
    for (const h of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `LOCALHOST:${port}`,
      'desk.lan',
    ]) {
      expect((await rawRequest(api.url, 'GET', '/api/v1/summary', { Host: h })).status, h).to.equal(200);
    }
  });

  it('takes a bodyless POST as application/json with no body or {}, and refuses fields it does not take', async () => {
    expect((await rawRequest(api.url, 'POST', '/api/v1/control/resume', JSON_TYPE)).status).to.equal(200);
    expect((await rawRequest(api.url, 'POST', '/api/v1/control/resume', JSON_TYPE, '{}')).status).to.equal(
      200,
    );
    const extra = await rawRequest(api.url, 'POST', '/api/v1/control/resume', JSON_TYPE, '{"force":true}');
    expect(extra.status).to.equal(400);
  });

  it('/openapi.json marks the operations that take no body, and documents 403, 415 and 421', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { 'x-takes-no-body'?: boolean; responses: Record<string, unknown> }>
      >;
    };
    const noBody = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [`${m} ${path}`, op] as const))
      .filter(([, op]) => op['x-takes-no-body'])
      .map(([name]) => name);
    expect(noBody).to.include.members([
      'post /api/v1/control/resume',
      'post /api/v1/positions/{symbol}/close',
      'post /api/v1/orders/{id}/cancel',
    ]);
    expect(noBody).not.to.include('post /api/v1/orders');
    const pause = doc.paths['/api/v1/control/pause']?.post;
    expect(Object.keys(pause?.responses ?? {})).to.include.members(['403', '415', '421']);
  });
});

describe('cross-site guard with a token', function () {
  this.timeout(30_000);
  let api: ApiFixture;
  before(async function () {
    api = await startApiFixture(this);
  });
  after(async () => {
    await api?.close();
  });

  it('answers under any Host (a page cannot have the token), still JSON only', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect(
      (await rawRequest(api.url, 'GET', '/api/v1/summary', { ...auth, Host: 'trading.example.com' })).status,
    ).to.equal(200);
    expect((await rawRequest(api.url, 'POST', '/api/v1/control/resume', auth)).status).to.equal(415);
  });

  it('hostName: the name of a Host header, ports and IPv6 brackets removed', () => {
    expect(hostName('LocalHost:8000')).to.equal('localhost');
    expect(hostName('[::1]:8000')).to.equal('::1');
    expect(hostName('[::1]')).to.equal('::1');
    expect(hostName('127.0.0.1')).to.equal('127.0.0.1');
  });
});
