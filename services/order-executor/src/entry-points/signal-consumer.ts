import type { Clock } from '@trading/domain';
import {
  type BrokerPort,
  DataError,
  needsAttention,
  type PriceSource,
  type RiskRule,
  type Timeframe,
} from '@trading/domain';
import {
  type Broker,
  createEvent,
  type EventEnvelope,
  payloadOf,
  type RejectionPayload,
  type SignalPayload,
  STREAMS,
} from '@trading/messaging';
import { createBrokerState, createPlaceOrder, riskLimits } from '@trading/orders';
import { type Config, type Logger, type Metrics, type Notifier } from '@trading/platform';
import { type Repositories } from '@trading/store';

import { clientOrderIdFor } from '../domain/order-identity.js';

/** Dependencies of the signal consumer. */
export interface SignalConsumerDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  trading: BrokerPort;
  /** The broker's latest trades: the fresh price every order is checked and sized against. */
  prices: PriceSource;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
  now?: Clock;
}

/**
 * Handles `signal.created`: one order per signal, ever, through the one order path
 * ({@link createPlaceOrder}). The order's `client_order_id` comes from the signal id, so a
 * redelivered or retried signal only brings the existing order up to date. A refusal (a risk rule or
 * the broker) is recorded on the signal with its rule and numbers, published as `order.rejected`,
 * and sent to Telegram when a person must act on it.
 */
export function createSignalConsumer(deps: SignalConsumerDeps): (event: EventEnvelope) => Promise<void> {
  const { repos, logger } = deps;
  const placeOrder = createPlaceOrder({
    ...deps,
    limits: riskLimits(deps.config),
    brokerState: createBrokerState(deps.trading, { maxAgeMs: deps.config.brokerStateMaxAgeMs }),
  });
  const decisions = deps.metrics.counter(
    'order_decisions_total',
    'Signals approved or rejected by the risk checks, by rule',
    ['decision', 'rule'],
  );

  async function reject(
    signal: SignalPayload,
    rule: RiskRule,
    details: Record<string, unknown>,
  ): Promise<void> {
    await repos.signals.setDecision(signal.signalId, 'rejected', { rule, details });
    await deps.broker.publish(
      STREAMS.orders,
      createEvent<RejectionPayload>(
        'order.rejected',
        { signalId: signal.signalId, symbol: signal.symbol, side: signal.side, rule, details },
        { id: `rejection:${signal.signalId}` },
      ),
    );
    decisions.inc({ decision: 'rejected', rule });
    logger.info('signal rejected', { signalId: signal.signalId, symbol: signal.symbol, rule, details });
    if (!needsAttention(rule)) return;
    await deps.notifier
      .notify(
        `⛔ ${signal.side} ${signal.symbol} refused by ${rule}: ${JSON.stringify(details)}`,
        `refused:${rule}:${signal.symbol}`,
      )
      .catch((err: unknown) => {
        logger.warn('rejection notice not sent', { error: err });
      });
  }

  return async (event) => {
    const signal = payloadOf(event, 'signal.created');
    const stored = await repos.signals.get(signal.signalId);
    if (stored?.status === 'rejected') return;
    const placed = await placeOrder({
      clientOrderId: clientOrderIdFor(signal.signalId),
      symbol: signal.symbol,
      side: signal.side,
      signal: {
        signalId: signal.signalId,
        price: signal.price,
        barTs: new Date(signal.barTs),
        timeframe: signal.timeframe as Timeframe,
        exits: signal.exits,
      },
    });
    switch (placed.outcome) {
      case 'refused':
        await reject(signal, placed.rule, placed.details);
        return;
      case 'brokerRefused':
        await reject(signal, 'broker_rejected', {
          status: placed.brokerStatus ?? 0,
          reason: placed.reason,
        });
        return;
      case 'conflict':
        throw new DataError(`order ${placed.order.clientOrderId} is not this signal's order`);
      case 'placed':
        decisions.inc({ decision: 'approved', rule: '' });
        await repos.signals.setDecision(signal.signalId, 'ordered');
        return;
      case 'existing':
        if (stored?.status !== 'ordered') await repos.signals.setDecision(signal.signalId, 'ordered');
    }
  };
}
