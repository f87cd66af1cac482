// What a newcomer sees when `npm start` cannot start: one line naming the problem and the setting
// that fixes it, exit 78, no "running" banner, and nothing compiled or started first.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '@trading/testkit';
import { expect } from 'chai';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Run `npm start`'s script to its end; what it printed and its exit code. */
async function start(
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_V8_COVERAGE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, out, err };
}

describe('npm start refuses what it cannot start with, in one line, before starting anything', function () {
  this.timeout(90_000);
  let dir: string;
  beforeEach(() => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'start-console-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a setting that is not JSON: names it, with an example, exit 78, no banner', async () => {
    const run = await start({ DATA_DIR: dir, STRATEGY_PARAMS: '{fast:5}' });
    expect(run.code).to.equal(78);
    expect(run.err).to.include('STRATEGY_PARAMS: "STRATEGY_PARAMS" is not JSON ({fast:5})');
    expect(run.out).not.to.include('running');
  });

  it('an unknown strategy: named with the known ones, exit 78, no stack trace', async () => {
    const run = await start({ DATA_DIR: dir, STRATEGIES: 'smaa' });
    expect(run.code).to.equal(78);
    expect(run.err).to.include("STRATEGIES: unknown strategy 'smaa'; known: sma-cross");
    expect(run.err).not.to.match(/\n\s+at /);
  });

  it('a strategy file that does not load: names the file and why in one line, exit 78, no stack trace', async () => {
    const strategies = mkdtempSync(join(ROOT, '.tmp', 'start-strategies-'));
    try {
      writeFileSync(join(strategies, 'half-written.ts'), 'export default defineStrategy({ name: ');
      const run = await start({ DATA_DIR: dir, STRATEGIES_DIR: strategies });
      expect(run.code).to.equal(78);
      expect(run.err).to.match(/^not starting: strategy file .*half-written\.ts: .+$/m);
      expect(run.err.trim().split('\n')).to.have.length(1);
      expect(run.out).not.to.include('running');
    } finally {
      rmSync(strategies, { recursive: true, force: true });
    }
  });

  it('the API port in use: names the port and API_PORT, exit 78, no banner pointing at another program', async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const run = await start({ DATA_DIR: dir, API_PORT: String(port) });
      expect(run.code).to.equal(78);
      expect(run.err).to.include(
        `port ${String(port)} on 127.0.0.1 is already in use by another program: stop it, or set API_PORT to a free port, e.g. API_PORT=${String(port + 1)}`,
      );
      expect(run.out).not.to.include('running');
    } finally {
      squatter.close();
    }
  });

  it("the health port in use (freqtrade's 8080): names HEALTH_PORT at once, exit 78, nothing started", async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const run = await start({
        DATA_DIR: dir,
        API_PORT: String(await freePort()),
        HEALTH_PORT: String(port),
      });
      expect(run.code).to.equal(78);
      expect(run.err).to.include(
        `port ${String(port)} on 127.0.0.1 is already in use by another program: stop it, or set HEALTH_PORT to a free port`,
      );
      expect(run.err).not.to.match(/\n\s+at /);
      expect(run.out).not.to.include('running');
    } finally {
      squatter.close();
    }
  });

  it('Alpaca keys without API_AUTH_TOKEN (paper or live): names API_AUTH_TOKEN, exit 78, nothing started', async () => {
    for (const url of ['https://paper-api.alpaca.markets', 'https://api.alpaca.markets']) {
      const run = await start({
        DATA_DIR: dir,
        ALPACA_API_KEY: 'key',
        ALPACA_API_SECRET: 'secret',
        ALPACA_TRADING_URL: url,
      });
      expect(run.code, url).to.equal(78);
      expect(run.err.trim().split('\n'), url).to.have.length(1);
      expect(run.err, url).to.include('API_AUTH_TOKEN: required when trading through Alpaca');
      expect(run.out, url).not.to.include('running');
    }
  });

  it('a data folder another platform runs on: names its pid, exit 78, the other one untouched', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(dir, 'platform.lock'), `${String(other.pid)}\n`);
      const run = await start({ DATA_DIR: dir, API_PORT: String(await freePort()) });
      expect(run.code).to.equal(78);
      expect(run.err).to.include(`another platform (pid ${String(other.pid)}) is running on DATA_DIR ${dir}`);
      expect(other.exitCode).to.equal(null);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('a data folder that cannot be written: says DATA_DIR is not writable and why, not ENOENT', async () => {
    writeFileSync(join(dir, 'file'), '');
    const data = join(dir, 'file', 'data');
    const run = await start({ DATA_DIR: data, API_PORT: String(await freePort()) });
    expect(run.code).to.equal(78);
    expect(run.err).to.include(`DATA_DIR ${data} is not writable (ENOTDIR: a file is in the way)`);
  });
});
