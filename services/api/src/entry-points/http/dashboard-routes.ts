import type Router from '@koa/router';
import { DataError } from '@trading/domain';
import { createRouter } from '@trading/platform';

import { readOnce } from './read-once.js';

/** The dashboard's files: static ones as written, scripts as compiled by `npm run build:dashboard`. */
const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: 'public/index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/styles.css': { path: 'public/styles.css', type: 'text/css; charset=utf-8' },
  '/dashboard/app.js': { path: 'dist/app.js', type: 'application/javascript; charset=utf-8' },
  '/dashboard/render.js': { path: 'dist/render.js', type: 'application/javascript; charset=utf-8' },
};

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
  for (const [route, file] of Object.entries(FILES)) {
    router.get(route, async (ctx) => {
      const content = await read(new URL(file.path, root)).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        throw new DataError('the dashboard is not built: run `npm run build:dashboard`', {
          code: 'DASHBOARD_NOT_BUILT',
        });
      });
      ctx.type = file.type;
      ctx.set('Content-Security-Policy', CSP);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.body = content;
    });
  }
  return router;
}
