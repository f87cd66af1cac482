import { ValidationError } from '../errors/app-error.js';
import type { StrategyBar } from '../strategies/strategy.js';

const COLUMNS = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Bars from CSV text with a header naming date, Open, High, Low, Close and Volume (any case, any
 * order; the date column may also be called `time`, `timestamp` or be unnamed, as in GOOG.csv).
 * Rows are sorted by time.
 * @throws ValidationError naming the line and the field that is wrong.
 */
export function parseCsvBars(text: string): StrategyBar[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const index = Object.fromEntries(
    COLUMNS.map((c) => [
      c,
      c === 'date'
        ? header.findIndex((h) => ['date', 'time', 'timestamp', 'datetime', ''].includes(h))
        : header.indexOf(c),
    ]),
  ) as Record<(typeof COLUMNS)[number], number>;
  const missing = COLUMNS.filter((c) => index[c] < 0);
  if (missing.length > 0)
    throw new ValidationError(`CSV header lacks ${missing.join(', ')} (got: ${header.join(', ')})`);
  const bars = lines.slice(1).map((line, k) => {
    const cells = line.split(',');
    const at = (c: (typeof COLUMNS)[number]): string => (cells[index[c]] ?? '').trim();
    const ts = Date.parse(at('date'));
    if (Number.isNaN(ts))
      throw new ValidationError(`CSV line ${k + 2}: bad date ${JSON.stringify(at('date'))}`);
    const num = (c: (typeof COLUMNS)[number]): number => {
      const v = Number(at(c));
      if (at(c) === '' || !Number.isFinite(v))
        throw new ValidationError(`CSV line ${k + 2}: bad ${c} ${JSON.stringify(at(c))}`);
      return v;
    };
    return {
      ts,
      open: num('open'),
      high: num('high'),
      low: num('low'),
      close: num('close'),
      volume: num('volume'),
    };
  });
  if (bars.length === 0) throw new ValidationError('CSV has no rows');
  return bars.sort((a, b) => a.ts - b.ts);
}
