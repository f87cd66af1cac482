import { type TradingControl, tradingMode } from '@trading/store';
import Joi from 'joi';

import type { TraderControls } from '../../domain/trader-controls.js';
import { one, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { symbol } from './input-schemas.js';
import { orderSchema, placedOrThrow, presentOrder } from './orders-routes.js';

/** The trader's switches on the wire. */
export const tradingControlSchema = Joi.object({
  mode: Joi.string()
    .valid('running', 'entries_stopped', 'halted')
    .description(
      "running; entries_stopped (paused): strategies open nothing new, their exits go; halted: only a trader's exits go",
    ),
  paused: Joi.boolean().description('True when entries are stopped or trading is halted'),
  halted: Joi.boolean().description("True: every strategy order and a trader's buys are refused"),
  reason: Joi.string().allow(null),
  changedBy: Joi.string().description('api, telegram, or default before anyone changed it'),
  changedAt: timestamp.allow(null),
}).label('TradingControl');

/** The switches as answered. */
export function presentControl(c: TradingControl): Record<string, unknown> {
  return {
    mode: tradingMode(c),
    paused: c.paused,
    halted: c.halted,
    reason: c.reason,
    changedBy: c.changedBy,
    changedAt: c.changedAt ? c.changedAt.toISOString() : null,
  };
}

const controlAnswer = one(tradingControlSchema, 'TradingControlAnswer');
const haltAnswer = one(
  tradingControlSchema.keys({
    cancelled: Joi.array().items(Joi.string()).description('Ids of the open entry orders cancelled'),
  }),
  'TradingHaltAnswer',
);
const reasonBody = Joi.object({ reason: Joi.string().min(1).max(200).description('Why, for the log') });

/** Stop entries, halt and resume trading, and force-exit a position. */
export function controlEndpoints(controls: TraderControls): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/control',
      operationId: 'getTradingControl',
      summary: 'Whether strategies may trade: running, entries stopped or halted',
      tag: 'control',
      responses: { 200: { description: 'The kill switch', schema: controlAnswer } },
      async handle() {
        return { body: { data: presentControl(await controls.state()) } };
      },
    }),
    endpoint<Record<string, never>, Record<string, never>, { reason?: string }>({
      method: 'post',
      path: '/control/pause',
      operationId: 'pauseTrading',
      summary: "Stop entries (freqtrade's /stopentry): strategies open nothing new; their exits still go",
      tag: 'control',
      body: reasonBody,
      responses: { 200: { description: 'Entries stopped', schema: controlAnswer } },
      async handle({ body }) {
        return { body: { data: presentControl(await controls.pause('api', body.reason)) } };
      },
    }),
    endpoint<Record<string, never>, Record<string, never>, { reason?: string }>({
      method: 'post',
      path: '/control/halt',
      operationId: 'haltTrading',
      summary:
        "Halt: cancel open entry orders; refuse every strategy order and a trader's buys until resumed",
      tag: 'control',
      body: reasonBody,
      responses: { 200: { description: 'Halted, with the orders cancelled', schema: haltAnswer } },
      async handle({ body }) {
        const { cancelled, ...state } = await controls.halt('api', body.reason);
        return { body: { data: { ...presentControl(state), cancelled } } };
      },
    }),
    endpoint({
      method: 'post',
      path: '/control/resume',
      operationId: 'resumeTrading',
      summary: 'Resume trading: strategies enter and exit again',
      tag: 'control',
      responses: { 200: { description: 'Running', schema: controlAnswer } },
      async handle() {
        return { body: { data: presentControl(await controls.resume('api')) } };
      },
    }),
    endpoint<Record<string, never>, { symbol: string }>({
      method: 'post',
      path: '/positions/:symbol/close',
      operationId: 'closePosition',
      summary: 'Force-exit: sell the whole position at market, through the risk checks',
      tag: 'control',
      params: Joi.object({ symbol: symbol.required() }),
      rateLimit: 'orders',
      responses: {
        201: { description: 'The exit order', schema: one(orderSchema, 'ExitOrder') },
        404: { description: 'No open position in the symbol' },
        422: { description: 'Refused by a risk rule or by the broker' },
      },
      async handle({ params }) {
        const { order } = placedOrThrow(await controls.forceExit(params.symbol, 'api'));
        return {
          status: 201,
          body: { data: presentOrder(order) },
          headers: { Location: `/api/v1/orders/${order.id}` },
        };
      },
    }),
  ];
}
