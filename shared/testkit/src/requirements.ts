import { existsSync } from 'node:fs';

// Suites that need a real server call these in `before`: without one they are reported pending
// with the reason (and .ci/run fails on any pending suite).

/** The test PostgreSQL URL, or skip the suite saying why. */
export function requirePostgres(ctx: Mocha.Context): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.warn(`  pending: ${process.env.TEST_DATABASE_SKIP ?? 'no PostgreSQL'}`);
    ctx.skip();
  }
  return url;
}

/** The test Redis URL, or skip the suite saying why. */
export function requireRedis(ctx: Mocha.Context): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) {
    console.warn(`  pending: ${process.env.TEST_REDIS_SKIP ?? 'no Redis'}`);
    ctx.skip();
  }
  return url;
}

let nextRedisDb = 1;

/**
 * A Redis URL on its own logical database (1-15, flushed first), so suites that use the fixed
 * stream names do not see each other's entries.
 */
export async function freshRedisDb(ctx: Mocha.Context): Promise<string> {
  const base = requireRedis(ctx);
  const db = nextRedisDb;
  nextRedisDb = (nextRedisDb % 15) + 1;
  const url = `${base.replace(/\/\d*$/, '')}/${db}`;
  const { createClient } = await import('redis');
  const client = createClient({ url });
  await client.connect();
  await client.flushDb();
  await client.close();
  return url;
}

/** Debian's Chromium for browser tests, or skip the suite saying why. */
export function requireChromium(ctx: Mocha.Context): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    console.warn(`  pending: no Chromium at ${path} (apt-get install chromium)`);
    ctx.skip();
  }
  return path;
}

/** A command on PATH (promtool, amtool, prometheus from Debian), or skip the suite saying why. */
export function requireCommand(ctx: Mocha.Context, command: string, debianPackage: string): string {
  const dir = (process.env.PATH ?? '').split(':').find((d) => existsSync(`${d}/${command}`));
  if (!dir) {
    console.warn(`  pending: no ${command} on PATH (apt-get install ${debianPackage})`);
    ctx.skip();
  }
  return `${dir}/${command}`;
}
