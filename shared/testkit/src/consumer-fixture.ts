// A real consumer service for the broker fault tests, run as a child process.
// argv: <stream> <group> <consumer> <handlerMs>. Prints `handling <payload>` and `handled <payload>`.
import { createBroker } from '@trading/messaging';
import { runService } from '@trading/platform';

const [stream = 's', group = 'g', consumer = 'c', handlerMs = '0'] = process.argv.slice(2);
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

await runService('consumer-fixture', async ({ config, logger, metrics, lifecycle, handleFatal }) => {
  const broker = lifecycle.add(
    'broker',
    await createBroker(config, { logger, metrics, onFatal: handleFatal }),
  );
  const running = await broker.consume(stream, group, consumer, async (event) => {
    say(`handling ${String(event.payload)}`);
    await new Promise((r) => setTimeout(r, Number(handlerMs)));
    say(`handled ${String(event.payload)}`);
  });
  lifecycle.onStop('consumer', async () => running.stop());
  say('ready');
});
