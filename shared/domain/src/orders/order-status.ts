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
  // A bracket's leg waiting for its entry to fill.
  'held',
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

/** Whether an order in this status never changes again. */
export function isFinalStatus(status: OrderStatus): boolean {
  return FINAL_ORDER_STATUSES.includes(status);
}

/**
 * The status machine of an order: any open status may move to any other, a final one never moves.
 * A broker's report that would reopen a final order (a stale answer overtaken by a newer one) keeps
 * the final status.
 */
export function nextStatus(current: OrderStatus, reported: OrderStatus): OrderStatus {
  return isFinalStatus(current) ? current : reported;
}
