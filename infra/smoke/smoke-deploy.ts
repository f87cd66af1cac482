// `npm run smoke:deploy`: the Pulumi program's own declaration, booted on a real Docker engine.
// Runs the program under Pulumi's mocks, builds the seven images from the Dockerfile as
// infra/src/service-image.ts declares them, creates the declared networks, volumes, containers and
// the migration through the Docker API, checks the running stack, breaks it on purpose, stops it,
// prints one table and removes everything it made. Exit 1 when any check fails.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SERVICES as SERVICE_LIMITS } from '../src/infra-config.js';
import { declareStack } from '../testing/declared-stack.js';
import { type BaseImage, dockerfileBaseImage, ensureBaseImage } from './base-images.js';
import { boot, buildImages, removeAll } from './boot.js';
import {
  backupRestores,
  check,
  type CheckResult,
  dockerHealth,
  eventually,
  expectStatus,
  memoryUse,
  noSecretsExposed,
  prometheusScrapesAll,
  stopTimed,
} from './checks.js';
import { openEngine } from './engine.js';
import { runMutations } from './mutations.js';
import { type SmokeProviders, startSmokeProviders } from './providers.js';
import { newCodeIsDeployed } from './upgrade.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The seven services, as the program declares them. */
const SERVICES = Object.keys(SERVICE_LIMITS);
const started = Date.now();
const log = (line: string) => {
  console.log(`[smoke ${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A generated credential with the characters that broke URLs before (`/`, `+`, `=`). */
const credential = () => `${randomBytes(18).toString('base64')}/+=`;

function npmCafile(): string | undefined {
  try {
    const value = execFileSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).trim();
    return value && value !== 'null' && value !== 'undefined' && existsSync(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const engine = await openEngine(log);
const { docker } = engine;
const results: CheckResult[] = [];
const rows: string[][] = [];
let providers: SmokeProviders | undefined;
try {
  await removeAll(docker);
  const apiPort = await freePort();
  const secrets: Record<string, string> = {
    postgresPassword: credential(),
    redisPassword: credential(),
    apiAuthToken: credential(),
    alpacaApiKey: credential(),
    alpacaApiSecret: credential(),
    finnhubApiKey: credential(),
    anthropicApiKey: credential(),
    telegramBotToken: `4242:${randomBytes(12).toString('hex')}`,
  };
  providers = await startSmokeProviders(docker, {
    alpacaKey: secrets.alpacaApiKey ?? '',
    alpacaSecret: secrets.alpacaApiSecret ?? '',
    finnhubKey: secrets.finnhubApiKey ?? '',
    anthropicKey: secrets.anthropicApiKey ?? '',
    telegramToken: secrets.telegramBotToken ?? '',
  });
  const npmrc = join(homedir(), '.npmrc');
  const cafile = npmCafile();
  const { resources } = await declareStack(
    {
      telegramChatId: '4242',
      apiPort: String(apiPort),
      publishMonitoring: 'true',
      serviceEnv: JSON.stringify({ SYMBOLS: 'GOOG', LOG_LEVEL: 'info', ...providers.serviceEnv }),
      ...(existsSync(npmrc) ? { buildNpmrc: npmrc } : {}),
      ...(cafile ? { buildCaFile: cafile } : {}),
      ...secrets,
    },
    Object.keys(secrets),
  );
  log(`the program declares ${String(resources.length)} resources`);

  const bases = new Map<string, BaseImage>();
  const pinned = resources
    .filter((r) => r.type === 'docker:index/remoteImage:RemoteImage' && r.inputs.build === undefined)
    .map((r) => String(r.inputs.name));
  for (const ref of [dockerfileBaseImage(join(ROOT, 'Dockerfile')), ...pinned]) {
    const base = await ensureBaseImage(docker, ref, log);
    bases.set(ref, base);
    log(`${ref}: ${base.source}${base.use === ref ? '' : ` (${base.use})`}`);
  }
  const built = await buildImages(engine, resources, log);
  const booted = await boot(engine, resources, { built, bases }, log);
  const container = (name: string) => {
    const found = booted.containers.get(name);
    if (!found) throw new Error(`${name} was not declared`);
    return found;
  };
  const token = secrets.apiAuthToken ?? '';
  const api = `http://127.0.0.1:${String(apiPort)}`;

  results.push(
    await check('every container healthy (Docker health status)', async () => {
      const states = await eventually(120, async () => {
        const all = await Promise.all(
          [...booted.containers.values()].map(
            async ({ spec, container: c }) => [spec.name, await dockerHealth(c)] as const,
          ),
        );
        const bad = all.filter(([, s]) => s !== 'healthy' && s !== 'running');
        if (bad.length > 0) throw new Error(bad.map(([n, s]) => `${n}: ${s}`).join(', '));
        return all;
      });
      return `${String(states.length)} containers`;
    }),
    await check('API /health, and Prometheus /metrics, on ports published on 127.0.0.1 only', async () => {
      await expectStatus(`${api}/health`, 200);
      const metrics = await expectStatus('http://127.0.0.1:9090/metrics', 200);
      if (!metrics.includes('# TYPE')) throw new Error('/metrics is not Prometheus text');
      const published = (await container('api').container.inspect()).HostConfig.PortBindings as
        Record<string, { HostIp: string }[]> | undefined;
      const bindings = Object.values(published ?? {}).flat();
      if (bindings.some((b) => b.HostIp !== '127.0.0.1'))
        throw new Error(`published beyond loopback: ${JSON.stringify(bindings)}`);
      return `${api}/health 200; every service's /metrics is checked through Prometheus' targets`;
    }),
    await check('API answers with the token, refuses without it', async () => {
      await expectStatus(`${api}/api/v1/positions`, 200, { Authorization: `Bearer ${token}` });
      await expectStatus(`${api}/api/v1/positions`, 401);
      return '200 with, 401 without';
    }),
    await check('Prometheus scrapes every service and loads the rules', async () =>
      prometheusScrapesAll('http://127.0.0.1:9090', SERVICES),
    ),
    await check('Alertmanager loads its config (Telegram receiver, chat 4242)', async () => {
      const status = JSON.parse(await expectStatus('http://127.0.0.1:9093/api/v2/status', 200)) as {
        config: { original: string };
      };
      if (!status.config.original.includes('chat_id: 4242'))
        throw new Error('the Telegram chat id is not in its config');
      return 'telegram receiver loaded';
    }),
    await check('a backup is written and restores', async () => backupRestores(docker, 'trading', 'trading')),
    await check('no secret in docker logs or docker inspect', async () =>
      noSecretsExposed(docker, [...booted.containers.keys()], Object.values(secrets)),
    ),
  );

  results.push(
    await check(
      'new code: a changed source rebuilds the image, runs the new migration, replaces the container',
      async () => newCodeIsDeployed(engine, resources, container('api').spec, ROOT),
    ),
  );
  booted.containers.set('api', { ...container('api'), container: docker.getContainer('api') });

  const victim = container('order-executor');
  const mutations = await runMutations(
    docker,
    victim.spec,
    booted.imageOf(victim.spec.image),
    container('prometheus').container,
  );
  for (const m of mutations) {
    results.push({ name: `broken on purpose (${m.what}) is caught`, ok: m.detected, detail: m.why });
  }
  booted.containers.set('order-executor', { ...victim, container: docker.getContainer('order-executor') });

  // Measure, then stop in reverse dependency order: services, monitoring, backup, stores.
  const order = [...SERVICES, 'prometheus', 'alertmanager', 'postgres-backup', 'redis', 'postgres'];
  const memory = new Map<string, { usedMb: number; limitMb: number }>();
  for (const name of order) memory.set(name, await memoryUse(container(name).container));
  const sizes = new Map(
    [...built.values()].map((b) => [b.name.split('/')[1]?.split(':')[0] ?? '', b.sizeBytes]),
  );
  for (const name of order) {
    const { spec, container: c } = container(name);
    const health = await dockerHealth(c);
    const grace = spec.stopTimeout ?? 10;
    const stop = await stopTimed(c);
    const mem = memory.get(name) ?? { usedMb: 0, limitMb: 0 };
    const size = sizes.get(name) ?? (await docker.getImage((await c.inspect()).Image).inspect()).Size;
    rows.push([
      name,
      `${String(Math.round(size / 1e6))} MB`,
      health,
      `${String(stop.exitCode)} in ${stop.seconds.toFixed(1)} s (limit ${String(grace)} s)`,
      `${String(mem.usedMb)}/${String(mem.limitMb)} MB`,
    ]);
    const ok =
      stop.exitCode === 0 &&
      stop.seconds < grace &&
      mem.usedMb < mem.limitMb &&
      (health === 'healthy' || health === 'running');
    results.push({
      name: `${name}: healthy, stops cleanly in its grace period, under its memory limit`,
      ok,
      detail: rows.at(-1)?.join(' | ') ?? '',
    });
  }
} catch (error) {
  results.push({ name: 'smoke run', ok: false, detail: (error as Error).stack ?? String(error) });
} finally {
  await providers?.close();
  printReport();
  // `--keep` leaves the stack running to look at (the next run removes it first).
  if (!process.argv.includes('--keep')) {
    await removeAll(docker).catch((error: unknown) => log(`clean-up: ${String(error)}`));
    await engine.close();
  }
}

/** The table and every check's outcome. */
function printReport(): void {
  const header = ['container', 'image', 'health', 'stop exit', 'memory/limit'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(
    `\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`,
  );
  for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    `\nsmoke:deploy: ${String(results.length - failed)} passed, ${String(failed)} failed in ${String(Math.round((Date.now() - started) / 1000))} s`,
  );
}

process.exit(results.some((r) => !r.ok) ? 1 : 0);
