// The built data-collector on Alpaca's market-data stream: bars come pushed; while the stream
// refuses it, polling takes over by itself; when it is back, the stream again; every bar stored
// and published once.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { loadConfig } from '@trading/platform';
import { type AlpacaServer, startAlpacaServer, type WireBar } from '@trading/simulator';
import { createDb, type Db } from '@trading/store';
import { createPostgresDatabase, freePort, freshRedisDb, requirePostgres, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { buildWorkspace } from '../support/build-workspace.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const MINUTE = 60_000;

describe('data-collector (built) on the market-data stream, with polling as its fallback', function () {
  this.timeout(120_000);
  let alpaca: AlpacaServer;
  let db: Db;
  let child: ChildProcess | undefined;
  let port: number;
  let drop: () => Promise<void>;
  const base = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
  const bars: WireBar[] = [];
  const push = (k: number) => {
    bars.push({ t: new Date(base + k * MINUTE).toISOString(), o: 100, h: 110, l: 99, c: 100 + k, v: 10 });
    alpaca.setBars('GOOG', [...bars]);
  };
  const gauge = async () => {
    const page = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
    return /alpaca_stream_connected\{[^}]*stream="market-data"[^}]*\} (\d)/.exec(page)?.[1];
  };
  const stored = async () => {
    const rows = await db.knex('candles').whereNotNull('publishedAt').orderBy('ts').select('ts');
    return rows.map((r: { ts: Date }) => r.ts.getTime());
  };
  const restCalls = () => alpaca.requestCounts()['GET /v2/stocks/bars'] ?? 0;

  before(async function () {
    buildWorkspace();
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
    for (let k = 0; k < 3; k++) push(k);
    port = await freePort();
    child = spawn(process.execPath, [join(ROOT, 'services/data-collector/dist/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HEALTH_PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_URL: pg.url,
        DB_MIGRATE_ON_START: 'true',
        REDIS_URL: await freshRedisDb(this),
        ALPACA_API_KEY: 'k',
        ALPACA_API_SECRET: 's',
        ALPACA_DATA_URL: alpaca.url,
        ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
        ALPACA_TRADING_URL: alpaca.url,
        SYMBOLS: 'GOOG',
        SELECTOR_TOP_N: '0',
        COLLECTOR_TIMEFRAME: '1Min',
        COLLECTOR_POLL_MS: '200',
        BACKFILL_DAYS: '1',
        STREAM_HEARTBEAT_MS: '200',
        STREAM_RECONNECT_MAX_MS: '1000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
  });
  after(async () => {
    child?.kill('SIGTERM');
    await db?.close();
    await alpaca?.close();
    await drop?.();
  });

  it('takes bars from the stream, polls while the stream refuses it, and returns to the stream', async () => {
    await waitFor(async () => (await gauge().catch(() => undefined)) === '1', {
      timeoutMs: 60_000,
      what: 'live',
    });
    await waitFor(async () => (await stored()).length === 3, { what: 'the history' });
    // The backfill's request, then the first subscription's gap repair (it may finish after the
    // history is stored and the stream is live).
    await waitFor(() => restCalls() >= 2, { what: 'the backfill and the first gap repair' });

    // Live: a bar arrives pushed, with no REST call.
    const callsLive = restCalls();
    push(3);
    await waitFor(async () => (await stored()).length === 4, { what: 'the streamed bar' });
    expect(restCalls()).to.equal(callsLive);

    // Refused: the poll takes over by itself.
    alpaca.streams.refuseAuth(3000);
    alpaca.streams.drop();
    await waitFor(async () => (await gauge()) === '0', { what: 'down' });
    push(4);
    await waitFor(async () => (await stored()).length === 5, { what: 'the polled bar' });
    expect(restCalls()).to.be.greaterThan(callsLive);

    // Back: live again, and the next bar pushed.
    await waitFor(async () => (await gauge()) === '1', { timeoutMs: 30_000, what: 'live again' });
    push(5);
    await waitFor(async () => (await stored()).length === 6, { what: 'the next bar' });
    expect(await stored()).to.deep.equal(bars.map((b) => Date.parse(b.t)));
  });
});
