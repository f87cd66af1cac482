/** Which way an order, a signal or a fill goes: the one definition every module uses. */
export type Side = 'buy' | 'sell';

/** Every side, for schemas and checks. */
export const SIDES: readonly Side[] = ['buy', 'sell'];
