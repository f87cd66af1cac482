const DAY = 86_400_000;

/** Day of the week (0 = Sunday) of a day number counted from 1970-01-01, a Thursday. */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;

/**
 * The bars' usual spacing (ms), one day when there are fewer than two: the median of the gaps, without sorting a million of them: gaps repeat (every minute, every
 * trading day), so a count per distinct gap is a handful of entries, touched only when the gap changes.
 */
export function medianGap(timestamps: ArrayLike<number>): number {
  const n = timestamps.length;
  if (n < 2) return DAY;
  const counts = new Map<number, number>();
  let gap = (timestamps[1] ?? 0) - (timestamps[0] ?? 0);
  let run = 0;
  for (let i = 1; i < n; i++) {
    const g = (timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0);
    if (g === gap) run++;
    else {
      counts.set(gap, (counts.get(gap) ?? 0) + run);
      gap = g;
      run = 1;
    }
  }
  counts.set(gap, (counts.get(gap) ?? 0) + run);
  // The element at index ⌊(n − 1) ÷ 2⌋ of the sorted gaps, as the sort-based definition took it.
  const target = Math.floor((n - 1) / 2);
  let seen = 0;
  for (const [value, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    seen += count;
    if (seen > target) return value;
  }
  return DAY;
}

/**
 * Daily returns of equity (intraday bars: the day's last equity; per bar for longer bars), reduced
 * as they are produced to what the statistics need: no array of returns is kept.
 */
export interface ReturnMoments {
  count: number;
  /** Geometric mean (0 when a return is −100 % or worse, as the array-based definition). */
  geometric: number;
  variance: number;
  /** √mean(min(r, 0)²). */
  downside: number;
}

/** What one pass over a run's bars finds: the inputs of every per-bar statistic. */
export interface EquityScan {
  returns: ReturnMoments;
  exposedBars: number;
  /** Bars on a Saturday or Sunday (UTC): markets that trade at weekends count 365 days a year. */
  weekendBars: number;
  peakEquity: number;
  /** The deepest drawdown, a fraction ≤ 0. */
  maxDd: number;
  /** Drawdown episodes (leaving a peak to regaining it): how many, their depths and lengths in days. */
  drawdowns: { count: number; depthSum: number; daysSum: number; maxDays: number };
}

/**
 * One pass over equity, exposure and timestamps, with no per-bar object and no array of returns:
 * exposure, weekend bars, daily returns (Welford's mean and variance, the log sum for the geometric
 * mean, the downside sum) and drawdown episodes.
 */
export function scanEquity(
  equity: Float64Array,
  exposed: Uint8Array,
  timestamps: ArrayLike<number>,
  cash: number,
): EquityScan {
  const n = equity.length;
  const last = timestamps[n - 1] ?? timestamps[0] ?? 0;
  // One pass over the bars: exposure, weekend bars, daily returns (Welford's mean and variance, the
  // log sum for the geometric mean, the downside sum) and drawdown episodes.
  let exposedBars = 0;
  let weekendBars = 0;
  let day = Number.NaN;
  let dayIsWeekend = false;
  let dayClose = Number.NaN;
  let count = 0;
  let meanR = 0;
  let m2 = 0;
  let logSum = 0;
  let worst = Number.POSITIVE_INFINITY;
  let downsideSum = 0;
  let previousClose: number | undefined;
  const closeDay = (): void => {
    if (Number.isNaN(dayClose)) return;
    const r = dayClose / (previousClose ?? 1) - 1;
    if (previousClose !== undefined) {
      count++;
      const delta = r - meanR;
      meanR += delta / count;
      m2 += delta * (r - meanR);
      if (r < worst) worst = r;
      if (r > -1) logSum += Math.log1p(r);
      if (r < 0) downsideSum += r * r;
    }
    previousClose = dayClose;
  };

  let peak = equity[0] ?? cash;
  let peakEquity = peak;
  let maxDd = 0;
  let inEpisode = false;
  let episodeStart = 0;
  let episodeDepth = 0;
  let episodes = 0;
  let depthSum = 0;
  let daysSum = 0;
  let maxDays = 0;
  const endEpisode = (at: number): void => {
    const days = (at - episodeStart) / DAY;
    episodes++;
    depthSum += episodeDepth;
    daysSum += days;
    if (days > maxDays) maxDays = days;
    inEpisode = false;
  };

  for (let i = 0; i < n; i++) {
    const t = timestamps[i] ?? 0;
    const e = equity[i] ?? 0;
    exposedBars += exposed[i] ?? 0;
    const d = Math.floor(t / DAY);
    if (d !== day) {
      closeDay();
      day = d;
      const w = weekday(d);
      dayIsWeekend = w === 0 || w === 6;
    }
    dayClose = e;
    if (dayIsWeekend) weekendBars++;

    if (e >= peak) {
      if (inEpisode) endEpisode(t);
      peak = e;
      if (e > peakEquity) peakEquity = e;
      continue;
    }
    const dd = e / peak - 1;
    if (!inEpisode) {
      inEpisode = true;
      episodeStart = timestamps[i - 1] ?? t;
      episodeDepth = 0;
    }
    if (dd < episodeDepth) episodeDepth = dd;
    if (dd < maxDd) maxDd = dd;
  }
  closeDay();
  if (inEpisode) endEpisode(last);

  const returns: ReturnMoments = {
    count,
    geometric: count === 0 || worst <= -1 ? 0 : Math.exp(logSum / count) - 1,
    variance: count < 2 ? Number.NaN : m2 / (count - 1),
    downside: count === 0 ? Number.NaN : Math.sqrt(downsideSum / count),
  };
  return {
    returns,
    exposedBars,
    weekendBars,
    peakEquity,
    maxDd,
    drawdowns: { count: episodes, depthSum, daysSum, maxDays },
  };
}
