import { Big } from 'big.js';

/** A fill not yet recorded: the broker reports cumulative quantity and average price. */
export interface NewFill {
  qty: string;
  price: string;
}

/**
 * The fill between what was recorded and what the broker reports now, priced so the recorded fills
 * add up to the broker's cumulative average: price = (newAvg·newQty − oldAvg·oldQty) / (newQty − oldQty).
 */
export function fillSince(
  recorded: { filledQty: string; filledAvgPrice: string | null },
  broker: { filledQty: string; filledAvgPrice: string | null },
): NewFill | undefined {
  const oldQty = new Big(recorded.filledQty);
  const newQty = new Big(broker.filledQty);
  if (newQty.lte(oldQty) || broker.filledAvgPrice === null) return undefined;
  const delta = newQty.minus(oldQty);
  const cost = new Big(broker.filledAvgPrice)
    .times(newQty)
    .minus(new Big(recorded.filledAvgPrice ?? 0).times(oldQty));
  return { qty: delta.toString(), price: cost.div(delta).round(6).toString() };
}
