import type Koa from 'koa';

/** Ways a local provider can misbehave. */
export type FaultMode =
  'error500' | 'timeout' | 'slow' | 'malformed' | 'rate-limit' | 'lost-response' | 'refuse';

/** A fault to inject into matching requests. */
export interface Fault {
  mode: FaultMode;
  /** How many requests it hits; every request while set by default. */
  times?: number;
  /** Only requests whose path matches. */
  path?: RegExp;
  /** Delay of `slow` (ms). */
  delayMs?: number;
  /** Retry-After of `rate-limit` (seconds). */
  retryAfterS?: number;
  /** Status of `refuse` (a 4xx: the provider refuses the request; 403 by default). */
  status?: number;
  /** Message of `refuse`, in the provider's error body (a real one can quote the request's key). */
  message?: string;
}

/** Body of a provider's error answer, in its own wire format. */
export type ErrorBody = (status: number, message: string) => unknown;

/**
 * Makes a local provider fail on demand: 5xx, hanging until the client gives up, slow answers,
 * malformed JSON, 429 with Retry-After, a refusal (`refuse`: a 4xx with a message), or `lost-response` (the request is carried out, then the
 * connection drops before the answer: the client cannot know whether it happened). Tests set faults in-process; other processes (chaos tests,
 * the simulation) use `POST /__faults` with `{ mode, times?, path?, delayMs?, retryAfterS? }` and
 * `DELETE /__faults`.
 */
export class FaultInjector {
  #fault: (Fault & { left: number }) | undefined;
  /** Requests that a fault answered. */
  injected = 0;

  set(fault: Fault): void {
    this.#fault = { ...fault, left: fault.times ?? Number.POSITIVE_INFINITY };
  }

  clear(): void {
    this.#fault = undefined;
  }

  #take(path: string): Fault | undefined {
    const f = this.#fault;
    if (!f || f.left <= 0 || (f.path && !f.path.test(path))) return undefined;
    f.left--;
    this.injected++;
    return f;
  }

  /** Koa middleware: the control endpoint, then the fault (if any) before the real handler. */
  middleware(errorBody: ErrorBody): Koa.Middleware {
    return async (ctx, next) => {
      if (ctx.path === '/__faults') {
        if (ctx.method === 'DELETE') this.clear();
        else if (ctx.method === 'POST') {
          const body = (await readJson(ctx)) as Fault & { path?: string };
          this.set({ ...body, path: body.path ? new RegExp(body.path) : undefined });
        }
        ctx.status = 204;
        return;
      }
      const fault = this.#take(ctx.path);
      switch (fault?.mode) {
        case undefined:
          await next();
          return;
        case 'error500':
          ctx.status = 500;
          ctx.body = errorBody(500, 'internal server error (injected)');
          return;
        case 'refuse':
          ctx.status = fault.status ?? 403;
          ctx.body = errorBody(ctx.status, fault.message ?? 'forbidden (injected)');
          return;
        case 'rate-limit':
          ctx.status = 429;
          ctx.set('Retry-After', String(fault.retryAfterS ?? 1));
          ctx.body = errorBody(429, 'too many requests (injected)');
          return;
        case 'malformed':
          ctx.status = 200;
          ctx.type = 'application/json';
          ctx.body = '{"truncated": [1, 2';
          return;
        case 'slow':
          await new Promise((resolve) => {
            setTimeout(resolve, fault.delayMs ?? 1000);
          });
          await next();
          return;
        case 'lost-response':
          await next();
          ctx.req.socket.destroy();
          return;
        case 'timeout':
          // Never answer; the socket closes when the client gives up or the server shuts down.
          await new Promise<void>((resolve) => {
            ctx.req.socket.once('close', () => {
              resolve();
            });
          });
      }
    };
  }
}

/** Read a JSON request body (at most 1 MiB). */
export async function readJson(ctx: Koa.Context): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_048_576) ctx.throw(413, 'body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) ctx.throw(400, 'body is not JSON');
    throw err;
  }
}
