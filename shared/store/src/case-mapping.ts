// Columns are snake_case in SQL and camelCase in TypeScript; knex converts at the edge, once.

const toSnake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
// Column names are a small fixed set, and every row of every result maps the same keys: converting
// each once (instead of a regex per key per row) is most of the cost of reading rows.
const camelNames = new Map<string, string>();
function toCamel(s: string): string {
  let camel = camelNames.get(s);
  if (camel === undefined) {
    camel = s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    if (camelNames.size < 10_000) camelNames.set(s, camel);
  }
  return camel;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function camelRow(row: unknown): unknown {
  if (!isPlainObject(row)) return row;
  const out: Record<string, unknown> = {};
  for (const k in row) out[toCamel(k)] = row[k];
  return out;
}

/** knex `wrapIdentifier`: `clientOrderId` → `"client_order_id"` (`*` and already-snake names unchanged). */
export function wrapIdentifier(value: string, origImpl: (value: string) => string): string {
  return origImpl(value === '*' ? value : toSnake(value));
}

/** knex `postProcessResponse`: result rows get camelCase keys (top level only; jsonb stays as stored). */
export function postProcessResponse(result: unknown): unknown {
  if (Array.isArray(result)) return result.map(camelRow);
  if (typeof result === 'object' && result !== null && Array.isArray((result as { rows?: unknown }).rows)) {
    const raw = result as { rows: unknown[] };
    return { ...raw, rows: raw.rows.map(camelRow) };
  }
  return camelRow(result);
}
