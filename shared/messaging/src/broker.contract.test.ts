import { randomUUID } from 'node:crypto';

import { CircuitOpenError, DataError, TransientError } from '@trading/domain';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { captureLogger, requireRedis, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { Broker, brokerSettings, createBroker } from './broker.js';
import { createEvent, deadLetterStream, type EventEnvelope } from './event-envelope.js';
import { MemoryTransport } from './memory-transport.js';
import { RedisTransport } from './redis-transport.js';
import type { StreamTransport } from './stream-transport.js';

const settings = {
  STREAM_VISIBILITY_TIMEOUT_MS: '300',
  STREAM_MAX_DELIVERIES: '3',
  STREAM_MAXLEN: '1000',
  RETRY_BASE_DELAY_MS: '10',
};

async function deadLetterCount(metrics: Metrics): Promise<number> {
  const m = await metrics.errorsTotal.get();
  return m.values.find((v) => v.labels.kind === 'dead_letter')?.value ?? 0;
}

for (const kind of ['redis', 'memory'] as const) {
  describe(`Broker contract [${kind}]`, function () {
    this.timeout(30_000);
    let broker: Broker;
    let metrics: Metrics;
    let raw: StreamTransport;
    let fatal: unknown[];
    let stream: string;
    const group = 'workers';

    before(function () {
      if (kind === 'redis') requireRedis(this);
    });

    beforeEach(async () => {
      const env = kind === 'redis' ? { ...settings, REDIS_URL: process.env.TEST_REDIS_URL ?? '' } : settings;
      metrics = createMetrics('test');
      fatal = [];
      const deps = {
        logger: captureLogger().logger,
        metrics,
        onFatal: async (err: unknown) => void fatal.push(err),
      };
      if (kind === 'redis') {
        broker = await createBroker(loadConfig(env), deps);
        raw = await RedisTransport.connect({ url: process.env.TEST_REDIS_URL ?? '', healthCheckMs: 30_000 });
      } else {
        // The twin lives in its broker's process: write raw entries through the same instance.
        raw = new MemoryTransport();
        broker = new Broker(raw, brokerSettings(loadConfig(env)), deps);
      }
      stream = `test.${randomUUID()}`;
    });

    afterEach(async () => {
      await broker.close();
      if (kind === 'redis') await raw.close();
    });

    it('is the implementation the config asks for', () => {
      expect(broker.kind).to.equal(kind);
    });

    it('refuses to publish an invalid envelope, publishing nothing', async () => {
      const bad = { ...createEvent('candle.closed', {}), occurredAt: 'yesterday' };
      const err = await broker.publish(stream, bad).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DataError);
      expect((err as Error).message).to.include('occurredAt');
      expect(await broker.length(stream)).to.equal(0);
    });

    it('publishes a batch in one call, in order; one invalid envelope publishes none of it', async () => {
      const events = [1, 2, 3].map((i) => createEvent('candle.closed', { i }));
      const ids = await broker.publishMany(stream, events);
      expect(ids).to.have.length(3);
      const seen: string[] = [];
      await broker.consume(stream, group, 'a', async (e) => void seen.push(e.id));
      await waitFor(() => seen.length === 3, { what: 'the batch' });
      expect(seen).to.deep.equal(events.map((e) => e.id));
      const bad = { ...createEvent('candle.closed', {}), occurredAt: 'yesterday' };
      const err = await broker.publishMany(stream, [createEvent('x', {}), bad]).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DataError);
      expect(await broker.length(stream)).to.equal(3);
    });

    it('with concurrency, handles events of different keys at once and those of one key in order', async () => {
      const symbols = ['A', 'B', 'C'];
      const events = [0, 1, 2, 3].flatMap((i) => symbols.map((symbol) => createEvent('x', { symbol, i })));
      await broker.publishMany(stream, events);
      const seen: { symbol: string; i: number }[] = [];
      let running = 0;
      let most = 0;
      await broker.consume(
        stream,
        group,
        'a',
        async (e) => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 5));
          seen.push(e.payload as { symbol: string; i: number });
          running--;
        },
        { concurrency: 3, blockMs: 50, keyOf: (e) => (e.payload as { symbol: string }).symbol },
      );
      await waitFor(() => seen.length === 12, { what: 'every event' });
      expect(most).to.equal(3);
      for (const symbol of symbols)
        expect(seen.filter((p) => p.symbol === symbol).map((p) => p.i)).to.deep.equal([0, 1, 2, 3]);
      await waitFor(async () => (await broker.pending(stream, group)) === 0, { what: 'acks' });
    });

    it('with concurrency, an event arriving while others are handled starts at once; stop acks what was in hand', async () => {
      const log: string[] = [];
      let release: () => void = () => undefined;
      const slow = new Promise<void>((r) => {
        release = r;
      });
      const consumer = await broker.consume(
        stream,
        group,
        'a',
        async (e) => {
          const { name } = e.payload as { name: string };
          log.push(`start ${name}`);
          if (name === 'slow') await slow;
          log.push(`end ${name}`);
        },
        { concurrency: 4, blockMs: 50 },
      );
      await broker.publish(stream, createEvent('x', { name: 'slow' }));
      await waitFor(() => log.includes('start slow'), { what: 'the slow event' });
      await broker.publish(stream, createEvent('x', { name: 'quick' }));
      await waitFor(() => log.includes('end quick'), { what: 'the quick event' });
      expect(log).to.deep.equal(['start slow', 'start quick', 'end quick']);
      const stopped = consumer.stop();
      release();
      await stopped;
      expect(log.at(-1)).to.equal('end slow');
      expect(await broker.pending(stream, group)).to.equal(0);
    });

    it('creates a group idempotently', async () => {
      await broker.ensureGroup(stream, group);
      await broker.ensureGroup(stream, group);
      expect(await broker.pending(stream, group)).to.equal(0);
    });

    it('delivers each event to one consumer of a group, and every event to each group', async () => {
      const seenA: string[] = [];
      const seenB: string[] = [];
      const seenOther: string[] = [];
      await broker.consume(stream, group, 'a', async (e) => void seenA.push(e.id));
      await broker.consume(stream, group, 'b', async (e) => void seenB.push(e.id));
      await broker.consume(stream, 'auditors', 'c', async (e) => void seenOther.push(e.id));
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) {
        const event = createEvent('candle.closed', { i });
        ids.push(event.id);
        await broker.publish(stream, event);
      }
      await waitFor(() => seenA.length + seenB.length === 50 && seenOther.length === 50, {
        what: 'all events',
      });
      expect([...seenA, ...seenB].sort()).to.deep.equal([...ids].sort());
      expect(seenOther).to.deep.equal(ids);
      await waitFor(async () => (await broker.pending(stream, group)) === 0, { what: 'acks' });
    });

    it('passes the event through unchanged', async () => {
      const event = createEvent('candle.closed', { symbol: 'GOOG', close: '101.25', nested: { a: [1, 2] } });
      let got: EventEnvelope | undefined;
      await broker.consume(stream, group, 'a', async (e) => {
        got = e;
      });
      await broker.publish(stream, event);
      await waitFor(() => got !== undefined);
      expect(got).to.deep.equal(event);
    });

    it('acks only after the handler succeeded: a failed event is redelivered after the visibility timeout', async () => {
      const deliveries: number[] = [];
      await broker.consume(stream, group, 'a', async (_e, info) => {
        deliveries.push(info.deliveries);
        if (info.deliveries === 1) throw new TransientError('database blip');
      });
      await broker.publish(stream, createEvent('x', {}));
      await waitFor(() => deliveries.length === 1);
      expect(await broker.pending(stream, group)).to.equal(1);
      await waitFor(() => deliveries.length === 2, { what: 'redelivery' });
      expect(deliveries).to.deep.equal([1, 2]);
      await waitFor(async () => (await broker.pending(stream, group)) === 0, { what: 'ack' });
    });

    it('redelivers an event through a transient outage past the delivery limit, never dead-lettering it', async () => {
      let calls = 0;
      await broker.consume(stream, group, 'a', async () => {
        calls++;
        if (calls <= 5) throw new TransientError('downstream still down');
      });
      await broker.publish(stream, createEvent('x', { n: 1 }));
      await waitFor(async () => calls === 6 && (await broker.pending(stream, group)) === 0, {
        what: 'success after the outage',
      });
      expect(await broker.deadLetters(stream)).to.deep.equal([]);
      expect(await deadLetterCount(metrics)).to.equal(0);
    });

    it('treats an open circuit as transient: redelivered, not dead-lettered, not alerted', async () => {
      let calls = 0;
      await broker.consume(stream, group, 'a', async () => {
        calls++;
        if (calls <= 4) throw new CircuitOpenError('alpaca');
      });
      await broker.publish(stream, createEvent('x', { n: 2 }));
      await waitFor(async () => calls === 5 && (await broker.pending(stream, group)) === 0, {
        what: 'success',
      });
      expect(await broker.deadLetters(stream)).to.deep.equal([]);
      expect(fatal).to.have.length(0);
    });

    it('dead-letters an undecodable entry at once and keeps consuming the stream', async () => {
      const seen: unknown[] = [];
      await broker.consume(stream, group, 'a', async (e) => void seen.push(e.payload));
      await raw.add(stream, { event: '{not json' }, 1000);
      await raw.add(stream, { event: JSON.stringify({ id: 'x', type: 'BAD TYPE', version: 0 }) }, 1000);
      await raw.add(stream, { something: 'else' }, 1000);
      await broker.publish(stream, createEvent('x', 'after the garbage'));
      await waitFor(() => seen.length === 1, { what: 'the valid event' });
      expect(seen).to.deep.equal(['after the garbage']);
      const dead = await broker.deadLetters(stream);
      expect(dead.map((d) => d.deliveries)).to.deep.equal([1, 1, 1]);
      expect(dead[0]?.error).to.equal('stream entry is not valid JSON');
      expect(dead[1]?.error).to.include('invalid event envelope');
      expect(await deadLetterCount(metrics)).to.equal(3);
    });

    it('dead-letters on the first data error from the handler (bad item, no retry)', async () => {
      let calls = 0;
      await broker.consume(stream, group, 'a', async () => {
        calls++;
        throw new DataError('candle has no close price');
      });
      await broker.publish(stream, createEvent('x', {}));
      await waitFor(async () => (await broker.deadLetters(stream)).length === 1);
      expect(calls).to.equal(1);
      expect((await broker.deadLetters(stream))[0]?.error).to.equal('candle has no close price');
    });

    it('sends fatal handler errors to the top-level handler and dead-letters after N, with its error', async () => {
      const event = createEvent('x', {});
      await broker.consume(stream, group, 'a', async () => {
        throw new TypeError('bug');
      });
      await broker.publish(stream, event);
      await waitFor(async () => (await broker.deadLetters(stream)).length === 1);
      expect(fatal).to.have.length(3);
      expect(fatal[0]).to.be.instanceOf(TypeError);
      const [dead] = await broker.deadLetters(stream);
      expect(dead).to.include({ stream, group, deliveries: 3, error: 'bug' });
      expect(JSON.parse(dead!.event)).to.deep.equal(event);
      expect(await broker.pending(stream, group)).to.equal(0);
      expect(await deadLetterCount(metrics)).to.equal(1);
    });

    it('lets a live consumer claim what a dead consumer left pending', async () => {
      await broker.ensureGroup(stream, group);
      await broker.publish(stream, createEvent('x', 'orphan'));
      const taken = await broker.readGroup(stream, group, 'ghost', 10);
      expect(taken).to.have.length(1);
      const seen: { payload: unknown; deliveries: number }[] = [];
      await broker.consume(
        stream,
        group,
        'live',
        async (e, info) => void seen.push({ payload: e.payload, deliveries: info.deliveries }),
      );
      await waitFor(() => seen.length === 1, { what: 'reclaim' });
      expect(seen).to.deep.equal([{ payload: 'orphan', deliveries: 2 }]);
      await waitFor(async () => (await broker.pending(stream, group)) === 0);
    });

    it('caps the stream at about STREAM_MAXLEN entries', async () => {
      const capped = await createBroker(
        loadConfig({
          ...settings,
          STREAM_MAXLEN: '100',
          REDIS_URL: kind === 'redis' ? (process.env.TEST_REDIS_URL ?? '') : '',
        }),
        { logger: captureLogger().logger },
      );
      for (let i = 0; i < 1000; i++) await capped.publish(stream, createEvent('x', i));
      const length = await capped.length(stream);
      await capped.close();
      expect(length).to.be.at.least(100).and.at.most(200);
    });

    it('on stop, finishes the event in hand and acks it', async () => {
      let finished = false;
      let started = false;
      const consumer = await broker.consume(stream, group, 'a', async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      });
      await broker.publish(stream, createEvent('x', {}));
      await waitFor(() => started);
      await consumer.stop();
      expect(finished).to.equal(true);
      expect(await broker.pending(stream, group)).to.equal(0);
    });

    it('keeps dead letters on their own stream', async () => {
      expect(deadLetterStream(stream)).to.equal(`${stream}.dead`);
      expect(await broker.deadLetters(stream)).to.deep.equal([]);
    });
  });
}
