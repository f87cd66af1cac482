// API benchmark: requests/s and p99 latency of an authenticated `GET /api/v1/signals?limit=50` on a
// 100,000-row table, side by side in the same run with a bare Koa handler returning a constant.
// Usage: npm run bench:api   (BENCH_DATABASE_URL / BENCH_REDIS_URL to use running servers;
// otherwise throwaway ones are started)
import { fork } from 'node:child_process';

import { startPostgres, startRedis } from '@trading/testkit';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 32;
const ROUNDS = 2;

const pg = process.env.BENCH_DATABASE_URL ? undefined : await startPostgres();
const redis = process.env.BENCH_REDIS_URL ? undefined : await startRedis();
const child = fork(new URL('./serve.ts', import.meta.url).pathname, {
  execArgv: [
    '--import',
    'tsx',
    '--conditions=source',
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
  ],
  env: {
    ...process.env,
    BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL ?? pg?.url,
    BENCH_REDIS_URL: process.env.BENCH_REDIS_URL ?? redis?.url,
  },
});
const ports = await new Promise<{ api: number; bare: number; barePg: number; bareBytes: number }>(
  (resolve, reject) => {
    child.once('message', (m) => {
      resolve(m as { api: number; bare: number; barePg: number; bareBytes: number });
    });
    child.once('exit', (code) => {
      reject(new Error(`server process exited with ${String(code)}`));
    });
  },
);

interface Row {
  round: number;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string> = {}): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
}

const rows: Row[] = [];
const apiUrl = `http://127.0.0.1:${String(ports.api)}/api/v1/signals?limit=50`;
const barePgUrl = `http://127.0.0.1:${String(ports.barePg)}/`;
// The two database-backed handlers must answer the same bytes, or the comparison says nothing.
const [apiBody, barePgBody] = await Promise.all([
  fetch(apiUrl, { headers: { Authorization: 'Bearer bench-token' } }).then(async (r) => r.text()),
  fetch(barePgUrl).then(async (r) => r.text()),
]);
if (apiBody !== barePgBody)
  throw new Error(
    `the bare pg handler's body differs from the API's:\n${apiBody.slice(0, 300)}\n${barePgBody.slice(0, 300)}`,
  );
const targets = [
  { name: 'bare Koa, constant body', url: `http://127.0.0.1:${String(ports.bare)}/` },
  {
    name: `bare Koa, the same ${String(apiBody.length)} bytes as a constant`,
    url: `http://127.0.0.1:${String(ports.bareBytes)}/`,
  },
  { name: `bare pg + JSON.stringify, the same ${String(apiBody.length)} bytes`, url: barePgUrl },
  { name: 'API GET /api/v1/signals?limit=50', url: apiUrl, headers: { Authorization: 'Bearer bench-token' } },
];
// Warm-up: JIT, pool connections, PostgreSQL's buffer cache.
for (const t of targets)
  await autocannon({ url: t.url, connections: CONNECTIONS, duration: 2, headers: t.headers });
for (let round = 1; round <= ROUNDS; round++) {
  for (const t of targets) {
    const r = await load(t.url, t.headers);
    rows.push({
      round,
      target: t.name,
      rps: Math.round(r.requests.average),
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    });
  }
}
child.disconnect();
await new Promise((resolve) => child.once('exit', resolve));
await redis?.stop();
pg?.stop();

console.log(`| run | target | requests/s | p50 ms | p99 ms | non-2xx | errors |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
for (const r of rows)
  console.log(
    `| ${String(r.round)} | ${r.target} | ${r.rps.toLocaleString('en-US')} | ${String(r.p50)} | ${String(r.p99)} | ${String(r.non2xx)} | ${String(r.errors)} |`,
  );
for (let round = 1; round <= ROUNDS; round++) {
  const [bare, bareBytes, barePg, api] = rows.filter((r) => r.round === round);
  const pct = (of: Row): string => `${((100 * (api?.rps ?? 0)) / of.rps).toFixed(0)}%`;
  if (bare && bareBytes && barePg && api)
    console.log(
      `run ${String(round)}: API at ${pct(barePg)} of the bare pg handler, ${pct(bareBytes)} of bare Koa with the same bytes, ${pct(bare)} of bare Koa with {"ok":true}`,
    );
}
