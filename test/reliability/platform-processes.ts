// The pipeline's workers as real processes (built `dist/main.js`, configured only by environment),
// with their output kept for the secret scan, and the checks the reliability suites share.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { freePort, waitFor } from '@trading/testkit';
import knexFactory from 'knex';
import { createClient } from 'redis';

import { CANARIES, keepEmitted } from './report.js';

export { groupState } from '../support/group-state.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** One worker process that can be killed and started again on the same port. */
export interface WorkerProcess {
  service: string;
  port: number;
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Its /metrics page (kept for the secret scan). */
  metrics(): Promise<string>;
}

/** Start `services/<service>/dist/main.js` with only `env`, and wait until it reports healthy. */
export async function startWorker(service: string, env: Record<string, string>): Promise<WorkerProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    const proc = spawn(process.execPath, [join(ROOT, 'services', service, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', HEALTH_PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('exit', () => {
      keepEmitted('logLines', output);
      output = '';
    });
    await waitFor(
      async () => {
        if (proc.exitCode !== null)
          throw new Error(`${service} exited with ${String(proc.exitCode)}: ${output}`);
        const res = await fetch(`http://127.0.0.1:${String(port)}/health`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `${service} healthy` },
    );
  };
  await start();
  return {
    service,
    port,
    start,
    async kill(signal = 'SIGKILL') {
      const proc = child;
      if (proc?.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => {
          resolve();
        });
        proc.kill(signal);
      });
    },
    async metrics() {
      const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
      keepEmitted('metricsPages', text);
      return text;
    },
  };
}

/** A metric's samples on a /metrics page as [labels, value], optionally only those whose labels contain `match`. */
export function metricSamples(page: string, name: string, match = ''): [string, number][] {
  return page
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => l.includes(match))
    .map((l) => [l.slice(name.length, l.lastIndexOf(' ')), Number(l.split(' ').at(-1))]);
}

/** Sum of a metric's samples on a /metrics page, optionally only those whose labels contain `match`. */
export function metricSum(page: string, name: string, match = ''): number {
  return metricSamples(page, name, match).reduce((sum, [, value]) => sum + value, 0);
}

/** A database URL for the canary role: its password is the DATABASE_PASSWORD canary. */
export async function canaryDatabaseUrl(adminUrl: string): Promise<string> {
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(
      `do $$ begin if not exists (select from pg_roles where rolname = 'canary') then create role canary login superuser password '${CANARIES.DATABASE_PASSWORD}'; end if; end $$`,
    );
  } finally {
    await admin.destroy();
  }
  const url = new URL(adminUrl);
  url.username = 'canary';
  url.password = CANARIES.DATABASE_PASSWORD;
  return url.toString();
}
