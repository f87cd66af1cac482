/** What time it is: the port every time-dependent rule reads, so tests and backtests set the time. */
export type Clock = () => Date;

/** The wall clock. */
export const systemClock: Clock = () => new Date();
