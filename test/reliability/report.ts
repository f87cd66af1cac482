// What the reliability suite measured, gathered across its files and written to
// test-artifacts/reliability.json (RELIABILITY.md quotes it); and every text that left the
// platform (log lines, /metrics, API answers, error messages), for the secret scan at the end.
import { mkdirSync, writeFileSync } from 'node:fs';

import type { ApiFixture } from '../../services/api/src/testing/api-fixture.js';

/** Canary values for every secret of the platform: none may ever appear in anything it emits. */
export const CANARIES = {
  API_AUTH_TOKEN: 'canary-api-token-7f3a9e',
  ALPACA_API_KEY: 'canary-alpaca-key-41b2d0',
  ALPACA_API_SECRET: 'canary-alpaca-secret-c08e11',
  FINNHUB_API_KEY: 'canary-finnhub-9d17aa',
  ANTHROPIC_API_KEY: 'canary-anthropic-2e64bb',
  TELEGRAM_BOT_TOKEN: '424242:canary-telegram-5b90cc',
  DATABASE_PASSWORD: 'canary-pg-pass-88adff',
} as const;

const figures: Record<string, unknown> = {};
const emitted = { logLines: 0, metricsPages: 0, apiAnswers: 0, errorMessages: 0 };
const texts: string[] = [];

/** Record a figure under a section of the report. */
export function record(section: string, value: unknown): void {
  figures[section] = value;
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync('test-artifacts/reliability.json', `${JSON.stringify({ figures, emitted }, null, 2)}\n`);
}

/** Keep a text the platform emitted, for the secret scan. */
export function keepEmitted(kind: keyof typeof emitted, text: string): void {
  emitted[kind] += kind === 'logLines' ? text.split('\n').filter(Boolean).length : 1;
  texts.push(text);
}

/** Every canary found in what was kept, with where. */
export function canaryHits(): { canary: string; sample: string }[] {
  const hits: { canary: string; sample: string }[] = [];
  for (const text of texts) {
    for (const [name, value] of Object.entries(CANARIES)) {
      const at = text.indexOf(value);
      if (at >= 0) hits.push({ canary: name, sample: text.slice(Math.max(0, at - 80), at + 80) });
    }
  }
  return hits;
}

/** How much was scanned. */
export function scanned(): typeof emitted {
  return { ...emitted };
}

/** Print a table to the test output. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  const first = rows[0];
  if (!first) return;
  const headers = Object.keys(first);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n  ${title}`);
  console.log(`  ${line(headers)}`);
  console.log(`  ${line(widths.map((w) => '-'.repeat(w)))}`);
  for (const r of rows) console.log(`  ${line(headers.map((h) => String(r[h])))}`);
}

/** Percentile of unsorted numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** Keep what an API fixture emitted (log lines, /metrics, top-level errors), then close it. */
export async function closeKeepingOutput(api: ApiFixture | undefined): Promise<void> {
  if (!api) return;
  keepEmitted('logLines', api.captured.lines.join('\n'));
  // Its metrics are served on HEALTH_PORT, not on the API's port: read from the registry itself.
  keepEmitted('metricsPages', await api.metrics.registry.metrics());
  for (const err of api.fatals)
    keepEmitted('errorMessages', err instanceof Error ? `${err.message}\n${String(err.stack)}` : String(err));
  await api.close();
}
