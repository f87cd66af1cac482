import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Lightweight Charts' standalone build (it defines `window.LightweightCharts`), for inlining into a report. */
export function chartLibrary(): string {
  // The package exports only its ES modules; the standalone file is found beside its manifest.
  const manifest = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return readFileSync(join(dirname(manifest), 'dist/lightweight-charts.standalone.production.js'), 'utf8');
}
