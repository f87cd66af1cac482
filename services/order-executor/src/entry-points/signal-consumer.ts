import {
  type AlpacaTradingClient,
  assessOrder,
  type Broker,
  checkOrderNotional,
  type Config,
  createEvent,
  createOrderRecorder,
  type EventEnvelope,
  type Logger,
  type Metrics,
  needsAttention,
  type Notifier,
  payloadOf,
  type PriceSource,
  providerStatus,
  type RejectionPayload,
  type Repositories,
  riskLimits,
  type RiskRule,
  type SignalPayload,
  STREAMS,
  submitRecorded,
  type Timeframe,
} from '@trading/shared';

import { clientOrderIdFor } from '../domain/order-identity.js';

/** Dependencies of the signal consumer. */
export interface SignalConsumerDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  trading: AlpacaTradingClient;
  /** The broker's latest trades: the fresh price every order is checked and sized against. */
  prices: PriceSource;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

/**
 * Handles `signal.created`: one order per signal, ever. The order's `client_order_id` comes from the
 * signal id; before deciding anything the consumer looks for that order in its own table (and, if
 * there, at the broker), so a redelivered or retried signal only brings the existing order up to date. A new signal
 * passes the risk checks (a refusal is recorded on the signal with its rule and numbers, published
 * as `order.rejected`, and sent to Telegram when a person must act on it), is recorded as `new`,
 * submitted (to execute at the next open when decided while the market is closed), and followed.
 * A broker's refusal records the order as `rejected` with the broker's (redacted) reason.
 */
export function createSignalConsumer(deps: SignalConsumerDeps): (event: EventEnvelope) => Promise<void> {
  const { repos, trading, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const limits = riskLimits(deps.config);
  const record = createOrderRecorder(deps);
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
      .notify(`⛔ ${signal.side} ${signal.symbol} refused by ${rule}: ${JSON.stringify(details)}`)
      .catch((err: unknown) => {
        logger.warn('rejection notice not sent', { error: err });
      });
  }

  async function decideAndSubmit(signal: SignalPayload, clientOrderId: string): Promise<void> {
    const assessed = await assessOrder(
      { trading, prices: deps.prices, repos, limits, now: now() },
      {
        symbol: signal.symbol,
        side: signal.side,
        signal: {
          price: signal.price,
          barTs: new Date(signal.barTs),
          timeframe: signal.timeframe as Timeframe,
        },
      },
    );
    const decision =
      assessed.approved && assessed.price !== undefined
        ? (checkOrderNotional({ side: signal.side, qty: assessed.qty, price: assessed.price }, limits) ??
          assessed)
        : assessed;
    if (!decision.approved) {
      await reject(signal, decision.rule, decision.details);
      return;
    }
    decisions.inc({ decision: 'approved', rule: '' });
    const submission = await submitRecorded(deps, {
      clientOrderId,
      signalId: signal.signalId,
      symbol: signal.symbol,
      side: signal.side,
      qty: decision.qty,
      timeInForce: decision.atOpen ? 'opg' : 'day',
    });
    if ('refused' in submission) {
      const { error } = submission;
      await reject(signal, 'broker_rejected', { status: providerStatus(error) ?? 0, reason: error.reason });
      return;
    }
    await record(submission.placed, signal.signalId);
    await repos.signals.setDecision(signal.signalId, 'ordered');
  }

  return async (event) => {
    const signal = payloadOf(event, 'signal.created');
    const clientOrderId = clientOrderIdFor(signal.signalId);
    const stored = await repos.signals.get(signal.signalId);
    if (stored?.status === 'rejected') return;
    // The row is written before the order is submitted, so without a row no order can exist at the
    // broker: a new signal needs no lookup there.
    const mine = await repos.orders.findByClientOrderId(clientOrderId);
    if (mine?.status === 'rejected' && !mine.brokerOrderId) {
      // Refused by the broker on a delivery that died before deciding the signal: decide it now.
      await reject(signal, 'broker_rejected', { reason: mine.rejectReason ?? '' });
      return;
    }
    if (mine) {
      const atBroker = await trading.getOrderByClientId(clientOrderId);
      // A redelivery (the broker's order is the one), or a crash between recording and submitting
      // (submit the recorded order now, once).
      const order =
        atBroker ??
        (await trading.submitOrder({ clientOrderId, symbol: mine.symbol, side: mine.side, qty: mine.qty }));
      await record(order, signal.signalId);
      if (stored?.status !== 'ordered') await repos.signals.setDecision(signal.signalId, 'ordered');
      return;
    }
    await decideAndSubmit(signal, clientOrderId);
  };
}
