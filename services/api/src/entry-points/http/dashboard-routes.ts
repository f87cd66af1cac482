import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type Router from '@koa/router';
import { DataError } from '@trading/domain';

import { createRouter } from './create-router.js';
import { readOnce } from './read-once.js';

/** The dashboard's files: static ones as written, scripts as compiled by `npm run build:dashboard`. */
const SCRIPT = 'application/javascript; charset=utf-8';
const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: 'public/index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/styles.css': { path: 'public/styles.css', type: 'text/css; charset=utf-8' },
  ...Object.fromEntries(
    ['app', 'api-client', 'backtest-view', 'charts', 'render'].map((name) => [
      `/dashboard/${name}.js`,
      { path: `dist/${name}.js`, type: SCRIPT },
    ]),
  ),
};

/** TradingView's Lightweight Charts as an ES module, from the package the API depends on (no CDN). */
function chartLibraryUrl(): URL {
  const manifest = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return pathToFileURL(join(dirname(manifest), 'dist/lightweight-charts.standalone.production.mjs'));
}

// Everything from this origin, nothing from anywhere else: the dashboard works offline.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The dashboard at `/`: one page, its stylesheet and its scripts, served from this package (read
 * once, then from memory). It calls `/api/v1` like any client.
 */
export function dashboardRoutes(): Router {
  const root = new URL('../../../dashboard/', import.meta.url);
  const read = readOnce();
  const router = createRouter();
  const files = Object.entries(FILES).map(
    ([route, file]) => [route, new URL(file.path, root), file.type] as const,
  );
  files.push(['/dashboard/vendor/lightweight-charts.mjs', chartLibraryUrl(), SCRIPT]);
  for (const [route, url, type] of files) {
    router.get(route, async (ctx) => {
      const content = await read(url).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        throw new DataError('the dashboard is not built: run `npm run build:dashboard`', {
          code: 'DASHBOARD_NOT_BUILT',
        });
      });
      ctx.type = type;
      ctx.set('Content-Security-Policy', CSP);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.body = content;
    });
  }
  return router;
}
