import { escapeHtml as esc } from './escape-html.js';
import type { BacktestStats } from './statistics.js';
import { formatStat } from './stats-table.js';

/** One parameter set's outcome, as a sweep reports it. */
export interface SweepCell {
  params: Record<string, number>;
  stats?: BacktestStats;
  error?: string;
}

/** Red (worst) through white to green (best), by rank between the lowest and highest value. */
function colour(value: number, lo: number, hi: number): string {
  if (!Number.isFinite(value)) return '#eaeef2';
  const t = hi === lo ? 0.5 : (value - lo) / (hi - lo);
  const mix = (a: number, b: number, f: number) => Math.round(a + (b - a) * f);
  return t < 0.5
    ? `rgb(${String(mix(248, 255, t * 2))},${String(mix(180, 255, t * 2))},${String(mix(180, 255, t * 2))})`
    : `rgb(${String(mix(255, 140, (t - 0.5) * 2))},${String(mix(255, 215, (t - 0.5) * 2))},${String(mix(255, 150, (t - 0.5) * 2))})`;
}

/**
 * A self-contained HTML heat-map of a parameter sweep: the first axis down, the second across (the
 * best over any further axes in each cell), each cell coloured by the ranking statistic and showing
 * it; a set that could not run, or whose statistic is undefined, says n/a. With one axis, one row.
 */
export function sweepHeatmap(
  strategy: string,
  axes: Readonly<Record<string, readonly number[]>>,
  results: readonly SweepCell[],
  rankBy: keyof BacktestStats,
): string {
  const [rowAxis = '', colAxis] = Object.keys(axes);
  const rows = axes[rowAxis] ?? [0];
  const cols = colAxis ? (axes[colAxis] ?? []) : [undefined];
  const valueOf = (r: SweepCell): number => {
    const v = r.stats?.[rankBy];
    return typeof v === 'number' ? v : Number.NaN;
  };
  const best = (row: number, col: number | undefined): number => {
    const matching = results.filter(
      (r) => r.params[rowAxis] === row && (colAxis === undefined || r.params[colAxis] === col),
    );
    const finite = matching.map(valueOf).filter(Number.isFinite);
    return finite.length ? Math.max(...finite) : Number.NaN;
  };
  const grid = rows.map((row) => cols.map((col) => best(row, col)));
  const finite = grid.flat().filter(Number.isFinite);
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 0;
  const header = `<tr><th scope="col">${esc(rowAxis)} \\ ${esc(colAxis ?? '')}</th>${cols
    .map((c) => `<th scope="col">${c === undefined ? esc(rankBy) : String(c)}</th>`)
    .join('')}</tr>`;
  const body = rows
    .map(
      (row, i) =>
        `<tr><th scope="row">${String(row)}</th>${(grid[i] ?? [])
          .map((v) => `<td style="background:${colour(v, lo, hi)}">${esc(formatStat(v))}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  const failed = results.filter((r) => r.error).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep: ${esc(strategy)} by ${esc(rankBy)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:16px;max-width:1200px;color:#1f2937}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:6px 10px;border:1px solid #fff;text-align:right}
th{background:#f1f5f9}.legend{color:#475569}</style></head><body>
<h1>Sweep: ${esc(strategy)}</h1>
<p class="legend">${esc(rankBy)} of each parameter set${Object.keys(axes).length > 2 ? ' (the best over the other axes)' : ''}: green is best, red is worst, grey is n/a (undefined or not run${failed ? `: ${String(failed)} sets could not run` : ''}).</p>
<div style="overflow-x:auto"><table id="heatmap">${header}${body}</table></div>
</body></html>
`;
}
