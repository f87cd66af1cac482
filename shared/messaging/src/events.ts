import {
  BAR_TIMEFRAMES,
  barProblem,
  DataError,
  DECIMAL,
  type Side,
  SIDES,
  SYMBOL_PATTERN,
  UNSIGNED_DECIMAL,
} from '@trading/domain';
import Joi from 'joi';

import type { EventEnvelope } from './event-envelope.js';

const decimal = Joi.string().pattern(DECIMAL);
/** A decimal > 0 (a price, an order's quantity). */
const positive = Joi.string()
  .pattern(UNSIGNED_DECIMAL)
  .custom(
    (value: string, helpers) =>
      Number(value) > 0 ? value : helpers.message({ custom: '{{#label}} must be greater than 0' }),
    'positive',
  );
/** A decimal ≥ 0 (a volume, a filled quantity). */
const nonNegative = Joi.string().pattern(UNSIGNED_DECIMAL);
const symbol = Joi.string().pattern(SYMBOL_PATTERN);
const timeframe = Joi.string().valid(...BAR_TIMEFRAMES);
/** How far ahead of this process's clock another's may run. */
const CLOCK_SKEW_MS = 60_000;
/** A moment that has already happened (events describe facts; a stamp from the future is a bad clock or a bad feed). */
const past = Joi.string()
  .isoDate()
  .custom((value: string, helpers) =>
    Date.parse(value) <= Date.now() + CLOCK_SKEW_MS
      ? value
      : helpers.message({ custom: '{{#label}} is in the future' }),
  );

/** `candle.closed` on `market.candles`: one completed bar. */
export interface CandlePayload {
  symbol: string;
  timeframe: string;
  ts: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** `news.published` on `market.news`: one stored news item. */
export interface NewsPayload {
  symbol: string;
  provider: string;
  providerId: string;
  headline: string;
  publishedAt: string;
  sentiment: string;
}

/** `signal.created` on `strategy.signals`: one strategy decision. */
export interface SignalPayload {
  signalId: string;
  symbol: string;
  strategy: string;
  side: Side;
  strength: string;
  price: string;
  timeframe: string;
  barTs: string;
  reason: string;
  params: Record<string, unknown>;
  /** An entry's protective exits, held at the broker from its fill (decimal prices; trail in %). */
  exits?: { stopPrice?: string; takeProfitPrice?: string; trailPercent?: string } | null;
  /** Why an exit: the strategy's decision or its holding limit. */
  exitReason?: 'signal' | 'time' | null;
}

/** One fill of an order. */
export interface FillPayload {
  tradeId: string;
  qty: string;
  price: string;
  tradedAt: string;
}

/** `order.updated` on `execution.orders`: an order's state at the broker, with the fills new since the last update. */
export interface OrderPayload {
  orderId: string;
  clientOrderId: string;
  signalId: string | null;
  symbol: string;
  side: Side;
  qty: string;
  status: string;
  filledQty: string;
  filledAvgPrice: string | null;
  fills: FillPayload[];
}

/** `order.rejected` on `execution.orders`: a signal the risk checks refused. */
export interface RejectionPayload {
  signalId: string;
  symbol: string;
  side: Side;
  rule: string;
  details: Record<string, unknown>;
}

/** `backtest.requested` on `backtest.jobs`: a stored run to execute. */
export interface BacktestJobPayload {
  runId: string;
  symbol: string;
  timeframe: string;
  strategy: string;
  params: Record<string, unknown>;
  from: string;
  to: string;
  model: {
    cash?: number;
    commission?: number;
    slippage?: number;
    fill?: 'next-open' | 'close';
    allowShort?: boolean;
  };
}

const SCHEMAS = {
  'candle.closed': Joi.object<CandlePayload>({
    symbol: symbol.required(),
    timeframe: timeframe.required(),
    ts: past.required(),
    open: positive.required(),
    high: positive.required(),
    low: positive.required(),
    close: positive.required(),
    volume: nonNegative.required(),
  }).custom((bar: CandlePayload, helpers) => {
    // The same rules as bars from the provider (one rule set: screenBars' barProblem).
    const problem = barProblem({
      ts: new Date(bar.ts),
      open: Number(bar.open),
      high: Number(bar.high),
      low: Number(bar.low),
      close: Number(bar.close),
      volume: Number(bar.volume),
    });
    return problem ? helpers.message({ custom: `bar refused: ${problem}` }) : bar;
  }),
  'news.published': Joi.object<NewsPayload>({
    symbol: symbol.required(),
    provider: Joi.string().required(),
    providerId: Joi.string().required(),
    headline: Joi.string().allow('').required(),
    publishedAt: Joi.string().isoDate().required(),
    sentiment: decimal.required(),
  }),
  'signal.created': Joi.object<SignalPayload>({
    signalId: Joi.string().uuid().required(),
    symbol: symbol.required(),
    strategy: Joi.string().required(),
    side: Joi.string()
      .valid(...SIDES)
      .required(),
    strength: decimal.required(),
    price: positive.required(),
    timeframe: timeframe.required(),
    barTs: past.required(),
    reason: Joi.string().required(),
    params: Joi.object().required(),
    exits: Joi.object({
      stopPrice: positive,
      takeProfitPrice: positive,
      trailPercent: positive,
    }).allow(null),
    exitReason: Joi.string().valid('signal', 'time').allow(null),
  }),
  'order.updated': Joi.object<OrderPayload>({
    orderId: Joi.string().uuid().required(),
    clientOrderId: Joi.string().max(48).required(),
    signalId: Joi.string().uuid().allow(null).required(),
    symbol: symbol.required(),
    side: Joi.string()
      .valid(...SIDES)
      .required(),
    qty: positive.required(),
    status: Joi.string().required(),
    filledQty: nonNegative.required(),
    filledAvgPrice: positive.allow(null).required(),
    fills: Joi.array()
      .items(
        Joi.object<FillPayload>({
          tradeId: Joi.string().required(),
          qty: positive.required(),
          price: positive.required(),
          tradedAt: Joi.string().isoDate().required(),
        }),
      )
      .required(),
  }),
  'order.rejected': Joi.object<RejectionPayload>({
    signalId: Joi.string().uuid().required(),
    symbol: symbol.required(),
    side: Joi.string()
      .valid(...SIDES)
      .required(),
    rule: Joi.string().required(),
    details: Joi.object().required(),
  }),
  'backtest.requested': Joi.object<BacktestJobPayload>({
    runId: Joi.string().uuid().required(),
    symbol: symbol.required(),
    timeframe: timeframe.required(),
    strategy: Joi.string().required(),
    params: Joi.object().pattern(Joi.string(), Joi.number()).required(),
    from: Joi.string().isoDate().required(),
    to: Joi.string().isoDate().required(),
    model: Joi.object({
      cash: Joi.number().positive(),
      commission: Joi.number().min(0).max(0.1),
      slippage: Joi.number().min(0).max(0.1),
      fill: Joi.string().valid('next-open', 'close'),
      allowShort: Joi.boolean(),
    }).required(),
  }),
} as const;

/** Payload type of each event type. */
export interface EventPayloads {
  'candle.closed': CandlePayload;
  'news.published': NewsPayload;
  'signal.created': SignalPayload;
  'order.updated': OrderPayload;
  'order.rejected': RejectionPayload;
  'backtest.requested': BacktestJobPayload;
}

/**
 * The payload of an event of the expected type, checked for shape and for value: prices and
 * quantities > 0, a bar's low ≤ open/close ≤ high, a known timeframe, no stamp from the future.
 * @throws DataError when the type differs or the payload breaks a rule (dead-lettered with the reason).
 */
export function payloadOf<K extends keyof EventPayloads>(event: EventEnvelope, type: K): EventPayloads[K] {
  if (event.type !== type)
    throw new DataError(`expected a ${type} event, got ${event.type}`, { code: 'INVALID_EVENT' });
  const result = SCHEMAS[type].validate(event.payload, { abortEarly: false });
  if (result.error)
    throw new DataError(`invalid ${type} payload: ${result.error.message}`, { code: 'INVALID_EVENT' });
  return result.value as EventPayloads[K];
}

/**
 * The symbol an event is about (its payload's `symbol`), or its id when it names none: the key that
 * keeps one symbol's events in order when a consumer handles several at once.
 */
export function symbolOf(event: EventEnvelope): string {
  const { symbol } = (event.payload ?? {}) as { symbol?: unknown };
  return typeof symbol === 'string' ? symbol : event.id;
}
