// What the smoke asserts on the booted stack, each a named check that passes or says why not.
import type Docker from 'dockerode';

import type { DeclaredContainer } from './container-spec.js';

/** One check's outcome. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Run `fn` as the check `name`: a throw is a failure with its message. */
export async function check(name: string, fn: () => Promise<string>): Promise<CheckResult> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (error) {
    return { name, ok: false, detail: (error as Error).message };
  }
}

/** Poll `probe` every second until it returns a value or `seconds` pass (then throw its last error). */
export async function eventually<T>(seconds: number, probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Run a command in a container: its exit code and output. */
export async function execIn(
  container: Docker.Container,
  cmd: string[],
): Promise<{ exitCode: number; output: string }> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    // Docker multiplexes stdout and stderr in 8-byte-framed chunks; keep the payloads.
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const raw = Buffer.concat(chunks);
  let output = '';
  for (let i = 0; i + 8 <= raw.length;) {
    const size = raw.readUInt32BE(i + 4);
    output += raw.subarray(i + 8, i + 8 + size).toString();
    i += 8 + size;
  }
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, output };
}

/** A GET that must answer `status`; returns the body. */
export async function expectStatus(
  url: string,
  status: number,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (response.status !== status)
    throw new Error(`GET ${url}: ${String(response.status)}, expected ${String(status)}`);
  return body;
}

/** The container's own health status, as Docker reports it. */
export async function dockerHealth(container: Docker.Container): Promise<string> {
  const { State } = await container.inspect();
  return State.Health?.Status ?? (State.Running ? 'running' : State.Status);
}

/**
 * The declared healthcheck, run now in the container (not waiting for Docker's interval), and the
 * container still running and not restarting: what a wrong port, setting or limit breaks.
 */
export async function declaredHealthPasses(
  container: Docker.Container,
  spec: DeclaredContainer,
): Promise<string> {
  const { State } = await container.inspect();
  if (!State.Running || State.Restarting)
    throw new Error(`${spec.name} is ${State.Status} (exit ${String(State.ExitCode)})`);
  const tests = spec.healthcheck?.tests ?? [];
  if (tests[0] !== 'CMD') return 'running (no exec healthcheck)';
  const { exitCode, output } = await execIn(container, tests.slice(1));
  if (exitCode !== 0)
    throw new Error(`${spec.name}: its healthcheck exits ${String(exitCode)} ${output.trim()}`);
  return 'healthcheck passes';
}

/** Every Prometheus target of the `services` job up, and the alert rules loaded. */
export async function prometheusScrapesAll(base: string, services: string[]): Promise<string> {
  const targets = await eventually(90, async () => {
    const body = JSON.parse(await expectStatus(`${base}/api/v1/targets`, 200)) as {
      data: {
        activeTargets: { labels: { service?: string; job: string }; health: string; lastError: string }[];
      };
    };
    const active = body.data.activeTargets.filter((t) => t.labels.job === 'services');
    const down = services.filter((s) => active.find((t) => t.labels.service === s)?.health !== 'up');
    if (down.length > 0) {
      const why = down.map(
        (s) => `${s}: ${active.find((t) => t.labels.service === s)?.lastError ?? 'no target'}`,
      );
      throw new Error(`targets not up: ${why.join('; ')}`);
    }
    return active.length;
  });
  const rules = JSON.parse(await expectStatus(`${base}/api/v1/rules`, 200)) as {
    data: { groups: { rules: unknown[] }[] };
  };
  const count = rules.data.groups.reduce((n, g) => n + g.rules.length, 0);
  if (count === 0) throw new Error('no alert rules loaded');
  return `${String(targets)} targets up, ${String(count)} rules loaded`;
}

/** No secret value in any container's logs or `docker inspect`. */
export async function noSecretsExposed(docker: Docker, names: string[], secrets: string[]): Promise<string> {
  const leaks: string[] = [];
  for (const name of names) {
    const container = docker.getContainer(name);
    const inspect = JSON.stringify(await container.inspect());
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })).toString();
    for (const secret of secrets) {
      const forms = [secret, encodeURIComponent(secret)];
      if (forms.some((f) => inspect.includes(f))) leaks.push(`${name}: docker inspect`);
      if (forms.some((f) => logs.includes(f))) leaks.push(`${name}: docker logs`);
    }
  }
  if (leaks.length > 0) throw new Error(`secret values exposed: ${[...new Set(leaks)].join(', ')}`);
  return `${String(names.length)} containers, ${String(secrets.length)} secrets: none in logs or inspect`;
}

/** Memory in use and the limit, from one stats sample. */
export async function memoryUse(container: Docker.Container): Promise<{ usedMb: number; limitMb: number }> {
  const stats = (await container.stats({ stream: false })) as {
    memory_stats: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
  };
  const m = stats.memory_stats;
  const used = (m.usage ?? 0) - (m.stats?.inactive_file ?? m.stats?.cache ?? 0);
  return { usedMb: Math.round(used / 2 ** 20), limitMb: Math.round((m.limit ?? 0) / 2 ** 20) };
}

/**
 * `docker stop` as a user or a reboot does it, with the container's own stop timeout (declared
 * `stopTimeout`): how long it took and the exit code.
 */
export async function stopTimed(
  container: Docker.Container,
): Promise<{ seconds: number; exitCode: number; oomKilled: boolean }> {
  const started = Date.now();
  await container.stop();
  const { State } = await container.inspect();
  return { seconds: (Date.now() - started) / 1000, exitCode: State.ExitCode, oomKilled: State.OOMKilled };
}

/**
 * A fresh dump by the backup job (restarted: it dumps at start), restored with its restore.sh into
 * a scratch database, holding as many tables as the platform's.
 */
export async function backupRestores(docker: Docker, user: string, database: string): Promise<string> {
  const backup = docker.getContainer('postgres-backup');
  const postgres = docker.getContainer('postgres');
  const dumps = async () =>
    (await execIn(backup, ['ls', '/backups'])).output.split('\n').filter((f) => f.endsWith('.dump'));
  const before = await dumps();
  await backup.restart();
  const file = await eventually(60, async () => {
    const fresh = (await dumps()).filter((f) => !before.includes(f));
    if (!fresh[0]) throw new Error('the backup job wrote no new dump within 60 s');
    return fresh[0];
  });
  const restore = await execIn(backup, ['/bin/sh', '/etc/backup/restore.sh', file, 'trading_restore_check']);
  if (restore.exitCode !== 0)
    throw new Error(`restore.sh exited ${String(restore.exitCode)}: ${restore.output}`);
  const tables = async (db: string) => {
    const sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'";
    const { output } = await execIn(postgres, ['psql', '-U', user, '-d', db, '-tAc', sql]);
    return Number(output.trim());
  };
  const [live, restored] = [await tables(database), await tables('trading_restore_check')];
  if (!(live > 0 && restored === live))
    throw new Error(`restored ${String(restored)} tables of ${String(live)}`);
  return `${file} restored: ${String(restored)} tables`;
}
