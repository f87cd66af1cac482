export type { AssessOrderDeps, OrderAssessment, OrderIntent, OrderScreening } from './assess-order.js';
export { decideOrder, pendingExposure, riskLimits, screenOrder } from './assess-order.js';
export type { BrokerSnapshot, BrokerState } from './broker-state.js';
export { createBrokerState } from './broker-state.js';
export type { OrderRecorder, OrderRecorderDeps } from './order-recorder.js';
export { createOrderRecorder } from './order-recorder.js';
export type { OrderRefusal, PlaceOrderDeps, PlaceOrderOutcome, PlaceOrderRequest } from './place-order.js';
export { createPlaceOrder } from './place-order.js';
export type { ProtectiveDeps } from './protective-orders.js';
export {
  brokerPrice,
  cancelProtective,
  entryProtection,
  placeTrailingStops,
  recordLegs,
} from './protective-orders.js';
