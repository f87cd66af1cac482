import {
  type AlpacaTradingClient,
  AppError,
  assessOrder,
  checkOrderNotional,
  createOrderRecorder,
  DataError,
  type OrderRecorderDeps,
  type OrderRow,
  type PriceSource,
  providerStatus,
  type RiskLimits,
  type Side,
  submitRecorded,
} from '@trading/shared';
import { Big } from 'big.js';

/** A manual order as a trader asks for it. */
export interface ManualOrderRequest {
  symbol: string;
  side: Side;
  /** Whole shares; without it the risk checks size the order (a buy to the caps, a sell to the whole position). */
  qty?: number;
  type: 'market' | 'limit';
  limitPrice?: string;
  /** Makes a retried request place the order once: the same key answers the same order. */
  idempotencyKey?: string;
}

/** An order the risk checks refused (HTTP 422), naming the rule and its numbers. */
export class RiskRejectedError extends AppError {
  constructor(rule: string, details: Record<string, unknown>) {
    super(`order refused by the risk rule '${rule}'`, 'RISK_REJECTED', 422, 'data', {
      details: { rule, ...details },
    });
  }
}

/** Dependencies of {@link createManualOrders}. */
export interface ManualOrderDeps extends OrderRecorderDeps {
  trading: AlpacaTradingClient;
  /** The broker's latest trades: manual orders are sized and capped at the fresh price too. */
  prices: PriceSource;
  limits: RiskLimits;
  now?: () => Date;
}

/** The broker-side id of a manual order: `man-` and the idempotency key (≤ 48 chars, as Alpaca allows). */
export function manualClientOrderId(key: string): string {
  return `man-${key}`;
}

/**
 * The requested quantity checked against what the risk checks allow; the allowed size when none
 * was asked for.
 */
export function sizeManualOrder(requested: number | undefined, allowed: string): string {
  if (requested === undefined) return allowed;
  if (new Big(requested).gt(allowed)) {
    throw new RiskRejectedError('max_quantity', { requested: String(requested), allowed });
  }
  return String(requested);
}

/**
 * Manual orders through the executor's own rules: the same {@link assessOrder} (cooldown, the
 * fresh broker price, daily loss, open positions, position size, buying power, the notional cap at
 * the fresh price), the same recording before
 * submitting (a crash leaves a row that says an order may exist), the same idempotent submission
 * and the same `order.updated` events, so the portfolio follows manual trades like any other.
 */
export function createManualOrders(deps: ManualOrderDeps): {
  place(request: ManualOrderRequest, key: string): Promise<{ order: OrderRow; created: boolean }>;
  cancel(order: OrderRow): Promise<OrderRow>;
} {
  const record = createOrderRecorder(deps);
  const now = deps.now ?? (() => new Date());

  return {
    async place(request, key) {
      const clientOrderId = manualClientOrderId(key);
      const existing = await deps.repos.orders.findByClientOrderId(clientOrderId);
      if (existing) {
        if (existing.symbol !== request.symbol || existing.side !== request.side) {
          throw new DataError('this idempotency key names another order', {
            code: 'IDEMPOTENCY_CONFLICT',
            status: 409,
            details: { orderId: existing.id },
          });
        }
        return { order: existing, created: false };
      }
      const limitPrice = request.type === 'limit' ? request.limitPrice : undefined;
      const decision = await assessOrder(
        { trading: deps.trading, prices: deps.prices, repos: deps.repos, limits: deps.limits, now: now() },
        { symbol: request.symbol, side: request.side, limitPrice },
      );
      if (!decision.approved) throw new RiskRejectedError(decision.rule, decision.details);
      const qty = sizeManualOrder(request.qty, decision.qty);
      const capped = checkOrderNotional(
        { side: request.side, qty, price: decision.price ?? '0' },
        deps.limits,
      );
      if (capped && !capped.approved) throw new RiskRejectedError(capped.rule, capped.details);
      const submission = await submitRecorded(deps, {
        clientOrderId,
        signalId: null,
        symbol: request.symbol,
        side: request.side,
        qty,
        type: request.type,
        limitPrice,
        timeInForce: decision.atOpen ? 'opg' : 'day',
      });
      if ('refused' in submission) {
        // Recorded with the broker's (redacted) words; the client gets a code and a safe message.
        throw new DataError('the broker refused the order', {
          code: 'BROKER_REJECTED',
          status: 422,
          details: {
            rule: 'broker_rejected',
            orderId: submission.refused.id,
            brokerStatus: providerStatus(submission.error),
          },
        });
      }
      return { order: await record(submission.placed, null), created: true };
    },

    async cancel(order) {
      const atBroker = order.brokerOrderId
        ? await deps.trading.getOrder(order.brokerOrderId)
        : await deps.trading.getOrderByClientId(order.clientOrderId);
      if (!atBroker) {
        throw new DataError('the broker has no such order', { code: 'NOT_AT_BROKER', status: 409 });
      }
      await deps.trading.cancelOrder(atBroker.id);
      return record(await deps.trading.getOrder(atBroker.id), order.signalId);
    },
  };
}
