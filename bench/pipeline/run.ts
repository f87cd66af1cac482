// The trading path end to end as deployed, on real Redis and PostgreSQL: the compiled
// strategy-engine, order-executor and portfolio-manager, each its own process, trading with a local
// Alpaca. A bar is stored and published as the data-collector does, and timed until its order
// reaches the broker.
// Then the broker budget: a burst of signals against Alpaca's 200 requests a minute, and what each
// order cost in Alpaca calls.
// Usage: npm run build && npm run bench:pipeline   (BENCH_DATABASE_URL / BENCH_REDIS_URL to use running servers;
// BENCH_SNAPSHOT_MS sets BROKER_STATE_MAX_AGE_MS, 0 reads the broker at every decision as before)
import { toDecimal } from '@trading/domain';
import { createEvent, STREAMS } from '@trading/messaging';

import { benchServers, type Run, startServices } from '../support/services.js';

const SYMBOLS = 100;
/** A ticker of letters only (as the symbol rules require): the prefix letter and two more. */
const ticker = (prefix: string, i: number): string =>
  `${prefix}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}${String.fromCharCode(65 + (i % 26))}`;
const MINUTE = 60_000;
const sleep = async (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

const servers = await benchServers();
const PIPELINE = ['strategy-engine', 'order-executor', 'portfolio-manager'];
const start = async (label: string, budgetPerMin: number): Promise<Run> =>
  startServices(servers, { label, budgetPerMin, services: PIPELINE });

/** Store and publish one closed bar, as the data-collector does; resolves to when it began (ms). */
async function publishBar(
  run: Run,
  symbol: string,
  k: number,
  base: number,
  crosses = true,
): Promise<number> {
  const t0 = performance.timeOrigin + performance.now();
  // Closes that alternate make sma-cross 1/2 cross on every bar; a flat close never crosses.
  const close = crosses && k % 2 === 1 ? '101' : '100';
  const ts = new Date(base + k * MINUTE);
  const candle = {
    symbol,
    timeframe: '1Min',
    ts,
    open: close,
    high: '101',
    low: '100',
    close,
    volume: '1000',
  };
  await run.repos.candles.upsertMany([
    {
      ...candle,
      open: toDecimal(close),
      high: toDecimal('101'),
      low: toDecimal('100'),
      close: toDecimal(close),
      volume: toDecimal('1000'),
    },
  ]);
  await run.broker.publish(
    STREAMS.candles,
    createEvent('candle.closed', { ...candle, ts: ts.toISOString() }),
  );
  return t0;
}

/**
 * Publish bars spread over the symbols at `perSecond` for `seconds`, one symbol in `signalEvery`
 * crossing on each of its bars (the rest flat), and time each crossing bar to its order.
 */
async function measure(run: Run, prefix: string, perSecond: number, seconds: number, signalEvery: number) {
  const base = Date.now() - 10 * 86_400_000;
  for (let s = 0; s < SYMBOLS; s++) run.alpaca.setPrice(ticker(prefix, s), '100.5');
  // Warm-up: three bars a symbol build every strategy book (sma-cross 1/2 speaks from the third).
  for (let k = 0; k < 3; k++)
    await Promise.all(
      Array.from({ length: SYMBOLS }, async (_, s) =>
        publishBar(run, ticker(prefix, s), k, base, s % signalEvery === 0),
      ),
    );
  await sleep(3000);
  const started = new Map<string, number>();
  const total = perSecond * seconds;
  const t0 = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const symbol = ticker(prefix, i % SYMBOLS);
    const k = 3 + Math.floor(i / SYMBOLS);
    sent.push(
      publishBar(run, symbol, k, base, (i % SYMBOLS) % signalEvery === 0).then((at) => {
        started.set(`${symbol}@${String(base + k * MINUTE)}`, at);
      }),
    );
  }
  await Promise.all(sent);
  await sleep(5000);
  const rows = await run.repos.signals.list({ limit: 100_000, symbol: undefined });
  const bySignal = new Map(rows.map((r) => [r.id, `${r.symbol}@${String(r.barTs?.getTime())}`]));
  const latencies: number[] = [];
  for (const o of run.alpaca.orders()) {
    const key = bySignal.get(o.clientOrderId.replace(/^sig-/, ''));
    const from = key === undefined ? undefined : started.get(key);
    const at = run.alpaca.receivedAt(o.id);
    if (from !== undefined && at !== undefined) latencies.push(at - from);
  }
  return { bars: total, orders: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

const lines: string[] = [];
for (const [label, perSecond, seconds, signalEvery] of [
  ['a', 100, 10, 10],
  ['b', 100, 10, 1],
  ['c', 1000, 5, 100],
  ['d', 1000, 5, 10],
] as const) {
  if (process.env.BENCH_SCENARIOS && !process.env.BENCH_SCENARIOS.split(',').includes(label)) continue;
  const run = await start(label, 100_000);
  try {
    const m = await measure(run, label.toUpperCase(), perSecond, seconds, signalEvery);
    lines.push(
      `| ${String(perSecond)} bars/s for ${String(seconds)} s over ${String(SYMBOLS)} symbols, ${signalEvery === 1 ? 'every bar' : `1 bar in ${String(signalEvery)}`} a signal | ${String(m.bars)} | ${String(m.orders)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} |`,
    );
  } finally {
    await run.close();
  }
}

// The broker budget: 200 signals at once (BENCH_SCENARIOS without `budget` skips it) (one bar for each of 200 symbols) against 200 calls a minute.
let budgetLine = '| not run | | | | |';
const budget =
  process.env.BENCH_SCENARIOS?.split(',').includes('budget') === false
    ? undefined
    : await start('budget', 200);
if (budget)
  try {
    const base = Date.now() - 10 * 86_400_000;
    const symbols = Array.from({ length: 200 }, (_, s) => ticker('Z', s));
    for (const s of symbols) budget.alpaca.setPrice(s, '100.5');
    for (let k = 0; k < 3; k++) for (const s of symbols) await publishBar(budget, s, k, base);
    await sleep(2000);
    const before = budget.alpaca.requestCounts();
    const ordersBefore = budget.alpaca.orders().length;
    const t0 = performance.now();
    for (const s of symbols) await publishBar(budget, s, 3, base);
    const deadline = performance.now() + 240_000;
    while (budget.alpaca.orders().length - ordersBefore < symbols.length && performance.now() < deadline)
      await sleep(200);
    const seconds = (performance.now() - t0) / 1000;
    const placed = budget.alpaca.orders().length - ordersBefore;
    const after = budget.alpaca.requestCounts();
    const spent = (prefix: (route: string) => boolean) =>
      Object.entries(after)
        .filter(([route]) => prefix(route))
        .reduce((sum, [route, n]) => sum + n - (before[route] ?? 0), 0);
    const trading = spent((r) => !r.includes('/v2/stocks'));
    const data = spent((r) => r.includes('/v2/stocks'));
    console.log(
      'calls by route during the burst:',
      Object.fromEntries(Object.entries(after).map(([r, n]) => [r, n - (before[r] ?? 0)])),
    );
    budgetLine = `| ${String(placed)} of ${String(symbols.length)} | ${seconds.toFixed(1)} s | ${(placed / seconds).toFixed(2)} | ${(trading / placed).toFixed(2)} | ${(data / placed).toFixed(2)} |`;
  } finally {
    await budget.close();
  }
await servers.stop();

console.log(
  `\nPipeline: bar stored and published → its order at the local Alpaca (node ${process.version})\n`,
);
console.log('| load | bars | orders timed | p50 ms | p99 ms |');
console.log('| --- | --- | --- | --- | --- |');
for (const l of lines) console.log(l);
console.log('\nBroker budget: 200 signals at once, ALPACA_RATE_LIMIT_PER_MIN=200\n');
console.log(
  '| orders placed | time | orders/s | trading-API calls per order | market-data calls per order |',
);
console.log('| --- | --- | --- | --- | --- |');
console.log(budgetLine);
