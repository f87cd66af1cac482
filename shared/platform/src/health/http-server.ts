import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

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

/**
 * Requests Node's parser refuses before any handler runs (headers over 16 KB, malformed request
 * lines) get the platform's JSON error shape instead of Node's bare status line.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (err.code === 'ECONNRESET' && !socket.readable)) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'request headers too large']
      : [400, 'BAD_REQUEST', 'malformed HTTP request'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`,
  );
}

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
  server.on('clientError', answerClientError);
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
