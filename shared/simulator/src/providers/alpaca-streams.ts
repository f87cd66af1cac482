import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import type { WireBar } from './alpaca-server.js';
import type { UpgradeHandler } from './local-server.js';

/** Channels of the market-data stream the local server serves. */
const BAR_CHANNELS = ['bars', 'updatedBars', 'dailyBars'] as const;
type BarChannel = (typeof BAR_CHANNELS)[number];
const ALL_CHANNELS = ['trades', 'quotes', ...BAR_CHANNELS] as const;
/** Message type (`T`) of a bar on each channel. */
const BAR_TYPE: Record<BarChannel, string> = { bars: 'b', updatedBars: 'u', dailyBars: 'd' };
const AUTH_TIMEOUT_MS = 10_000;

/** Options of {@link createAlpacaStreams}. */
export interface AlpacaStreamsOptions {
  keyId: string;
  secretKey: string;
  /** Feeds the account may stream (`/v2/{feed}`); another known feed is refused with 409 at auth. */
  feeds?: readonly string[];
}

/** A trade update's execution details (`fill`, `partial_fill`). */
export interface ExecutionDetails {
  qty: string;
  price: string;
  positionQty: string;
}

/** The local Alpaca's two WebSockets, with the faults a chaos test needs. */
export interface AlpacaStreams {
  readonly upgrade: UpgradeHandler;
  /** Send a bar to the data-stream clients subscribed to its symbol on `channel`. */
  publishBar(symbol: string, bar: WireBar, channel?: BarChannel): void;
  /** Send one frame of messages as given to every authenticated data client, subscribed or not (a hostile market). */
  sendRaw(messages: unknown[]): void;
  /** Send a `trade_updates` event (as binary frames, like the paper endpoint) to every listener. */
  publishTradeUpdate(event: string, order: Record<string, unknown>, execution?: ExecutionDetails): void;
  /** Close every stream connection at once, as a network cut does (no close frame). */
  drop(): void;
  /** Keep every current connection open but silent: nothing is sent, pings go unanswered (until the client leaves). */
  stall(): void;
  /** Refuse authentication (402 `auth failed`) for `ms`. */
  refuseAuth(ms: number): void;
  /** A restart: drop every connection and refuse new ones for `ms`. */
  restart(ms: number): void;
  /** Symbols the data-stream clients are subscribed to on `bars`. */
  subscribed(channel?: BarChannel): string[];
  /** Open connections by endpoint. */
  clients(): { data: number; trading: number };
  /** Handshakes answered so far, by endpoint (reconnects show here). */
  handshakes(): { data: number; trading: number };
  close(): void;
}

interface DataClient {
  ws: WebSocket;
  authenticated: boolean;
  subs: Record<(typeof ALL_CHANNELS)[number], Set<string>>;
}

const jsonText = (messages: unknown[]): string => JSON.stringify(messages);

function decode(data: RawData): unknown {
  const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * Alpaca's streams, locally: the market-data stream (`/v2/{feed}`: `[{"T":"success","msg":
 * "connected"}]`, `auth` by message or headers, `subscribe`/`unsubscribe` answered with the current
 * subscription, bars as `b`/`u`/`d` messages, errors 400/401/402/403/404/406/409 as Alpaca sends
 * them, one connection per account) and the trading stream (`/stream`: `auth` or the older
 * `authenticate`, `listen`, `trade_updates` in binary frames as the paper endpoint sends them).
 */
export function createAlpacaStreams(options: AlpacaStreamsOptions): AlpacaStreams {
  const feeds = new Set(options.feeds ?? ['iex', 'sip', 'test']);
  // Pongs are sent by hand, so a stalled connection can leave pings unanswered.
  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  const data = new Set<DataClient>();
  const trading = new Set<WebSocket>();
  const stalled = new WeakSet<WebSocket>();
  const handshakes = { data: 0, trading: 0 };
  let refuseAuthUntil = 0;
  let downUntil = 0;

  const send = (ws: WebSocket, payload: string | Buffer): void => {
    if (!stalled.has(ws) && ws.readyState === ws.OPEN) ws.send(payload);
  };
  const validKeys = (key: unknown, secret: unknown): boolean =>
    key === options.keyId && secret === options.secretKey && Date.now() >= refuseAuthUntil;
  const headerKeys = (req: IncomingMessage): [unknown, unknown] => [
    req.headers['apca-api-key-id'],
    req.headers['apca-api-secret-key'],
  ];
  const error = (ws: WebSocket, code: number, msg: string): void => {
    send(ws, jsonText([{ T: 'error', code, msg }]));
  };

  function subscription(client: DataClient): Record<string, unknown> {
    return {
      T: 'subscription',
      ...Object.fromEntries(ALL_CHANNELS.map((c) => [c, [...client.subs[c]].sort()])),
    };
  }

  function authenticate(client: DataClient, ok: boolean): void {
    if (!ok) {
      error(client.ws, 402, 'auth failed');
      return;
    }
    // One connection per account and endpoint, as Alpaca's plans allow.
    if ([...data].some((c) => c !== client && c.authenticated)) {
      error(client.ws, 406, 'connection limit exceeded');
      client.ws.close(1008, 'connection limit exceeded');
      return;
    }
    client.authenticated = true;
    send(client.ws, jsonText([{ T: 'success', msg: 'authenticated' }]));
  }

  function onData(ws: WebSocket, req: IncomingMessage, feed: string): void {
    const client: DataClient = {
      ws,
      authenticated: false,
      subs: {
        trades: new Set(),
        quotes: new Set(),
        bars: new Set(),
        updatedBars: new Set(),
        dailyBars: new Set(),
      },
    };
    data.add(client);
    ws.on('close', () => data.delete(client));
    send(ws, jsonText([{ T: 'success', msg: 'connected' }]));
    if (!feeds.has(feed)) {
      error(ws, 409, 'insufficient subscription');
      ws.close(1008, 'insufficient subscription');
      return;
    }
    const [hKey, hSecret] = headerKeys(req);
    if (hKey !== undefined) authenticate(client, validKeys(hKey, hSecret));
    const authTimer = setTimeout(() => {
      if (client.authenticated) return;
      error(ws, 404, 'auth timeout');
      ws.close(1008, 'auth timeout');
    }, AUTH_TIMEOUT_MS);
    authTimer.unref();
    ws.on('message', (raw) => {
      if (stalled.has(ws)) return;
      const msg = decode(raw) as Record<string, unknown> | undefined;
      if (!msg || typeof msg !== 'object' || typeof msg.action !== 'string') {
        error(ws, 400, 'invalid syntax');
        return;
      }
      if (msg.action === 'auth') {
        if (client.authenticated) error(ws, 403, 'already authenticated');
        else authenticate(client, validKeys(msg.key, msg.secret));
        return;
      }
      if (!client.authenticated) {
        error(ws, 401, 'not authenticated');
        return;
      }
      if (msg.action !== 'subscribe' && msg.action !== 'unsubscribe') {
        error(ws, 400, 'invalid syntax');
        return;
      }
      for (const channel of ALL_CHANNELS) {
        const symbols = msg[channel];
        if (symbols === undefined) continue;
        if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string')) {
          error(ws, 400, 'invalid syntax');
          return;
        }
        for (const s of symbols) {
          if (msg.action === 'subscribe') client.subs[channel].add(s);
          else client.subs[channel].delete(s);
        }
      }
      send(ws, jsonText([subscription(client)]));
    });
  }

  function onTrading(ws: WebSocket, req: IncomingMessage): void {
    let authorized = false;
    let listening = false;
    // The paper endpoint answers in binary frames.
    const reply = (message: unknown): void => {
      send(ws, Buffer.from(JSON.stringify(message)));
    };
    const [hKey, hSecret] = headerKeys(req);
    if (hKey !== undefined) authorized = validKeys(hKey, hSecret);
    ws.on('close', () => trading.delete(ws));
    ws.on('message', (raw) => {
      if (stalled.has(ws)) return;
      const msg = decode(raw) as Record<string, unknown> | undefined;
      const body = (msg?.data ?? {}) as Record<string, unknown>;
      if (msg?.action === 'auth' || msg?.action === 'authenticate') {
        authorized =
          msg.action === 'auth' ? validKeys(msg.key, msg.secret) : validKeys(body.key_id, body.secret_key);
        reply({
          stream: 'authorization',
          data: { action: 'authenticate', status: authorized ? 'authorized' : 'unauthorized' },
        });
        if (!authorized) ws.close(1008, 'unauthorized');
        return;
      }
      if (msg?.action === 'listen' && authorized) {
        const streams = Array.isArray(body.streams) ? body.streams : [];
        listening = streams.includes('trade_updates');
        if (listening) trading.add(ws);
        else trading.delete(ws);
        reply({ stream: 'listening', data: { streams: listening ? ['trade_updates'] : [] } });
        return;
      }
      reply({ stream: 'listening', data: { error: authorized ? 'invalid message' : 'unauthorized' } });
    });
  }

  const upgrade: UpgradeHandler = (req, socket: Duplex, head) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const feed = /^\/v2\/([a-z]+)$/.exec(path)?.[1];
    if (Date.now() < downUntil || (feed === undefined && path !== '/stream')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('ping', (payload) => {
        if (!stalled.has(ws)) ws.pong(payload);
      });
      if (feed === undefined) {
        handshakes.trading++;
        onTrading(ws, req);
      } else {
        handshakes.data++;
        onData(ws, req, feed);
      }
    });
  };

  const everyone = (): WebSocket[] => [...[...data].map((c) => c.ws), ...trading, ...wss.clients];

  return {
    upgrade,
    publishBar(symbol, bar, channel = 'bars') {
      const text = jsonText([{ T: BAR_TYPE[channel], S: symbol, ...bar }]);
      for (const c of data) if (c.authenticated && c.subs[channel].has(symbol)) send(c.ws, text);
    },
    sendRaw(messages) {
      const text = jsonText(messages);
      for (const c of data) if (c.authenticated) send(c.ws, text);
    },
    publishTradeUpdate(event, order, execution) {
      const message = Buffer.from(
        JSON.stringify({
          stream: 'trade_updates',
          data: {
            event,
            timestamp: new Date().toISOString(),
            order,
            ...(execution && {
              execution_id: randomUUID(),
              qty: execution.qty,
              price: execution.price,
              position_qty: execution.positionQty,
            }),
          },
        }),
      );
      for (const ws of trading) send(ws, message);
    },
    drop() {
      for (const ws of everyone()) ws.terminate();
    },
    stall() {
      for (const ws of everyone()) {
        stalled.add(ws);
      }
    },
    refuseAuth(ms) {
      refuseAuthUntil = Date.now() + ms;
    },
    restart(ms) {
      downUntil = Date.now() + ms;
      this.drop();
    },
    subscribed(channel = 'bars') {
      return [...new Set([...data].flatMap((c) => [...c.subs[channel]]))].sort();
    },
    clients() {
      return { data: [...data].filter((c) => c.ws.readyState === c.ws.OPEN).length, trading: trading.size };
    },
    handshakes: () => ({ ...handshakes }),
    close() {
      for (const ws of everyone()) ws.terminate();
      wss.close();
    },
  };
}
