// A tiny service for the lifecycle tests, run as a real child process.
// argv: <workMs> <graceMs>. Prints markers the test reads: ready, stop-intake, work-done, closed <name>.
import { runService } from '@trading/platform';

const workMs = Number(process.argv[2] ?? '100');
const graceMs = process.argv[3] ?? '5000';
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

await runService(
  'fixture',
  async ({ lifecycle }) => {
    say('started');
    lifecycle.add('db', { close: () => say('closed db') });
    lifecycle.add('broker', { close: () => say('closed broker') });
    lifecycle.add('server', { close: () => say('closed server') });
    lifecycle.onStop('intake', () => say('stop-intake'));
    void lifecycle.track(
      new Promise<void>((resolve) => {
        setTimeout(() => {
          say('work-done');
          resolve();
        }, workMs);
      }),
    );
    setInterval(() => undefined, 1000);
    say('ready');
  },
  { env: { ...process.env, SHUTDOWN_GRACE_MS: graceMs, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' } },
);
