/** An order's statuses (Alpaca's set); the final ones are listed in {@link FINAL_ORDER_STATUSES}. */
export const ORDER_STATUSES = [
  'new',
  'pending_new',
  'accepted',
  'partially_filled',
  'filled',
  'done_for_day',
  'canceled',
  'expired',
  'replaced',
  'pending_cancel',
  'pending_replace',
  'rejected',
  'suspended',
  'stopped',
  'calculated',
] as const;

/** One of {@link ORDER_STATUSES}. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses after which an order never changes again. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = [
  'filled',
  'canceled',
  'expired',
  'replaced',
  'rejected',
];
