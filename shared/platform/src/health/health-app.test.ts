import type { Server } from 'node:http';

import { expect } from 'chai';

import { createMetrics } from '../metrics/metrics.js';
import { createHealthApp } from './health-app.js';
import { listen } from './http-server.js';

async function get(
  port: number,
  path: string,
): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

describe('createHealthApp', () => {
  const metrics = createMetrics('worker');
  let healthy = true;
  let stopping = false;
  const app = createHealthApp({
    metrics,
    isStopping: () => stopping,
    checkTimeoutMs: 200,
    checks: {
      db: async () =>
        healthy
          ? 1
          : Promise.reject(Object.assign(new Error('postgres://u:pw@h/db down'), { code: 'ECONNREFUSED' })),
      redis: async () => 'PONG',
    },
  });
  let server: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    server = await listen(app.callback(), 0, '127.0.0.1');
  });
  after(async () => server.close());
  afterEach(() => {
    healthy = true;
    stopping = false;
  });

  it('answers 200 when every dependency answers', async () => {
    const res = await get(server.port, '/health');
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.body)).to.deep.equal({ status: 'ok', checks: { db: 'ok', redis: 'ok' } });
  });

  it('answers 503 naming the dependency that failed, without its message', async () => {
    healthy = false;
    const res = await get(server.port, '/health');
    expect(res.status).to.equal(503);
    expect(JSON.parse(res.body)).to.deep.equal({
      status: 'unavailable',
      failed: 'db',
      checks: { db: 'failed: ECONNREFUSED', redis: 'ok' },
    });
    expect(res.body).not.to.include('pw');
  });

  it('answers 503 when a probe hangs past its deadline', async () => {
    const hanging = createHealthApp({
      metrics,
      checkTimeoutMs: 50,
      checks: { redis: async () => new Promise(() => undefined) },
    });
    const srv = await listen(hanging.callback(), 0, '127.0.0.1');
    const res = await get(srv.port, '/health');
    await srv.close();
    expect(res.status).to.equal(503);
    expect(JSON.parse(res.body)).to.include({ failed: 'redis' });
  });

  it('answers 503 while the service shuts down', async () => {
    stopping = true;
    expect((await get(server.port, '/health')).status).to.equal(503);
  });

  it('serves the registry at /metrics in the Prometheus text format', async () => {
    const res = await get(server.port, '/metrics');
    expect(res.status).to.equal(200);
    expect(res.type).to.include('text/plain');
    expect(res.body).to.include('service_up{service="worker"}');
  });

  it('answers 404 off its two paths and 405 with Allow to other methods, in the JSON error shape', async () => {
    const missing = await get(server.port, '/healthz');
    expect(missing.status).to.equal(404);
    expect(JSON.parse(missing.body)).to.deep.equal({ error: { code: 'NOT_FOUND', message: 'not found' } });
    const posted = await fetch(`http://127.0.0.1:${server.port}/health`, { method: 'POST' });
    expect(posted.status).to.equal(405);
    expect(posted.headers.get('allow')).to.equal('GET, HEAD');
    expect(((await posted.json()) as { error: { code: string } }).error.code).to.equal('METHOD_NOT_ALLOWED');
    expect((await get(server.port, '/health?verbose=1')).status).to.equal(200);
  });

  it('closes with in-flight requests finished, and refuses new ones after', async () => {
    const srv = await listen(app.callback(), 0, '127.0.0.1');
    const inflight = get(srv.port, '/health');
    await new Promise((r) => setTimeout(r, 5));
    await srv.close();
    expect((await inflight).status).to.equal(200);
    const err = await fetch(`http://127.0.0.1:${srv.port}/health`).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect(srv.server.listening).to.equal(false);
  });
});
