import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { loadConfig } from '@trading/platform';
import { captureLogger, redisServerBin, requireRedis, runTs, startRedis, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { type Broker, createBroker } from './broker.js';
import { createEvent } from './event-envelope.js';

const FIXTURE = fileURLToPath(new URL('../../testkit/src/consumer-fixture.ts', import.meta.url));

describe('Broker faults on real Redis', function () {
  this.timeout(120_000);
  before(function () {
    requireRedis(this);
    if (!redisServerBin()) this.skip();
  });

  it('loses no event when redis-server is killed and restarted under 10,000 events and two consumers', async () => {
    const server = await startRedis({ durable: true });
    const env = {
      REDIS_URL: server.url,
      STREAM_VISIBILITY_TIMEOUT_MS: '2000',
      RETRY_MAX_RETRIES: '20',
      RETRY_BASE_DELAY_MS: '50',
      RETRY_MAX_DELAY_MS: '500',
    };
    const deps = { logger: captureLogger([], 'error').logger };
    const producer = await createBroker(loadConfig(env), deps);
    const consumers: Broker[] = [
      await createBroker(loadConfig(env), deps),
      await createBroker(loadConfig(env), deps),
    ];
    const stream = `faults.${randomUUID()}`;
    const handled = new Map<number, number>();
    for (const [i, broker] of consumers.entries()) {
      await broker.consume(stream, 'workers', `c${i}`, async (event) => {
        const n = event.payload as number;
        handled.set(n, (handled.get(n) ?? 0) + 1);
      });
    }
    const TOTAL = 10_000;
    let outage: Promise<void> | undefined;
    const started = Date.now();
    try {
      for (let i = 0; i < TOTAL; i += 50) {
        if (i === 3000) {
          outage = (async () => {
            await server.kill();
            await new Promise((r) => setTimeout(r, 1000));
            await server.start();
          })();
        }
        await Promise.all(
          Array.from({ length: Math.min(50, TOTAL - i) }, async (_, k) =>
            producer.publish(stream, createEvent('n', i + k)),
          ),
        );
      }
      await outage;
      await waitFor(() => handled.size === TOTAL, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'every event handled',
      });
      const deliveries = [...handled.values()].reduce((a, b) => a + b, 0);
      console.log(
        `      redis kill/restart: ${TOTAL} published, ${handled.size} handled, ${TOTAL - handled.size} lost, ` +
          `${deliveries - TOTAL} duplicate deliveries, ${Date.now() - started} ms`,
      );
      expect(handled.size).to.equal(TOTAL);
    } finally {
      await Promise.all([producer, ...consumers].map(async (b) => b.close()));
      await server.stop();
    }
  });

  it('hands a SIGKILLed consumer’s in-flight event to the other consumer after the visibility timeout', async () => {
    const env = { REDIS_URL: process.env.TEST_REDIS_URL ?? '', STREAM_VISIBILITY_TIMEOUT_MS: '500' };
    const stream = `faults.${randomUUID()}`;
    const child = runTs(FIXTURE, [stream, 'workers', 'doomed', '60000'], env);
    await child.waitFor('ready');
    const broker = await createBroker(loadConfig(env), { logger: captureLogger().logger });
    try {
      await broker.publish(stream, createEvent('job', 'job-1'));
      await child.waitFor('handling job-1');
      child.process.kill('SIGKILL');
      await child.exited;
      const seen: { payload: unknown; deliveries: number }[] = [];
      await broker.consume(
        stream,
        'workers',
        'survivor',
        async (e, info) => void seen.push({ payload: e.payload, deliveries: info.deliveries }),
      );
      await waitFor(() => seen.length === 1, { timeoutMs: 10_000, what: 'the orphaned event' });
      expect(seen[0]).to.deep.equal({ payload: 'job-1', deliveries: 2 });
      await waitFor(async () => (await broker.pending(stream, 'workers')) === 0, { what: 'ack' });
    } finally {
      await broker.close();
    }
  });

  it('on SIGTERM a consumer finishes the handler in flight, acks, and exits 0', async () => {
    const env = { REDIS_URL: process.env.TEST_REDIS_URL ?? '' };
    const stream = `faults.${randomUUID()}`;
    const child = runTs(FIXTURE, [stream, 'workers', 'polite', '500'], env);
    await child.waitFor('ready');
    const broker = await createBroker(loadConfig(env), { logger: captureLogger().logger });
    try {
      await broker.publish(stream, createEvent('job', 'job-2'));
      await child.waitFor('handling job-2');
      child.process.kill('SIGTERM');
      expect(await child.exited).to.equal(0);
      expect(child.lines).to.include('handled job-2');
      expect(await broker.pending(stream, 'workers')).to.equal(0);
    } finally {
      await broker.close();
    }
  });
});
