import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening HTTP server that can be closed, draining in-flight requests. */
export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  /**
   * Stop accepting, let in-flight requests finish, then resolve. Idle keep-alive sockets are
   * dropped at once; connections still busy after `drainMs` (default: no limit) are cut.
   */
  close(drainMs?: number): Promise<void>;
}

/** A request handler such as Koa's `app.callback()`; it answers errors itself. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Listen on `port` (0 picks a free one) and resolve once listening. */
export async function listen(handler: RequestHandler, port: number, host = '0.0.0.0'): Promise<HttpServer> {
  let draining = false;
  const server = createServer((req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    // A keep-alive connection whose last request ends while draining would hold close() open
    // until its idle timeout: drop it as soon as it is idle.
    res.on('finish', () => {
      if (draining)
        setImmediate(() => {
          server.closeIdleConnections();
        });
    });
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
    async close(drainMs?: number) {
      draining = true;
      closing ??= new Promise<void>((resolve, reject) => {
        const deadline =
          drainMs === undefined
            ? undefined
            : setTimeout(() => {
                server.closeAllConnections();
              }, drainMs);
        server.close((err) => {
          clearTimeout(deadline);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
