// `npm start`'s simulation killed with SIGKILL at random moments, ten times (during start, right
// after a fill, at any moment), and started again each time on the same DATA_DIR. After every
// restart the paper broker and the platform must agree: no fill the platform was told of is lost at
// the broker, positions equal the broker's, none is negative (the strategies are long-only), and
// reconciliation never had to post an adjusting entry. Before the paper account was saved at every
// change, three kills left SIM1 at −8 shares.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { keepEmitted } from './report.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TOKEN = 'crash-test-token-5ad1';
const KILLS = 10;

interface Broker {
  positions: [string, { qty: string }][];
  orders: { client_order_id: string; status: string; filled_qty: string }[];
}

/** A seeded pseudo-random sequence, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('reliability: the simulation killed at random moments keeps broker and platform in step', function () {
  this.timeout(20 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'paper-crash-'));
  const random = seeded(Number(process.env.CRASH_SEED ?? 20_261_128));
  let apiPort = 0;
  let child: ChildProcess | undefined;
  let output = '';

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${String(apiPort)}/api/v1${path}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    if (res.status !== 200) throw new Error(`GET ${path}: ${String(res.status)}`);
    return ((await res.json()) as { data: T }).data;
  };
  /** The paper broker's account as it is on disk (none before its first order). */
  const broker = (): Broker => {
    const file = join(dir, 'simulation', 'alpaca-account.json');
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Broker)
      : { positions: [], orders: [] };
  };

  const start = (): ChildProcess => {
    output = '';
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(ROOT, 'scripts/start.ts')],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          DATA_DIR: dir,
          API_PORT: String(apiPort),
          API_AUTH_TOKEN: TOKEN,
          API_RATE_LIMIT_PER_MIN: '100000',
          RISK_COOLDOWN_SECONDS: '1',
          SIM_BAR_MS: '250',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    proc.once('exit', () => keepEmitted('logLines', output));
    child = proc;
    return proc;
  };
  const healthy = async (proc: ChildProcess) =>
    waitFor(
      async () => {
        if (proc.exitCode !== null)
          throw new Error(`the platform exited ${String(proc.exitCode)}:\n${output}`);
        const res = await fetch(`http://127.0.0.1:${String(apiPort)}/health`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'the platform healthy' },
    );
  const kill9 = async (proc: ChildProcess) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  const filledCount = async () => (await api<{ status: string }[]>('/orders?status=filled&limit=500')).length;

  let mismatch = '';
  /** Broker and platform agree (retried while an order in flight settles). */
  const inStep = async (round: number) =>
    waitFor(
      async () => {
        const platform = await api<{ symbol: string; qty: string }[]>('/positions');
        const ours = new Map(platform.map((p) => [p.symbol, Number(p.qty)]));
        for (const [symbol, qty] of ours)
          expect(qty, `round ${String(round)}: ${symbol} negative`).to.be.at.least(0);
        const filled = await api<{ clientOrderId: string; filledQty: string }[]>(
          '/orders?status=filled&limit=500',
        );
        // Read after the platform's answers: a fill between the two reads is then at the broker
        // too (it is saved before it is answered), instead of looking lost in an older snapshot.
        const state = broker();
        // The state file keeps quantities in micro-units.
        const atBroker = new Map(state.positions.map(([s, p]) => [s, Number(p.qty) / 1e6]));
        const brokerOrders = new Map(state.orders.map((o) => [o.client_order_id, o]));
        for (const o of filled) {
          const there = brokerOrders.get(o.clientOrderId);
          expect(
            there?.status,
            `round ${String(round)}: fill of ${o.clientOrderId} lost at the broker`,
          ).to.equal('filled');
        }
        const symbols = new Set([...atBroker.keys(), ...ours.keys()]);
        mismatch = [...symbols]
          .filter((s) => (atBroker.get(s) ?? 0) !== (ours.get(s) ?? 0))
          .map((s) => `${s}: broker ${String(atBroker.get(s) ?? 0)}, platform ${String(ours.get(s) ?? 0)}`)
          .join('; ');
        return mismatch === '';
      },
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: `round ${String(round)}: platform positions equal the broker's`,
      },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last seen: ${mismatch}\n${output.slice(-3000)}`);
    });

  before(async () => {
    apiPort = await freePort();
  });
  after(async () => {
    if (child) await kill9(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${String(KILLS)} kills (during start, right after a fill, at random): no fill lost, positions equal, none negative, no adjustment`, async () => {
    const log: string[] = [];
    for (let round = 1; round <= KILLS; round++) {
      const proc = start();
      const moment = round % 3 === 1 ? 'during start' : round % 3 === 2 ? 'right after a fill' : 'at random';
      if (moment === 'during start') {
        await new Promise((resolve) => setTimeout(resolve, 500 + random() * 4000));
        if (proc.exitCode === null) await kill9(proc);
        log.push(`round ${String(round)}: killed ${moment}`);
        continue;
      }
      await healthy(proc);
      await inStep(round);
      if (moment === 'right after a fill') {
        const before = await filledCount();
        await waitFor(async () => (await filledCount()) > before, {
          timeoutMs: 60_000,
          intervalMs: 20,
          what: 'a new fill',
        });
      } else {
        await new Promise((resolve) => setTimeout(resolve, random() * 5000));
      }
      await kill9(proc);
      log.push(
        `round ${String(round)}: killed ${moment}, ${String(broker().orders.length)} orders at the broker`,
      );
    }
    const last = start();
    await healthy(last);
    await inStep(KILLS + 1);
    const fills = await filledCount();
    expect(fills, 'the simulation traded').to.be.greaterThan(0);
    const positions = await api<{ symbol: string }[]>('/positions');
    for (const { symbol } of positions) {
      const entries = await api<{ kind: string; reason: string | null }[]>(
        `/positions/${symbol}/entries?limit=500`,
      );
      expect(
        entries.filter((e) => e.kind === 'adjustment').map((e) => e.reason),
        `${symbol}: reconciliation had to adjust`,
      ).to.deep.equal([]);
    }
    console.log(
      `      ${log.join('\n      ')}\n      ${String(fills)} fills, ${String(positions.length)} positions in step`,
    );
  });
});
