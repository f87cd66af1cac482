import type { TradingControl } from '@trading/store';
import Joi from 'joi';

import type { TraderControls } from '../../domain/trader-controls.js';
import { one, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { symbol } from './input-schemas.js';
import { orderSchema, placedOrThrow, presentOrder } from './orders-routes.js';

/** The kill switch on the wire. */
export const tradingControlSchema = Joi.object({
  paused: Joi.boolean().description('True: strategies place no orders (a trader still may)'),
  reason: Joi.string().allow(null),
  changedBy: Joi.string().description('api, telegram, or default before anyone changed it'),
  changedAt: timestamp.allow(null),
}).label('TradingControl');

/** The kill switch as answered. */
export function presentControl(c: TradingControl): Record<string, unknown> {
  return {
    paused: c.paused,
    reason: c.reason,
    changedBy: c.changedBy,
    changedAt: c.changedAt ? c.changedAt.toISOString() : null,
  };
}

const controlAnswer = one(tradingControlSchema, 'TradingControlAnswer');

/** Pause and resume trading, and force-exit a position. */
export function controlEndpoints(controls: TraderControls): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/control',
      operationId: 'getTradingControl',
      summary: 'Whether strategies may trade (the kill switch)',
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
      summary: 'Pause trading: strategies place no orders until resumed; open positions stay',
      tag: 'control',
      body: Joi.object({ reason: Joi.string().min(1).max(200).description('Why, for the log') }),
      responses: { 200: { description: 'Paused', schema: controlAnswer } },
      async handle({ body }) {
        return { body: { data: presentControl(await controls.pause('api', body.reason)) } };
      },
    }),
    endpoint({
      method: 'post',
      path: '/control/resume',
      operationId: 'resumeTrading',
      summary: 'Resume trading',
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
