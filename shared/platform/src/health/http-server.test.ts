import { request } from 'node:http';

import { expect } from 'chai';
import sinon from 'sinon';

import { listen } from './http-server.js';

/** A GET that resolves with the status, or with the error code when the connection is cut. */
async function get(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code ?? 'error');
    });
    req.end();
  });
}

describe('listen → close(drainMs)', () => {
  let release: () => void = () => undefined;
  let arrived: () => void = () => undefined;
  const handler = (_req: unknown, res: { end(body: string): void }) => {
    arrived();
    void new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => {
      res.end('done');
    });
  };

  it('stops accepting at once, lets the request in flight finish, then resolves', async () => {
    const server = await listen(handler, 0, '127.0.0.1');
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const answer = get(server.port);
    await inFlight;
    let closed = false;
    const closing = server.close(30_000).then(() => {
      closed = true;
    });
    expect(await get(server.port)).to.equal('ECONNREFUSED');
    expect(closed).to.equal(false);
    release();
    expect(await answer).to.equal(200);
    await closing;
    expect(closed).to.equal(true);
  });

  it('cuts a request still running when the drain time is up', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const server = await listen(handler, 0, '127.0.0.1');
      const inFlight = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const answer = get(server.port);
      await inFlight;
      const closing = server.close(30_000);
      await clock.tickAsync(29_999);
      await clock.tickAsync(1);
      await closing;
      expect(await answer).to.equal('ECONNRESET');
    } finally {
      clock.restore();
      release();
    }
  });
});
