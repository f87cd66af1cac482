import { randomUUID } from 'node:crypto';

import { NotFoundError, toStorableText } from '@trading/domain';
import type { PlaceOrderOutcome } from '@trading/orders';
import { isDataError, isTransient, type Logger, type Notifier } from '@trading/platform';
import type { AlpacaTradingClient } from '@trading/providers';
import type { Repositories, TradingControl } from '@trading/store';
import { Big } from 'big.js';

import type { createManualOrders } from './manual-order.js';

/** What a trader can do to the running platform, from the API, the dashboard or Telegram. */
export interface TraderControls {
  /** Whether strategies may trade, and who last said so. */
  state(): Promise<TradingControl>;
  /** Stop entries (freqtrade's /stopentry): strategies open nothing new; their exits still go. */
  pause(by: string, reason?: string): Promise<TradingControl>;
  /**
   * Halt: refuse every strategy order and a trader's buys, and cancel the open buy orders at the
   * broker; a trader's exits still go. Answers the state and the orders it cancelled.
   */
  halt(by: string, reason?: string): Promise<TradingControl & { cancelled: string[] }>;
  resume(by: string): Promise<TradingControl>;
  /** Sell the whole position in `symbol` at market, through the one order path. */
  forceExit(symbol: string, by: string): Promise<PlaceOrderOutcome>;
}

/** Dependencies of {@link createTraderControls}. */
export interface TraderControlDeps {
  repos: Repositories;
  /** The broker, to cancel open entry orders on a halt. */
  trading: Pick<AlpacaTradingClient, 'cancelOrder'>;
  manual: ReturnType<typeof createManualOrders>;
  notifier: Notifier;
  logger: Logger;
}

/**
 * The trader's controls over one store: a pause or a halt is a row the order path reads at every
 * order (so it holds at once in every process and across restarts); a force-exit is a manual market sell
 * of the platform's whole position, so the risk rules and the ledger see it like any other order.
 * Each change is logged, and announced on Telegram unless it was made there.
 */
export function createTraderControls(deps: TraderControlDeps): TraderControls {
  const announce = (by: string, text: string): void => {
    // The Telegram chat already has the bot's answer to its own command.
    if (by === 'telegram') return;
    deps.notifier.notify(text).catch((err: unknown) => {
      deps.logger.warn('could not announce a trader action', { error: err });
    });
  };
  // A switch must engage whatever its reason says: text the store cannot hold is mended.
  const storable = (reason?: string) =>
    reason === undefined ? undefined : toStorableText(reason.slice(0, 200));

  /** Cancel every open buy at the broker; what could not be cancelled is logged and left to the sync. */
  async function cancelEntries(): Promise<string[]> {
    const entries = (await deps.repos.orders.open()).filter((o) => o.side === 'buy' && o.brokerOrderId);
    const cancelled: string[] = [];
    for (const order of entries) {
      try {
        await deps.trading.cancelOrder(order.brokerOrderId ?? '');
        cancelled.push(order.id);
      } catch (err) {
        // Filled meanwhile (the broker refuses: 422) or the broker unreachable: the halt stands,
        // the order sync records what became of it, and the trader is told in the log.
        if (!isDataError(err) && !isTransient(err)) throw err;
        deps.logger.error('halt: could not cancel an open entry order', { orderId: order.id, error: err });
      }
    }
    return cancelled;
  }

  return {
    state: async () => deps.repos.control.get(),

    async pause(by, reason) {
      const state = await deps.repos.control.set({
        mode: 'entries_stopped',
        reason: storable(reason),
        changedBy: by,
      });
      deps.logger.warn('entries stopped: strategies open nothing new until resumed', { by, reason });
      announce(
        by,
        `⏸ Entries stopped by ${by}${reason ? `: ${reason}` : ''}. Strategies open nothing new until /resume; their exits still go.`,
      );
      return state;
    },

    async halt(by, reason) {
      // Stored first: from here no new entry can be placed, so the cancels below leave none behind.
      const state = await deps.repos.control.set({ mode: 'halted', reason: storable(reason), changedBy: by });
      const cancelled = await cancelEntries();
      deps.logger.warn("trading halted: only a trader's exits go until resumed", { by, reason, cancelled });
      announce(
        by,
        `⛔ Trading halted by ${by}${reason ? `: ${reason}` : ''}. ${String(cancelled.length)} open entry order(s) cancelled; only your exits go until /resume.`,
      );
      return { ...state, cancelled };
    },

    async resume(by) {
      const state = await deps.repos.control.set({ mode: 'running', changedBy: by });
      deps.logger.warn('trading resumed', { by });
      announce(by, `▶ Trading resumed by ${by}.`);
      return state;
    },

    async forceExit(symbol, by) {
      const position = await deps.repos.positions.get(symbol);
      if (!position || new Big(position.qty).lte(0)) throw new NotFoundError(`no open position in ${symbol}`);
      const outcome = await deps.manual.place(
        { symbol, side: 'sell', type: 'market' },
        `exit-${randomUUID()}`,
      );
      deps.logger.warn('force-exit', { symbol, by, outcome: outcome.outcome });
      return outcome;
    },
  };
}
