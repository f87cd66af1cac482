// The Docker engine the smoke runs on: the local one, started when none answers (CI machines
// have Debian's dockerd but nothing starts it), and a docker CLI that builds with BuildKit.
import { execFile, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { promisify } from 'node:util';

import Docker from 'dockerode';

const run = promisify(execFile);

/** The engine, and how to stop it when the smoke started it. */
export interface Engine {
  docker: Docker;
  startedHere: boolean;
  /** The argv prefix of a BuildKit build that loads its result into the engine. */
  build: { argv: string[]; env: NodeJS.ProcessEnv };
  close(): Promise<void>;
}

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** A docker CLI that can build with BuildKit: buildx when installed, else a 20.10 CLI's own. */
async function buildkitCli(): Promise<Engine['build']> {
  try {
    await run('docker', ['buildx', 'version']);
    return { argv: ['docker', 'buildx', 'build', '--load'], env: process.env };
  } catch {
    // No buildx: Docker 23+ CLIs refuse DOCKER_BUILDKIT=1 without it, a 20.10 CLI (Debian's) has it built in.
  }
  for (const cli of ['/usr/bin/docker', 'docker']) {
    try {
      const { stdout } = await run(cli, ['version', '--format', '{{.Client.Version}}']);
      if (Number(stdout.trim().split('.')[0]) < 23) {
        return { argv: [cli, 'build'], env: { ...process.env, DOCKER_BUILDKIT: '1' } };
      }
    } catch {
      // not this one
    }
  }
  throw new Error('no docker CLI here builds with BuildKit: install docker-buildx (or Debian docker.io)');
}

/** Connect to the local engine, starting `dockerd` (as root) when none answers. */
export async function openEngine(log: (line: string) => void): Promise<Engine> {
  const docker = new Docker();
  let daemon: ReturnType<typeof spawn> | undefined;
  if (!(await answers(docker))) {
    if (process.getuid?.() !== 0)
      throw new Error('no Docker engine answers, and only root can start dockerd');
    log('starting dockerd');
    const out = openSync('/tmp/smoke-dockerd.log', 'a');
    daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
    daemon.unref();
    const deadline = Date.now() + 60_000;
    while (!(await answers(docker))) {
      if (Date.now() > deadline)
        throw new Error('dockerd did not answer within 60 s: see /tmp/smoke-dockerd.log');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return {
    docker,
    startedHere: daemon !== undefined,
    build: await buildkitCli(),
    async close() {
      if (!daemon?.pid) return;
      // Referenced again: an unreferenced child's exit would not keep this process waiting for it.
      daemon.ref();
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      process.kill(daemon.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** Run a command, rejecting with its output when it fails. */
export async function sh(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<string> {
  const [cmd = '', ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      code === 0
        ? resolve(out)
        : reject(new Error(`${argv.join(' ')} exited ${String(code)}:\n${out.slice(-4000)}`));
    });
    child.stdin.end(options.input ?? '');
  });
}
