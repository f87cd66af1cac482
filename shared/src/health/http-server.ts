import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening HTTP server that can be closed, draining in-flight requests. */
export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  /** Stop accepting, let in-flight requests finish, then resolve. Idle keep-alive sockets are dropped. */
  close(): Promise<void>;
}

/** A request handler such as Koa's `app.callback()`; it answers errors itself. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Listen on `port` (0 picks a free one) and resolve once listening. */
export async function listen(handler: RequestHandler, port: number, host = '0.0.0.0'): Promise<HttpServer> {
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
