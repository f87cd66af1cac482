// Throwaway PostgreSQL and Redis servers for tests, started from Debian's binaries when present.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, bin);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The directory holding initdb/pg_ctl, newest version first, if PostgreSQL is installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const dir = join(root, v, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

export function redisServerBin(): string | undefined {
  return which('redis-server');
}

const isRoot = process.getuid?.() === 0;

function asPostgres(cmd: string, args: string[]): void {
  if (isRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
  else execFileSync(cmd, args, { stdio: 'pipe' });
}

/** A running throwaway PostgreSQL cluster. */
export interface PostgresServer {
  url: string;
  port: number;
  dataDir: string;
  stop(): void;
  restart(): void;
}

/** initdb a cluster in a temp dir and start it on a free loopback port (as `postgres` when root). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  const dataDir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  if (isRoot) execFileSync('chown', ['postgres:postgres', dataDir]);
  const port = await freePort();
  asPostgres(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const opts = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = (): void => {
    asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', opts, '-w', '-l', join(dataDir, 'log'), 'start']);
  };
  const stop = (): void => {
    asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop() {
      try {
        stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    restart() {
      stop();
      start();
    },
  };
}

/** A running throwaway redis-server. */
export interface RedisServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGKILL the server and wait for it to be gone. */
  kill(): Promise<void>;
  /** Start it again on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start redis-server on a free port. Persistence is off unless `durable`, which turns on an
 * append-only file fsynced on every write (in a temp dir), so a SIGKILL loses no acknowledged write.
 */
export async function startRedis({ durable = false } = {}): Promise<RedisServer> {
  const bin = redisServerBin();
  if (!bin) throw new Error('redis-server not found on PATH');
  const port = await freePort();
  const dir = durable ? mkdtempSync(join(tmpdir(), 'redis-test-')) : undefined;
  const persistence = dir
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]
    : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          proc.stdout.off('data', onData);
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.once('exit', (code) => {
        reject(new Error(`redis-server exited with ${String(code)}: ${out}`));
      });
    });
    proc.stdout.resume();
  };
  const killWith = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (proc?.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => {
        resolve();
      });
      proc.kill(signal);
    });
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get process() {
      if (!child) throw new Error('redis not started');
      return child;
    },
    kill: async () => killWith('SIGKILL'),
    start: launch,
    stop: async () => {
      await killWith('SIGTERM');
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
