// Each service as its image runs it (`node services/<name>/dist/main.js`, compiled) against real
// PostgreSQL and Redis: how long from spawn until its /health answers 200, and its resident memory
// once idle (5 s after start, and 30 s after, when V8 has given back its start-up heap).
// Usage: npm run build && npm run bench:services   (BENCH_DATABASE_URL / BENCH_REDIS_URL to use
// running servers; otherwise throwaway ones are started)
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { createRedisClient } from '@trading/messaging';
import { loadConfig } from '@trading/platform';
import { createDb } from '@trading/store';
import { freePort, startPostgres, startRedis } from '@trading/testkit';

const ALL = [
  'data-collector',
  'news-collector',
  'strategy-engine',
  'order-executor',
  'portfolio-manager',
  'backtester',
  'api',
];
/** BENCH_SERVICES=api,backtester measures only those. */
const SERVICES = process.env.BENCH_SERVICES ? process.env.BENCH_SERVICES.split(',') : ALL;
const root = fileURLToPath(new URL('../..', import.meta.url));
const missing = SERVICES.filter((s) => !existsSync(`${root}services/${s}/dist/main.js`));
if (missing.length > 0) throw new Error(`run npm run build first (no dist for ${missing.join(', ')})`);

const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = async (ms: number) => new Promise((r) => setTimeout(r, ms));

const pg = process.env.BENCH_DATABASE_URL ? undefined : await startPostgres();
const redis = process.env.BENCH_REDIS_URL ? undefined : await startRedis();
// A fresh database and an emptied Redis database: services that find old streams would be busy, not idle.
const baseUrl = process.env.BENCH_DATABASE_URL ?? pg?.url ?? '';
const dbName = `bench_services_${String(Date.now())}`;
const admin = createDb(loadConfig({ DATABASE_URL: baseUrl }));
await admin.knex.raw(`create database ${dbName}`);
await admin.close();
const redisUrl = `${(process.env.BENCH_REDIS_URL ?? redis?.url ?? '').replace(/\/\d+$/, '')}/15`;
const flush = createRedisClient({ url: redisUrl, healthCheckMs: 0 });
await flush.connect();
await flush.flushDb();
await flush.close();
const env = {
  ...process.env,
  DATABASE_URL: baseUrl.replace(/\/[^/]*$/, `/${dbName}`),
  REDIS_URL: redisUrl,
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
};

interface Started {
  name: string;
  child: ChildProcess;
  healthMs: number;
  rss5?: number;
  rss30?: number;
}
const started: Started[] = [];
try {
  // One at a time, so each start has the machine to itself; the database is migrated by the first.
  for (const name of SERVICES) {
    const [healthPort, apiPort] = [await freePort(), await freePort()];
    const t0 = performance.now();
    const child = spawn(process.execPath, [`services/${name}/dist/main.js`], {
      cwd: root,
      env: { ...env, HEALTH_PORT: String(healthPort), API_PORT: String(apiPort) },
      stdio: 'ignore',
    });
    let healthMs = Number.NaN;
    for (let i = 0; i < 400 && child.exitCode === null; i++) {
      const ok = await fetch(`http://127.0.0.1:${String(healthPort)}/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) {
        healthMs = performance.now() - t0;
        break;
      }
      await sleep(10);
    }
    started.push({ name, child, healthMs });
    setTimeout(
      () => {
        const s = started.find((x) => x.child === child);
        if (s && child.pid) s.rss5 = rssMiB(child.pid);
      },
      5000 - (performance.now() - t0),
    );
  }
  await sleep(30_000);
  for (const s of started) if (s.child.pid) s.rss30 = rssMiB(s.child.pid);
} finally {
  for (const s of started) s.child.kill('SIGTERM');
  await sleep(2000);
  await redis?.stop();
  pg?.stop();
}

console.log(
  `\nServices from dist/ (node ${process.version}), one at a time against real PostgreSQL and Redis\n`,
);
console.log(
  '| service | /health 200 after | RSS 5 s after start | RSS idle (30 s) | targets (≤ 1 s, ≤ 80 MiB idle) |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const s of started) {
  const ok = s.healthMs <= 1000 && (s.rss30 ?? Infinity) <= 80;
  console.log(
    `| ${s.name} | ${s.healthMs.toFixed(0)} ms | ${(s.rss5 ?? Number.NaN).toFixed(0)} MiB | ${(s.rss30 ?? Number.NaN).toFixed(0)} MiB | ${ok ? 'met' : 'NOT met'} |`,
  );
}
