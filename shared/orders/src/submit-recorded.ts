import type { BrokerOrder, BrokerPort, OrderRequest } from '@trading/domain';
import { ProviderRejectedError } from '@trading/platform';
import type { OrderRole, OrderRow, Repositories } from '@trading/store';

/** What became of a submission: the broker's order, or its refusal recorded on the row. */
export type Submission = { placed: BrokerOrder } | { refused: OrderRow; error: ProviderRejectedError };

/** An order to record and submit, with the signal behind it and its part (entry or exit). */
export type RecordedRequest = OrderRequest & { signalId: string | null; role?: OrderRole };

const rowOf = (request: RecordedRequest) => ({
  clientOrderId: request.clientOrderId,
  signalId: request.signalId,
  symbol: request.symbol,
  side: request.side,
  type: request.type ?? 'market',
  qty: request.qty,
  limitPrice: request.limitPrice ?? null,
  ...(request.role && { role: request.role }),
});

/**
 * Record an order as `new`, before it is submitted: after a crash the row says an order may exist
 * at the broker, and from now on the next risk decision counts it as in flight.
 */
export async function recordNew(
  repos: Repositories,
  request: RecordedRequest,
  decidedAt?: Date,
): Promise<void> {
  await repos.orders.upsert({ ...rowOf(request), status: 'new', decidedAt: decidedAt ?? null });
}

/**
 * Submit an order recorded by {@link recordNew}, once, by its `client_order_id`. A broker's refusal
 * (403/422) is a final answer about this order: recorded as `rejected` with the broker's words
 * (redacted), not retried and not thrown; anything else is thrown.
 */
export async function submitRecorded(
  deps: { repos: Repositories; trading: Pick<BrokerPort, 'submitOrder'> },
  request: RecordedRequest,
): Promise<Submission> {
  try {
    const { signalId: _signalId, role: _role, ...order } = request;
    return { placed: await deps.trading.submitOrder(order) };
  } catch (err) {
    if (!(err instanceof ProviderRejectedError)) throw err;
    const refused = await deps.repos.orders.upsert({
      ...rowOf(request),
      status: 'rejected',
      rejectReason: err.reason,
    });
    return { refused, error: err };
  }
}
