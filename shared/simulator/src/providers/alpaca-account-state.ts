import type { PositionState } from '@trading/domain';
import {
  divMicro,
  type ExchangeOrder,
  type ExchangeState,
  fromMicro,
  mulMicro,
  type OrderClass,
  type SimulatedExchange,
  toMicro,
} from '@trading/exchange';

/** The paper account of the local Alpaca, serialisable (see {@link AlpacaServer.exportState}). */
export interface AlpacaState {
  cash: string;
  positions: [string, { qty: string; cost: string }][];
  orders: SavedOrder[];
}

/** An order as the saved account holds it: money as micro-unit strings; fields added later optional. */
type SavedOrder = Omit<
  ExchangeOrder,
  | 'qty'
  | 'filled_qty'
  | 'filled_notional'
  | 'limit_price'
  | 'stop_price'
  | 'trail_percent'
  | 'trail_price'
  | 'hwm'
  | 'order_class'
  | 'parent_id'
  | 'legs'
> & {
  qty: string;
  filled_qty: string;
  filled_notional: string;
  limit_price: string | null;
  stop_price?: string | null;
  trail_percent?: string | null;
  trail_price?: string | null;
  hwm?: string | null;
  order_class?: OrderClass;
  parent_id?: string | null;
  legs?: string[];
};

/** A position as the exported state keeps it (micro-units, as state files already hold them). */
export function toExported(p: PositionState): { qty: string; cost: string } {
  const qty = toMicro(p.qty);
  return { qty: String(qty), cost: String(mulMicro(qty, toMicro(p.avgCost))) };
}

export function fromExported(p: { qty: string; cost: string }): PositionState {
  const qty = BigInt(p.qty);
  return { qty: fromMicro(qty), avgCost: fromMicro(divMicro(BigInt(p.cost), qty)), realizedPnl: '0' };
}

const savedMicro = (v: bigint | null): string | null => (v === null ? null : String(v));
const loadedMicro = (v: string | null | undefined): bigint | null =>
  v === null || v === undefined ? null : BigInt(v);

/** The exchange's account as the saved state holds it. */
export function exportState(exchange: SimulatedExchange): AlpacaState {
  return {
    cash: String(exchange.cash),
    positions: [...exchange.positions].map(([symbol, p]) => [symbol, toExported(p)]),
    orders: exchange.orders.map((o) => ({
      ...o,
      qty: String(o.qty),
      filled_qty: String(o.filled_qty),
      filled_notional: String(o.filled_notional),
      limit_price: savedMicro(o.limit_price),
      stop_price: savedMicro(o.stop_price),
      trail_percent: savedMicro(o.trail_percent),
      trail_price: savedMicro(o.trail_price),
      hwm: savedMicro(o.hwm),
    })),
  };
}

/** A saved account (one from before stops and brackets too) as the exchange keeps it. */
export function importState(state: AlpacaState): ExchangeState {
  return {
    cash: BigInt(state.cash),
    positions: new Map(state.positions.map(([symbol, p]) => [symbol, fromExported(p)])),
    orders: state.orders.map((o) => ({
      ...o,
      qty: BigInt(o.qty),
      filled_qty: BigInt(o.filled_qty),
      filled_notional: BigInt(o.filled_notional),
      limit_price: loadedMicro(o.limit_price),
      stop_price: loadedMicro(o.stop_price),
      trail_percent: loadedMicro(o.trail_percent),
      trail_price: loadedMicro(o.trail_price),
      hwm: loadedMicro(o.hwm),
      order_class: o.order_class ?? 'simple',
      parent_id: o.parent_id ?? null,
      legs: o.legs ?? [],
    })),
  };
}
