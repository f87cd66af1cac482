/** Text now, or a function that makes it only when read (a backtest over millions of bars reads none). */
export type Reason = string | (() => string);

/** What `decide` returns on a bar where it acts; `undefined` (or {@link hold}) is "do nothing". */
export interface Decision {
  /** `enter`: buy (open or add to the long position); `exit`: sell what is held. */
  readonly action: 'enter' | 'exit';
  readonly reason: Reason;
  /** Conviction in [0, 1]. */
  readonly strength: number;
}

/** Buy: open a long position, for `reason` (words a trader can check against the chart). */
export function enter(reason: Reason, strength = 1): Decision {
  return { action: 'enter', reason, strength };
}

/** Sell what is held, for `reason`. */
export function exit(reason: Reason, strength = 1): Decision {
  return { action: 'exit', reason, strength };
}

/** Do nothing on this bar (the same as returning nothing). */
export const hold = undefined;
