/**
 * The reference the engine is measured against: an SMA crossover written as one tight loop over
 * typed arrays (running sums, no strategy object), producing what the engine produces (equity and
 * exposure at every bar, a record per round trip), with the engine's default
 * execution model (signal on a close, fill at the next open, all equity in whole shares, long only,
 * closed at the last close). It must give the same trades as the engine, or the comparison is void.
 */
export function referenceSmaCross(
  open: Float64Array,
  close: Float64Array,
  fast: number,
  slow: number,
  startCash: number,
): { trades: number; finalEquity: number; equity: Float64Array; exposed: Uint8Array } {
  const n = close.length;
  const equity = new Float64Array(n);
  const exposed = new Uint8Array(n);
  const records: { entryBar: number; exitBar: number; entryPrice: number; exitPrice: number; qty: number }[] =
    [];
  let entryBar = 0;
  let entryPrice = 0;
  let fastSum = 0;
  let slowSum = 0;
  let previous = Number.NaN;
  let pending = 0;
  let cash = startCash;
  let qty = 0;
  for (let i = 0; i < n; i++) {
    if (pending !== 0) {
      const price = open[i] ?? 0;
      if (pending > 0 && qty === 0) {
        qty = Math.floor(cash / price);
        cash -= qty * price;
        entryBar = i;
        entryPrice = price;
      } else if (pending < 0 && qty > 0) {
        cash += qty * price;
        records.push({ entryBar, exitBar: i, entryPrice, exitPrice: price, qty });
        qty = 0;
      }
      pending = 0;
    }
    const c = close[i] ?? 0;
    fastSum += c - (i >= fast ? (close[i - fast] ?? 0) : 0);
    slowSum += c - (i >= slow ? (close[i - slow] ?? 0) : 0);
    equity[i] = cash + qty * c;
    exposed[i] = qty === 0 ? 0 : 1;
    if (i + 1 < slow) continue;
    const diff = fastSum / fast - slowSum / slow;
    if (previous <= 0 && diff > 0) pending = 1;
    else if (previous >= 0 && diff < 0) pending = -1;
    previous = diff;
  }
  if (qty > 0) {
    const price = close[n - 1] ?? 0;
    cash += qty * price;
    records.push({ entryBar, exitBar: n - 1, entryPrice, exitPrice: price, qty });
    equity[n - 1] = cash;
  }
  return { trades: records.length, finalEquity: cash, equity, exposed };
}
