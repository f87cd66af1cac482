// Broker benchmark: events/s and publish-to-handler latency through a consumer group on real Redis,
// side by side with a raw XADD / XREADGROUP / XACK loop on the same client library.
// Usage: npm run bench:broker   (BENCH_REDIS_URL to use a running server; otherwise one is started)
import { type Broker, createBroker, createEvent } from '@trading/messaging';
import { createLogger, loadConfig } from '@trading/platform';
import { startRedis } from '@trading/testkit';
import { createClient } from 'redis';

const THROUGHPUT_EVENTS = 20_000;
const RATE_PER_S = 1000;
const RATE_SECONDS = 10;

interface Result {
  eventsPerS: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** Publish `total` events with `send` (as fast as possible, or paced) and wait until `received` reaches total. */
async function drive(
  total: number,
  send: (i: number) => Promise<void>,
  received: () => number,
  pacedPerS?: number,
): Promise<number> {
  const started = performance.now();
  if (pacedPerS) {
    // One event per tick of 1000/pacedPerS ms: arrivals spread out as in a live feed, not in bursts.
    const perTick = 1;
    for (let i = 0; i < total; i += perTick) {
      const due = started + (i / pacedPerS) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await Promise.all(Array.from({ length: perTick }, async (_, k) => send(i + k)));
    }
  } else {
    for (let i = 0; i < total; i += 100)
      await Promise.all(Array.from({ length: 100 }, async (_, k) => send(i + k)));
  }
  while (received() < total) await new Promise((r) => setTimeout(r, 1));
  return performance.now() - started;
}

async function rawLoop(url: string, total: number, pacedPerS?: number): Promise<Result> {
  const stream = `bench.raw.${Date.now()}.${Math.random()}`;
  const producer = createClient({ url });
  const reader = createClient({ url });
  await Promise.all([producer.connect(), reader.connect()]);
  await producer.xGroupCreate(stream, 'g', '0', { MKSTREAM: true });
  const latencies: number[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const reply = (await reader.xReadGroup(
        'g',
        'c',
        { key: stream, id: '>' },
        { COUNT: 10, BLOCK: 100 },
      )) as { messages: { id: string; message: Record<string, string> }[] }[] | null;
      const messages = reply?.[0]?.messages ?? [];
      for (const m of messages) latencies.push(performance.now() - Number(m.message.t));
      if (messages.length > 0)
        await reader.xAck(
          stream,
          'g',
          messages.map((m) => m.id),
        );
    }
  })();
  const ms = await drive(
    total,
    async () => {
      await producer.xAdd(
        stream,
        '*',
        { t: String(performance.now()), event: '{}' },
        { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 100_000 } },
      );
    },
    () => latencies.length,
    pacedPerS,
  );
  stop = true;
  await loop;
  await producer.del(stream);
  await Promise.all([producer.close(), reader.close()]);
  latencies.sort((a, b) => a - b);
  return {
    eventsPerS: (total / ms) * 1000,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

async function brokerLoop(broker: Broker, total: number, pacedPerS?: number): Promise<Result> {
  const stream = `bench.broker.${Date.now()}.${Math.random()}`;
  const latencies: number[] = [];
  const consumer = await broker.consume(
    stream,
    'g',
    'c',
    async (event) => {
      latencies.push(performance.now() - (event.payload as { t: number }).t);
    },
    { blockMs: 100 },
  );
  const ms = await drive(
    total,
    async () => {
      await broker.publish(stream, createEvent('bench', { t: performance.now() }));
    },
    () => latencies.length,
    pacedPerS,
  );
  await consumer.stop();
  latencies.sort((a, b) => a - b);
  return {
    eventsPerS: (total / ms) * 1000,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

const server = process.env.BENCH_REDIS_URL ? undefined : await startRedis();
const url = process.env.BENCH_REDIS_URL ?? server?.url ?? '';
const broker = await createBroker(loadConfig({ REDIS_URL: url }), {
  logger: createLogger({ service: 'bench', level: 'error' }),
});
try {
  // Warm-up, so JIT and connections do not count.
  await rawLoop(url, 2000);
  await brokerLoop(broker, 2000);
  const rawMax = await rawLoop(url, THROUGHPUT_EVENTS);
  const brokerMax = await brokerLoop(broker, THROUGHPUT_EVENTS);
  const rawPaced = await rawLoop(url, RATE_PER_S * RATE_SECONDS, RATE_PER_S);
  const brokerPaced = await brokerLoop(broker, RATE_PER_S * RATE_SECONDS, RATE_PER_S);
  const f = (n: number): string => n.toFixed(n >= 100 ? 0 : 2);
  console.log(
    `\nBroker benchmark (node ${process.version}, redis at ${server ? 'a throwaway local server' : 'BENCH_REDIS_URL'})\n`,
  );
  console.log(
    '| loop | max events/s | p50 ms at max | p99 ms at max | p50 ms at 1,000/s | p99 ms at 1,000/s |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(
    `| raw XADD/XREADGROUP/XACK | ${f(rawMax.eventsPerS)} | ${f(rawMax.p50Ms)} | ${f(rawMax.p99Ms)} | ${f(rawPaced.p50Ms)} | ${f(rawPaced.p99Ms)} |`,
  );
  console.log(
    `| Broker.publish / consume | ${f(brokerMax.eventsPerS)} | ${f(brokerMax.p50Ms)} | ${f(brokerMax.p99Ms)} | ${f(brokerPaced.p50Ms)} | ${f(brokerPaced.p99Ms)} |`,
  );
  console.log(
    `\nbroker / raw throughput: ${((brokerMax.eventsPerS / rawMax.eventsPerS) * 100).toFixed(0)}% (target ≥ 50%); broker p99 at 1,000/s: ${f(brokerPaced.p99Ms)} ms (target < 5 ms)`,
  );
} finally {
  await broker.close();
  await server?.stop();
}
