// Memory of the backtester worker path on 10 years of minute bars: 1,000,000 candles stored in a real
// PostgreSQL, one backtest.requested job handled in this process; peak resident memory is sampled.
// Usage: npm run bench:backtest-memory   (BENCH_DATABASE_URL to use a running server; otherwise one is started)
import { createEvent } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createLogger, loadConfig } from '@trading/platform';
import { createDb, createRepositories } from '@trading/store';
import { builtinCatalog } from '@trading/strategy-sdk';
import { startPostgres } from '@trading/testkit';

import { createJobConsumer } from '../../services/backtester/src/entry-points/job-consumer.js';

const server = process.env.BENCH_DATABASE_URL ? undefined : await startPostgres();
const db = createDb(loadConfig({ DATABASE_URL: process.env.BENCH_DATABASE_URL ?? server?.url ?? '' }));
try {
  await migrateLatest(db.knex);
  await db.knex.raw(`
    insert into candles (symbol, timeframe, ts, open, high, low, close, volume)
    select 'BENCH', '1Min', timestamp '2014-01-01' + i * interval '1 minute',
           100 + sin(i / 500.0) * 10 + 0.1, 100 + sin(i / 500.0) * 10 + 0.2, 100 + sin(i / 500.0) * 10, 100 + sin(i / 500.0) * 10 + 0.1, 1000
    from generate_series(1, 1000000) as i
    on conflict do nothing`);
  const repos = createRepositories(db.knex);
  const run = await repos.backtests.create({ strategy: 'sma-cross' });
  const handle = createJobConsumer({
    repos,
    logger: createLogger({ service: 'bench', level: 'error' }),
    strategies: builtinCatalog(),
  });
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await handle(
    createEvent('backtest.requested', {
      runId: run.id,
      symbol: 'BENCH',
      timeframe: '1Min',
      strategy: 'sma-cross',
      params: { fast: 10, slow: 20 },
      from: '2014-01-01T00:00:00Z',
      to: '2024-01-01T00:00:00Z',
      model: {},
    }),
    { stream: 'backtest.jobs', entryId: '0-1', deliveries: 1 },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const stored = await repos.backtests.get(run.id);
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(`\nBacktester worker on 1,000,000 stored minute bars (node ${process.version})\n`);
  console.log(
    `status ${stored?.status}, ${(stored?.result as { stats?: { trades?: number } } | null)?.stats?.trades ?? 0} trades, ${seconds.toFixed(1)} s (load + run + store)`,
  );
  console.log(
    `resident memory: ${mib(before)} before the job, ${mib(peak)} at peak (limit in deployment: 1024 MiB)`,
  );
} finally {
  await db.close();
  server?.stop();
}
