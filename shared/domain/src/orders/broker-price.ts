import { Big } from 'big.js';

import type { Decimal } from '../decimal.js';

/** A price the broker takes: whole cents from $1 up, four places below (Alpaca refuses sub-pennies). */
export function brokerPrice(price: string | number): Decimal {
  const p = new Big(price);
  return p.gte(1) ? p.round(2).toFixed(2) : p.round(4).toFixed(4);
}
