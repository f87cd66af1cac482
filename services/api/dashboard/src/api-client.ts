// The dashboard's only way to the API: `/api/v1` with the token (asked for once when the API wants
// one), and the live stream of server-sent events read with fetch (EventSource cannot send a token).

/** The API wants a token this tab does not have (or has a wrong one). */
export class Unauthorized extends Error {}

/** The API refused a request: its error code, message and details. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'trading-api-token';

export const rememberToken = (token: string): void => {
  sessionStorage.setItem(TOKEN_KEY, token);
};

function headers(init: RequestInit): Headers {
  const h = new Headers(init.headers);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) h.set('Authorization', `Bearer ${token}`);
  if (init.body) h.set('Content-Type', 'application/json');
  return h;
}

/** Call `/api/v1{path}`; the JSON answer, or an {@link ApiRefusal} saying what was wrong. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, { ...init, headers: headers(init) });
  if (res.status === 401) throw new Unauthorized();
  const body = (await res.json()) as T & {
    error?: { code: string; message: string; details?: Record<string, unknown> };
  };
  if (!res.ok) {
    throw new ApiRefusal(
      res.status,
      body.error?.code ?? 'HTTP',
      body.error?.message ?? `HTTP ${String(res.status)}`,
      body.error?.details ?? {},
    );
  }
  return body;
}

/** POST a JSON body. */
export const post = async <T>(path: string, body: unknown = {}): Promise<T> =>
  api<T>(path, { method: 'POST', body: JSON.stringify(body) });

/**
 * Follow `/api/v1/stream`: `onEvent` gets each event's name and data as the server pushes them.
 * Reconnects after 3 s when the connection drops; `onState` says whether it is live.
 */
export function followStream(
  onEvent: (event: string, data: Record<string, unknown>) => void,
  onState: (live: boolean, why?: string) => void,
): void {
  const connect = async (): Promise<void> => {
    const res = await fetch('/api/v1/stream', { headers: headers({}) });
    if (res.status === 401) throw new Unauthorized();
    if (!res.ok || !res.body) throw new Error(`stream answered ${String(res.status)}`);
    onState(true);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) onEvent(event, JSON.parse(data) as Record<string, unknown>);
      }
    }
  };
  const loop = (): void => {
    connect().then(
      () => {
        onState(false, 'stream ended; reconnecting');
        setTimeout(loop, 3000);
      },
      (err: unknown) => {
        if (err instanceof Unauthorized) {
          onState(false, 'unauthorized');
          return;
        }
        onState(false, `${(err as Error).message}; reconnecting`);
        setTimeout(loop, 3000);
      },
    );
  };
  loop();
}
