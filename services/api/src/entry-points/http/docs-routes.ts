import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type Router from '@koa/router';

import { createRouter } from './create-router.js';
import { readOnce } from './read-once.js';

/** Swagger UI files served under /docs/assets, from the swagger-ui-dist package (no CDN: works offline). */
const ASSETS = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
]);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Trading platform API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

// A file rather than an inline script, so a strict Content-Security-Policy can stay on.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  persistAuthorization: false,
});
`;

/**
 * `/openapi.json` and the `/docs` page (Swagger UI), open without auth: they hold no data. The
 * document is built by `load` on the first request for it, then kept.
 */
export function docsRoutes(load: () => Promise<Record<string, unknown>>): Router {
  const router = createRouter();
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const read = readOnce();
  let json: Promise<string> | undefined;
  const csp = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'";

  router.get('/openapi.json', async (ctx) => {
    json ??= load().then((document) => JSON.stringify(document));
    ctx.type = 'application/json';
    ctx.body = await json;
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', csp);
    ctx.body = PAGE;
  });
  router.get('/docs/assets/:file', async (ctx) => {
    const file = ctx.params.file ?? '';
    if (file === 'init.js') {
      ctx.type = 'application/javascript; charset=utf-8';
      ctx.body = INIT;
      return;
    }
    // A Map, not an object: `constructor` or `__proto__` must not find an inherited member.
    const type = ASSETS.get(file);
    if (!type) return; // 404 through the error handler
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await read(join(root, file));
  });
  return router;
}
