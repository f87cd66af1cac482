export type { BrokerDeps, BrokerSettings, DeadLetter } from './broker.js';
export { Broker, brokerSettings, createBroker } from './broker.js';
export type { EventEnvelope } from './event-envelope.js';
export {
  createEvent,
  deadLetterStream,
  decodeEnvelope,
  STREAMS,
  validateEnvelope,
} from './event-envelope.js';
export type {
  BacktestJobPayload,
  CandlePayload,
  EventPayloads,
  FillPayload,
  NewsPayload,
  OrderPayload,
  RejectionPayload,
  SignalPayload,
} from './events.js';
export { payloadOf, symbolOf } from './events.js';
export type { OutboxOptions, OutboxSource } from './outbox.js';
export { createOutbox } from './outbox.js';
export type { RedisClientOptions } from './redis-client.js';
export { createRedisClient } from './redis-client.js';
export type { ConsumeOptions, Consumer, DeliveryInfo, EventHandler } from './stream-consumer.js';
export type { StreamEntry } from './stream-transport.js';
