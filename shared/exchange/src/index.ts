export type { PriceBar } from './bar-matching.js';
export { fillPrice, trailingStopPrice } from './bar-matching.js';
export type { ExchangeOrder, ExchangeStatus, OrderClass, OrderRequest, OrderType } from './exchange-order.js';
export { ExchangeRefusal, ORDER_TYPES, WORKING } from './exchange-order.js';
export { divMicro, fromMicro, mulMicro, parseMicro, toMicro } from './fixed-point.js';
export { checkOrderRequest } from './order-rules.js';
export type { ExchangeEvent, ExchangeFill, ExchangeOptions, ExchangeState } from './simulated-exchange.js';
export { SimulatedExchange } from './simulated-exchange.js';
