import type {
  BrokerAccount,
  BrokerOrder,
  BrokerPort,
  BrokerPosition,
  OrderRequest,
  TrailingStopRequest,
} from '@trading/domain';
import type { Config } from '@trading/platform';
import { isTransient, providerReason, providerStatus } from '@trading/platform';
import Joi from 'joi';

import { HttpJsonClient } from '../http/http-json-client.js';
import { type AlpacaClientDeps, alpacaHttp } from './alpaca-auth.js';
import { d, dec, dn, orderSchema, type Raw, toOrder } from './alpaca-wire.js';

const accountSchema = Joi.object({
  id: Joi.string().required(),
  status: Joi.string().required(),
  cash: dec.required(),
  equity: dec.required(),
  buying_power: dec.required(),
  portfolio_value: dec,
  last_equity: dec,
  trading_blocked: Joi.boolean(),
});
const positionSchema = Joi.object({
  symbol: Joi.string().required(),
  qty: dec.required(),
  side: Joi.string().valid('long', 'short'),
  avg_entry_price: dec.required(),
  current_price: dec.allow(null),
  market_value: dec.allow(null),
  unrealized_pl: dec.allow(null),
});

/** Most lookup-and-resubmit rounds a submission makes before giving up (each round submits at most once). */
const SUBMIT_ROUNDS = 3;

/** Alpaca trading API v2 (paper or live, by base URL). */
export class AlpacaTradingClient implements BrokerPort {
  readonly #http: HttpJsonClient;

  constructor(http: HttpJsonClient) {
    this.#http = http;
  }

  static fromConfig(config: Config, deps: AlpacaClientDeps = {}): AlpacaTradingClient {
    return new AlpacaTradingClient(
      alpacaHttp(config, 'alpaca-trading', config.alpacaTradingUrl, deps, 'high'),
    );
  }

  async getAccount(): Promise<BrokerAccount> {
    const raw = await this.#http.request<Raw>('GET', '/v2/account', { schema: accountSchema });
    return {
      id: String(raw.id),
      status: String(raw.status),
      cash: d(raw.cash, 'cash'),
      equity: d(raw.equity, 'equity'),
      buyingPower: d(raw.buying_power, 'buying_power'),
      portfolioValue: d(raw.portfolio_value ?? raw.equity, 'portfolio_value'),
      lastEquity: d(raw.last_equity ?? raw.equity, 'last_equity'),
      tradingBlocked: raw.trading_blocked === true,
    };
  }

  /** Whether the market is open now (`GET /v2/clock`). */
  async isMarketOpen(): Promise<boolean> {
    const clock = await this.#http.request<{ is_open: boolean }>('GET', '/v2/clock', {
      schema: Joi.object({ is_open: Joi.boolean().required() }),
    });
    return clock.is_open;
  }

  async getPositions(): Promise<BrokerPosition[]> {
    const raw = await this.#http.request<Raw[]>('GET', '/v2/positions', {
      schema: Joi.array().items(positionSchema),
    });
    return raw.map((p) => ({
      symbol: String(p.symbol),
      qty: d(p.qty, 'qty'),
      avgEntryPrice: d(p.avg_entry_price, 'avg_entry_price'),
      currentPrice: dn(p.current_price, 'current_price'),
      marketValue: dn(p.market_value, 'market_value'),
      unrealizedPl: dn(p.unrealized_pl, 'unrealized_pl'),
    }));
  }

  /** The order with this client order id, or undefined when the broker never received it. */
  async getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | undefined> {
    try {
      const raw = await this.#http.request<Raw>('GET', '/v2/orders:by_client_order_id', {
        query: { client_order_id: clientOrderId },
        schema: orderSchema,
      });
      return toOrder(raw);
    } catch (err) {
      if (providerStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async getOrder(id: string): Promise<BrokerOrder> {
    return toOrder(
      await this.#http.request<Raw>('GET', `/v2/orders/${encodeURIComponent(id)}`, { schema: orderSchema }),
    );
  }

  async listOrders(
    query: { status?: 'open' | 'closed' | 'all'; limit?: number; symbols?: readonly string[] } = {},
  ): Promise<BrokerOrder[]> {
    const raw = await this.#http.request<Raw[]>('GET', '/v2/orders', {
      schema: Joi.array().items(orderSchema),
      query: {
        status: query.status ?? 'open',
        limit: query.limit ?? 500,
        symbols: query.symbols?.join(','),
        direction: 'desc',
      },
    });
    return raw.map(toOrder);
  }

  async cancelOrder(id: string): Promise<void> {
    await this.#http.request('DELETE', `/v2/orders/${encodeURIComponent(id)}`);
  }

  /**
   * Place an order exactly once. The POST itself is never retried blindly: when it fails in a way
   * that leaves its fate unknown (timeout, connection lost, 5xx), the order is looked up by its
   * `client_order_id`; only if the broker has no such order is it submitted again. A duplicate
   * refused by the broker (422) is settled the same way. So one request never makes two orders.
   */
  async submitOrder(order: OrderRequest): Promise<BrokerOrder> {
    const protectedBy =
      order.stopLoss !== undefined && order.takeProfit !== undefined
        ? 'bracket'
        : order.stopLoss !== undefined || order.takeProfit !== undefined
          ? 'oto'
          : undefined;
    const body = {
      client_order_id: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      qty: order.qty,
      type: order.type ?? 'market',
      time_in_force: order.timeInForce ?? 'day',
      limit_price: order.limitPrice,
      // Alpaca holds a bracket's (both exits) or an OTO's (one) legs once the entry fills.
      ...(protectedBy && {
        order_class: protectedBy,
        ...(order.stopLoss !== undefined && { stop_loss: { stop_price: order.stopLoss } }),
        ...(order.takeProfit !== undefined && { take_profit: { limit_price: order.takeProfit } }),
      }),
    };
    return this.#submit(order.clientOrderId, body);
  }

  /** Place a trailing stop (good till canceled) on shares held, exactly once by its client id. */
  async submitTrailingStop(order: TrailingStopRequest): Promise<BrokerOrder> {
    return this.#submit(order.clientOrderId, {
      client_order_id: order.clientOrderId,
      symbol: order.symbol,
      side: 'sell',
      qty: order.qty,
      type: 'trailing_stop',
      time_in_force: 'gtc',
      trail_percent: order.trailPercent,
    });
  }

  async #submit(clientOrderId: string, body: Record<string, unknown>): Promise<BrokerOrder> {
    let lastError: unknown;
    for (let round = 0; round < SUBMIT_ROUNDS; round++) {
      try {
        return toOrder(
          await this.#http.request<Raw>('POST', '/v2/orders', { body, retry: false, schema: orderSchema }),
        );
      } catch (err) {
        const duplicate = providerStatus(err) === 422 && /client_order_id/i.test(providerReason(err) ?? '');
        if (!duplicate && !isTransient(err)) throw err;
        lastError = err;
      }
      // The fate of the POST is unknown (or it was a duplicate): the broker's record decides.
      const existing = await this.getOrderByClientId(clientOrderId);
      if (existing) return existing;
    }
    throw lastError;
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
