import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import { type HttpServer, listen } from '@trading/platform';
import type Koa from 'koa';

import type { FaultInjector } from './fault-injector.js';

/** A running local provider. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly faults: FaultInjector;
  /** TCP connections accepted so far (proves a client reuses its pool). */
  readonly connections: number;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Handles an HTTP upgrade (a WebSocket handshake) on the server's port. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Serve a provider app on loopback (port 0 picks a free one), counting connections and requests;
 * `onUpgrade` takes the WebSocket handshakes (a provider's streams share its port).
 */
export async function serveLocal(
  app: Koa,
  faults: FaultInjector,
  port = 0,
  onUpgrade?: UpgradeHandler,
): Promise<LocalServer> {
  let requests = 0;
  app.middleware.unshift(async (_ctx, next) => {
    requests++;
    await next();
  });
  const http: HttpServer = await listen(app.callback(), port, '127.0.0.1');
  if (onUpgrade) http.server.on('upgrade', onUpgrade);
  let connections = 0;
  const sockets = new Set<Socket>();
  http.server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    url: `http://127.0.0.1:${http.port}`,
    port: http.port,
    faults,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    async close() {
      faults.clear();
      for (const socket of sockets) socket.destroy();
      await http.close();
    },
  };
}
