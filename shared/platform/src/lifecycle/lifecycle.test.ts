import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';
import sinon from 'sinon';

import { createLifecycle } from './lifecycle.js';

const FIXTURE = fileURLToPath(new URL('../../../testkit/src/lifecycle-fixture.ts', import.meta.url));

interface Run {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
  waitFor(line: string): Promise<void>;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', FIXTURE, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.line === line)) w.resolve();
    }
  });
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    exited,
    waitFor: async (line) =>
      lines.includes(line) ? undefined : new Promise<void>((resolve) => waiters.push({ line, resolve })),
  };
}

describe('lifecycle in a real process', function () {
  this.timeout(30_000);

  it('on SIGTERM stops intake, lets in-flight work finish, closes in reverse order and exits 0', async () => {
    const proc = run(['400', '5000']);
    await proc.waitFor('ready');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).to.equal(0);
    expect(proc.lines.slice(proc.lines.indexOf('ready') + 1)).to.deep.equal([
      'stop-intake',
      'work-done',
      'closed server',
      'closed broker',
      'closed db',
    ]);
  });

  it('on SIGINT does the same', async () => {
    const proc = run(['50', '5000']);
    await proc.waitFor('ready');
    proc.child.kill('SIGINT');
    expect(await proc.exited).to.equal(0);
    expect(proc.lines).to.include('closed db');
  });

  it('a second signal exits non-zero at once', async () => {
    const proc = run(['20000', '30000']);
    await proc.waitFor('ready');
    proc.child.kill('SIGTERM');
    await proc.waitFor('stop-intake');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).to.equal(1);
    expect(proc.lines).not.to.include('work-done');
  });

  it('an expired grace period exits non-zero', async () => {
    const proc = run(['20000', '300']);
    await proc.waitFor('ready');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).to.equal(1);
    expect(proc.lines).not.to.include('work-done');
    expect(proc.lines).to.include('closed db');
  });

  it('a bad config exits 78 before anything starts, listing every bad key', async () => {
    const proc = run(['10', '5000'], {
      HEALTH_PORT: '80',
      LOG_LEVEL: 'chatty',
      RISK_MAX_POSITION_SIZE: '-1',
    });
    expect(await proc.exited).to.equal(78);
    expect(proc.lines).not.to.include('started');
    const err = proc.stderr.join('');
    expect(err).to.include('HEALTH_PORT');
    expect(err).to.include('LOG_LEVEL');
    expect(err).to.include('RISK_MAX_POSITION_SIZE');
  });
});

describe('createLifecycle', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => {
    clock.restore();
  });

  it('aborts its signal when shutdown begins, and shuts down once however often asked', async () => {
    const { logger } = captureLogger();
    const lifecycle = createLifecycle({ logger, graceMs: 1000 });
    const close = sinon.spy();
    lifecycle.add('r', { close });
    expect(lifecycle.stopping).to.equal(false);
    const [a, b] = await Promise.all([lifecycle.shutdown('test'), lifecycle.shutdown('again')]);
    expect(lifecycle.signal.aborted).to.equal(true);
    expect([a, b]).to.deep.equal([0, 0]);
    expect(close.callCount).to.equal(1);
  });

  it('reports 1 when a resource fails to close, and still closes the others', async () => {
    const { logger, records } = captureLogger();
    const lifecycle = createLifecycle({ logger, graceMs: 1000 });
    const first = sinon.spy();
    lifecycle.add('first', { close: first });
    lifecycle.add('bad', { close: async () => Promise.reject(new Error('stuck')) });
    expect(await lifecycle.shutdown('test')).to.equal(1);
    expect(first.calledOnce).to.equal(true);
    expect(records().some((r) => r.message === 'failed to close resource' && r.resource === 'bad')).to.equal(
      true,
    );
  });

  it('waits for tracked work within the grace period', async () => {
    const { logger } = captureLogger();
    const lifecycle = createLifecycle({ logger, graceMs: 1000 });
    let finished = false;
    void lifecycle.track(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          finished = true;
          resolve();
        }, 900),
      ),
    );
    const code = lifecycle.shutdown('test');
    await clock.tickAsync(900);
    expect(await code).to.equal(0);
    expect(finished).to.equal(true);
  });
});
