import type { Config, Logger, Metrics } from '@trading/platform';
import { type RawData, WebSocket } from 'ws';

/** Largest frame accepted (a minute's bars of thousands of symbols fit many times over). */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** Timing of a {@link ReconnectingSocket}. */
export interface SocketPolicy {
  /** First reconnection delay's ceiling (ms); it doubles per failed attempt. */
  initialDelayMs: number;
  /** Longest reconnection delay (ms). */
  maxDelayMs: number;
  /** Ping interval (ms); a socket silent (no frame, no pong) for two intervals is cut and reopened. */
  heartbeatMs: number;
  /** Longest an open socket may take to become live (greeted, authenticated, subscribed); default 2 heartbeats. */
  readyTimeoutMs?: number;
  /** How long a connection must stay live before the backoff starts again from its first delay (ms). */
  stableMs?: number;
  /** Uniform [0, 1): the jitter source (tests pass a fixed one). */
  random?: () => number;
}

/** A stream's timing from config (STREAM_RECONNECT_MAX_MS, STREAM_HEARTBEAT_MS), `override` on top. */
export function socketPolicy(
  config: Pick<Config, 'streamReconnectMaxMs' | 'streamHeartbeatMs'>,
  override: Partial<SocketPolicy> = {},
): SocketPolicy {
  return {
    initialDelayMs: 1000,
    maxDelayMs: config.streamReconnectMaxMs,
    heartbeatMs: config.streamHeartbeatMs,
    stableMs: 30_000,
    ...override,
  };
}

/** What the protocol above a socket is told, and can do. */
export interface SocketProtocol {
  /** The socket opened: send the first messages (authentication). */
  onOpen(): void;
  /** One frame's JSON (text or binary frame alike); undefined when it was not JSON. */
  onMessage(message: unknown): void;
  /** The socket closed or was cut; `live` is false from now until the protocol says otherwise. */
  onClose(): void;
}

/** Options of {@link ReconnectingSocket}. */
export interface ReconnectingSocketOptions {
  /** The stream's name: its metrics label and log field. */
  name: string;
  url: string;
  policy: SocketPolicy;
  logger: Logger;
  metrics?: Metrics;
}

/** How a failed connection counts toward the next delay. */
export type FailureKind = 'transient' | 'refused';

/**
 * One WebSocket kept open: reconnects with exponential backoff and full jitter (delay uniform in
 * [0, min(max, initial·2^attempt)), a refusal such as a failed authentication starting at a
 * quarter of the maximum), pings every `heartbeatMs` and cuts a socket silent for two intervals
 * (a peer that stops sending without closing), parses text and binary frames alike. The protocol
 * above it says when the connection is live (authenticated, subscribed): that resets the backoff
 * and sets the `alpaca_stream_connected` gauge, which an alert watches.
 */
export class ReconnectingSocket {
  readonly #options: ReconnectingSocketOptions;
  readonly #random: () => number;
  #protocol: SocketProtocol | undefined;
  #ws: WebSocket | undefined;
  #attempt = 0;
  #refused = false;
  #live = false;
  #closed = true;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #heardAt = 0;
  #openedAt = 0;
  #liveSince: number | undefined;
  #downSince: number | undefined = Date.now();
  readonly #connected;
  readonly #messages;
  readonly #reconnects;
  readonly #downSeconds;

  constructor(options: ReconnectingSocketOptions) {
    this.#options = options;
    this.#random = options.policy.random ?? Math.random;
    const m = options.metrics;
    this.#connected = m?.gauge(
      'alpaca_stream_connected',
      'Whether the Alpaca stream is connected, authenticated and subscribed (1) or not (0)',
      ['stream'],
    );
    this.#messages = m?.counter('alpaca_stream_messages_total', 'Messages received on an Alpaca stream', [
      'stream',
      'type',
    ]);
    this.#reconnects = m?.counter(
      'alpaca_stream_reconnects_total',
      'Connection attempts to an Alpaca stream after the first',
      ['stream'],
    );
    this.#downSeconds = m?.counter(
      'alpaca_stream_down_seconds_total',
      'Time an Alpaca stream was not live, summed over its outages (s)',
      ['stream'],
    );
    this.#connected?.set({ stream: options.name }, 0);
  }

  /** Whether the protocol declared the current connection live. */
  get live(): boolean {
    return this.#live;
  }

  /** Open the socket (and keep it open) for `protocol`. */
  start(protocol: SocketProtocol): void {
    this.#protocol = protocol;
    this.#closed = false;
    this.#connect();
  }

  /** Send one JSON message, if the socket is open. */
  send(message: unknown): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
  }

  /** Count a received message by type. */
  count(type: string): void {
    this.#messages?.inc({ stream: this.#options.name, type });
  }

  /** The connection is ready (authenticated, subscribed): reset the backoff, raise the gauge. */
  markLive(): void {
    if (this.#live) return;
    this.#live = true;
    // The backoff starts over only once the connection has stayed up (see #onClosed): a server that
    // drops every connection right after confirming it must not be hammered.
    this.#liveSince = Date.now();
    this.#refused = false;
    this.#connected?.set({ stream: this.#options.name }, 1);
    if (this.#downSince !== undefined) {
      const down = (Date.now() - this.#downSince) / 1000;
      this.#downSeconds?.inc({ stream: this.#options.name }, down);
      this.#options.logger.info('stream live', { stream: this.#options.name, downSeconds: down });
    }
    this.#downSince = undefined;
  }

  /** Drop the connection for `reason` and reconnect after the backoff (`refused`: a longer one). */
  fail(reason: string, kind: FailureKind = 'transient'): void {
    this.#options.logger.warn('stream connection failed', { stream: this.#options.name, reason });
    if (kind === 'refused') this.#refused = true;
    this.#ws?.terminate();
  }

  /** Stop for good: no reconnection, timers cleared, the socket closed. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#stopHeartbeat();
    const ws = this.#ws;
    this.#ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => {
        resolve();
      });
      ws.terminate();
    });
  }

  #connect(): void {
    if (this.#closed) return;
    const ws = new WebSocket(this.#options.url, {
      handshakeTimeout: this.#options.policy.heartbeatMs * 2,
      // A frame larger than any burst of bars or updates is refused (ws closes with 1009), not buffered.
      maxPayload: MAX_FRAME_BYTES,
    });
    this.#ws = ws;
    this.#heardAt = Date.now();
    ws.on('open', () => {
      this.#heardAt = Date.now();
      this.#openedAt = Date.now();
      this.#startHeartbeat(ws);
      this.#protocol?.onOpen();
    });
    ws.on('message', (data: RawData) => {
      this.#heardAt = Date.now();
      this.#protocol?.onMessage(parseFrame(data));
    });
    ws.on('pong', () => {
      this.#heardAt = Date.now();
    });
    ws.on('error', (err) => {
      // 'close' follows; the reason is logged there once.
      this.#options.logger.debug('stream socket error', { stream: this.#options.name, error: err.message });
    });
    ws.on('close', (code) => {
      if (this.#ws === ws) this.#ws = undefined;
      this.#stopHeartbeat();
      const stable = this.#options.policy.stableMs ?? 0;
      if (this.#liveSince !== undefined && Date.now() - this.#liveSince >= stable) this.#attempt = 0;
      this.#liveSince = undefined;
      if (this.#live) {
        this.#live = false;
        this.#downSince = Date.now();
        this.#connected?.set({ stream: this.#options.name }, 0);
        this.#options.logger.warn('stream down', { stream: this.#options.name, code });
      }
      this.#protocol?.onClose();
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const delay = reconnectDelay(this.#options.policy, this.#attempt, this.#refused, this.#random());
    this.#attempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnects?.inc({ stream: this.#options.name });
      this.#connect();
    }, delay);
  }

  #startHeartbeat(ws: WebSocket): void {
    const { heartbeatMs } = this.#options.policy;
    const readyMs = this.#options.policy.readyTimeoutMs ?? 2 * heartbeatMs;
    this.#heartbeat = setInterval(() => {
      if (!this.#live && Date.now() - this.#openedAt > readyMs) {
        // Open and answering pings, but never greeted or confirmed: it will not become live.
        this.#options.logger.warn('stream not ready in time: reconnecting', {
          stream: this.#options.name,
          waitedMs: Date.now() - this.#openedAt,
        });
        ws.terminate();
        return;
      }
      if (Date.now() - this.#heardAt > 2 * heartbeatMs) {
        this.#options.logger.warn('stream silent: reconnecting', {
          stream: this.#options.name,
          silentMs: Date.now() - this.#heardAt,
        });
        ws.terminate();
        return;
      }
      ws.ping();
    }, heartbeatMs);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

/**
 * The wait before reconnection attempt `attempt` (0-based): full jitter, uniform in
 * [floor, min(max, initial·2^attempt)) with `u` in [0, 1); after a refusal the floor is a quarter
 * of the maximum, so a refused key or a taken connection is not hammered.
 */
export function reconnectDelay(
  policy: Pick<SocketPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  attempt: number,
  refused: boolean,
  u: number,
): number {
  const floor = refused ? policy.maxDelayMs / 4 : 0;
  const ceiling = Math.min(policy.maxDelayMs, Math.max(floor, policy.initialDelayMs * 2 ** attempt));
  return floor + u * (ceiling - floor);
}

/** A frame's JSON, text or binary alike (Alpaca's paper trading stream sends binary frames). */
function parseFrame(data: RawData): unknown {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
  try {
    return JSON.parse(buffer.toString('utf8')) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** A WebSocket URL from an HTTP one (`https:` → `wss:`), with `path` appended. */
export function webSocketUrl(httpUrl: string, path: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  url.pathname = `${url.pathname.replace(/\/$/, '')}${path}`;
  return url.toString();
}
