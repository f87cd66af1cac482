import type { BrokerOrder, BrokerPort, OrderRequest } from '@trading/domain';
import { ProviderRejectedError } from '@trading/platform';
import type { OrderRow, Repositories } from '@trading/store';

/** What became of a submission: the broker's order, or its refusal recorded on the row. */
export type Submission = { placed: BrokerOrder } | { refused: OrderRow; error: ProviderRejectedError };

/**
 * Submit an order the way every path must: recorded as `new` first (after a crash, the row says an
 * order may exist at the broker), then submitted once by its `client_order_id`. A broker's refusal
 * (403/422) is a final answer about this order: recorded as `rejected` with the broker's words
 * (redacted), not retried and not thrown; anything else is thrown.
 */
export async function submitRecorded(
  deps: { repos: Repositories; trading: Pick<BrokerPort, 'submitOrder'> },
  request: OrderRequest & { signalId: string | null },
): Promise<Submission> {
  const row = {
    clientOrderId: request.clientOrderId,
    signalId: request.signalId,
    symbol: request.symbol,
    side: request.side,
    type: request.type ?? 'market',
    qty: request.qty,
    limitPrice: request.limitPrice ?? null,
  };
  await deps.repos.orders.upsert({ ...row, status: 'new' });
  try {
    const { signalId: _signalId, ...order } = request;
    return { placed: await deps.trading.submitOrder(order) };
  } catch (err) {
    if (!(err instanceof ProviderRejectedError)) throw err;
    const refused = await deps.repos.orders.upsert({ ...row, status: 'rejected', rejectReason: err.reason });
    return { refused, error: err };
  }
}
