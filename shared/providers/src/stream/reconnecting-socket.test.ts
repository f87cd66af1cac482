import { createMetrics } from '@trading/platform';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';
import { WebSocketServer } from 'ws';

import { ReconnectingSocket } from './reconnecting-socket.js';

/** A local WebSocket server whose every connection `onConnection` scripts; counts connections. */
async function scriptedServer(onConnection: (send: (m: unknown) => void, close: () => void) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  let connections = 0;
  server.on('connection', (ws) => {
    connections++;
    onConnection(
      (m) => ws.send(JSON.stringify(m)),
      () => ws.terminate(),
    );
  });
  return {
    url: `ws://127.0.0.1:${String((server.address() as { port: number }).port)}`,
    get connections() {
      return connections;
    },
    async close() {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ReconnectingSocket against scripted servers', function () {
  this.timeout(20_000);

  it('a server that opens and answers pings but never greets: cut after the ready timeout and retried', async () => {
    const server = await scriptedServer(() => undefined);
    const { logger, lines } = captureLogger([], 'warn');
    const socket = new ReconnectingSocket({
      name: 'market-data',
      url: server.url,
      policy: { initialDelayMs: 20, maxDelayMs: 50, heartbeatMs: 50, readyTimeoutMs: 150 },
      logger,
    });
    socket.start({ onOpen: () => undefined, onMessage: () => undefined, onClose: () => undefined });
    try {
      await sleep(1000);
      expect(socket.live).to.equal(false);
      expect(server.connections).to.be.at.least(3);
      expect(lines.join('\n')).to.include('stream not ready in time: reconnecting');
    } finally {
      await socket.close();
      await server.close();
    }
  });

  it('a server that drops every connection right after it is live: the backoff keeps growing (no reset until stable)', async () => {
    const server = await scriptedServer((send, close) => {
      send({ T: 'live' });
      setTimeout(close, 5);
    });
    const metrics = createMetrics('socket-test');
    const socket = new ReconnectingSocket({
      name: 'market-data',
      url: server.url,
      policy: { initialDelayMs: 40, maxDelayMs: 5000, heartbeatMs: 1000, stableMs: 10_000, random: () => 1 },
      logger: captureLogger([], 'error').logger,
      metrics,
    });
    socket.start({
      onOpen: () => undefined,
      onMessage: () => socket.markLive(),
      onClose: () => undefined,
    });
    try {
      await sleep(2000);
      // Delays 40, 80, 160, 320, 640, 1280 ms: about six connections in two seconds, not fifty.
      expect(server.connections).to.be.at.most(8);
      expect(server.connections).to.be.at.least(3);
    } finally {
      await socket.close();
      await server.close();
    }
  });
});
