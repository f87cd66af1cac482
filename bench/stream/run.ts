// Bar close → order submitted over Alpaca's market-data stream, at 100 symbols: the compiled
// data-collector (on the stream), strategy-engine, order-executor and portfolio-manager, each its
// own process. At each simulated minute close the local Alpaca pushes one bar per symbol on its
// WebSocket at once, as Alpaca does; each order is timed from the moment its bar left the server
// to the moment the order reached it (one clock: both are this process).
// Usage: npm run build && npm run bench:stream   (BENCH_DATABASE_URL / BENCH_REDIS_URL to use running
// servers; BENCH_ROUNDS minute closes, 20 by default)
import type { WireBar } from '@trading/simulator';

import { benchServers, type Run, startServices } from '../support/services.js';

const SYMBOLS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const ROUND_GAP_MS = 2000;
const MINUTE = 60_000;
const ticker = (i: number): string =>
  `S${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`;
const sleep = async (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

/** Closes that alternate make sma-cross 1/2 cross on every bar; a flat close never crosses. */
const barOf = (base: number, k: number, crosses: boolean): WireBar => {
  const close = crosses && k % 2 === 1 ? 101 : 100;
  return { t: new Date(base + k * MINUTE).toISOString(), o: close, h: 101, l: 100, c: close, v: 1000 };
};

async function measure(run: Run, signalEvery: number) {
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => ticker(i));
  // Minutes that closed long ago, one per round: the stream pushes them as if each closed now.
  const base = Math.floor(Date.now() / MINUTE) * MINUTE - (ROUNDS + 10) * MINUTE;
  const bars = new Map(
    symbols.map((s, i) => [s, [0, 1, 2].map((k) => barOf(base, k, i % signalEvery === 0))]),
  );
  for (const [s, list] of bars) run.alpaca.setBars(s, list);
  // The collector backfills the history over REST, subscribes, and the strategies warm up.
  const deadline = Date.now() + 120_000;
  while (run.alpaca.streams.subscribed().length < SYMBOLS && Date.now() < deadline) await sleep(100);
  await sleep(5000);
  const sentAt = new Map<string, number>();
  for (let k = 3; k < 3 + ROUNDS; k++) {
    const at = performance.timeOrigin + performance.now();
    for (const [i, s] of symbols.entries()) {
      const list = bars.get(s) ?? [];
      list.push(barOf(base, k, i % signalEvery === 0));
      sentAt.set(`${s}@${String(base + k * MINUTE)}`, at);
      run.alpaca.setBars(s, list);
    }
    await sleep(ROUND_GAP_MS);
  }
  await sleep(5000);
  const signals = await run.repos.signals.list({ limit: 100_000, symbol: undefined });
  const bySignal = new Map(signals.map((r) => [r.id, `${r.symbol}@${String(r.barTs?.getTime())}`]));
  const latencies: number[] = [];
  // Where the time goes: bar sent → published by the collector → signal stored → order recorded → at the broker.
  const stages: Record<'published' | 'signal' | 'order' | 'broker', number[]> = {
    published: [],
    signal: [],
    order: [],
    broker: [],
  };
  const signalRows = new Map(
    (await run.knex('signals').select('id', 'symbol', 'barTs', 'createdAt')).map(
      (r: { id: string; symbol: string; barTs: Date; createdAt: Date }) => [r.id, r],
    ),
  );
  const candleRows = new Map(
    (await run.knex('candles').select('symbol', 'ts', 'publishedAt')).map(
      (r: { symbol: string; ts: Date; publishedAt: Date | null }) => [
        `${r.symbol}@${String(r.ts.getTime())}`,
        r,
      ],
    ),
  );
  const orderRows = new Map(
    (await run.knex('orders').select('clientOrderId', 'createdAt')).map(
      (r: { clientOrderId: string; createdAt: Date }) => [r.clientOrderId, r],
    ),
  );
  for (const o of run.alpaca.orders()) {
    const signalId = o.clientOrderId.replace(/^sig-/, '');
    const key = bySignal.get(signalId);
    const from = key === undefined ? undefined : sentAt.get(key);
    const to = run.alpaca.receivedAt(o.id);
    if (from === undefined || to === undefined || key === undefined) continue;
    latencies.push(to - from);
    const published = candleRows.get(key)?.publishedAt?.getTime();
    const signal = signalRows.get(signalId)?.createdAt.getTime();
    const order = orderRows.get(o.clientOrderId)?.createdAt.getTime();
    if (published === undefined || signal === undefined || order === undefined) continue;
    stages.published.push(published - from);
    stages.signal.push(signal - published);
    stages.order.push(order - signal);
    stages.broker.push(to - order);
  }
  console.log(
    `stages (p50/p99 ms), 1 in ${String(signalEvery)}:`,
    Object.fromEntries(
      Object.entries(stages).map(([k, v]) => [k, `${pct(v, 50).toFixed(0)}/${pct(v, 99).toFixed(0)}`]),
    ),
  );
  return {
    bars: ROUNDS * SYMBOLS,
    orders: latencies.length,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    rest: run.alpaca.requestCounts()['GET /v2/stocks/bars'] ?? 0,
  };
}

const servers = await benchServers();
const lines: string[] = [];
for (const [label, signalEvery] of [
  ['a', 10],
  ['b', 1],
] as const) {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(',').includes(label)) continue;
  const run = await startServices(servers, {
    label: `stream_${label}`,
    budgetPerMin: 100_000,
    services: ['data-collector', 'strategy-engine', 'order-executor', 'portfolio-manager'],
    env: {
      SYMBOLS: Array.from({ length: SYMBOLS }, (_, i) => ticker(i)).join(','),
      COLLECTOR_TIMEFRAME: '1Min',
      BACKFILL_DAYS: '1',
      SELECTOR_TOP_N: '0',
    },
  });
  try {
    const m = await measure(run, signalEvery);
    lines.push(
      `| ${String(SYMBOLS)} symbols, one bar each per minute close, ${signalEvery === 1 ? 'every bar' : `1 symbol in ${String(signalEvery)}`} a signal | ${String(m.bars)} | ${String(m.orders)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${String(m.rest)} |`,
    );
  } finally {
    await run.close();
  }
}
await servers.stop();

console.log(
  `\nBar close → order submitted over the stream: the bar leaves the local Alpaca's WebSocket → its order reaches it (node ${process.version})\n`,
);
console.log('| load | bars | orders timed | p50 ms | p99 ms | REST bar requests |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const l of lines) console.log(l);
