/**
 * The broker-side identity of a signal's order: derived from the signal id alone, so every retry or
 * redelivery of the signal names the same order and the broker refuses a second one (≤ 48 chars).
 */
export function clientOrderIdFor(signalId: string): string {
  return `sig-${signalId}`;
}
