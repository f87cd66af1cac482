// Importing a shared package must not open a connection or start a timer (the style rule
// behind wiring-only main.ts files): a process that only imports it has nothing keeping it alive.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { expect } from 'chai';

const run = promisify(execFile);

describe('shared packages at import time', function () {
  this.timeout(60_000);

  it('opens no handle and starts no timer', async () => {
    const script = `
      const count = () => process.getActiveResourcesInfo().reduce((m, r) => m.set(r, (m.get(r) ?? 0) + 1), new Map());
      const before = count();
      for (const name of ['domain', 'platform', 'messaging', 'store', 'providers', 'orders', 'runtime', 'simulator']) {
        await import('@trading/' + name);
      }
      await import('@trading/migrations');
      const added = [...count()].filter(([r, n]) => n > (before.get(r) ?? 0)).map(([r]) => r);
      console.log(JSON.stringify(added));
    `;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script],
      {
        env: { ...process.env, NODE_V8_COVERAGE: '' },
        cwd: new URL('..', import.meta.url).pathname,
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]')).to.deep.equal([]);
  });
});
