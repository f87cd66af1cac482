import { randomUUID } from 'node:crypto';

import { NotFoundError, toStorableText } from '@trading/domain';
import type { PlaceOrderOutcome } from '@trading/orders';
import type { Logger, Notifier } from '@trading/platform';
import type { Repositories, TradingControl } from '@trading/store';
import { Big } from 'big.js';

import type { createManualOrders } from './manual-order.js';

/** What a trader can do to the running platform, from the API, the dashboard or Telegram. */
export interface TraderControls {
  /** Whether strategies may trade, and who last said so. */
  state(): Promise<TradingControl>;
  /** The kill switch: strategies place no order until resumed (a trader still may). */
  pause(by: string, reason?: string): Promise<TradingControl>;
  resume(by: string): Promise<TradingControl>;
  /** Sell the whole position in `symbol` at market, through the one order path. */
  forceExit(symbol: string, by: string): Promise<PlaceOrderOutcome>;
}

/** Dependencies of {@link createTraderControls}. */
export interface TraderControlDeps {
  repos: Repositories;
  manual: ReturnType<typeof createManualOrders>;
  notifier: Notifier;
  logger: Logger;
}

/**
 * The trader's controls over one store: a pause is a row the order path reads at every signal
 * (so it holds at once in every process and across restarts); a force-exit is a manual market sell
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
  return {
    state: async () => deps.repos.control.get(),

    async pause(by, reason) {
      // The kill switch must engage whatever its reason says: text the store cannot hold is mended.
      const state = await deps.repos.control.set({
        paused: true,
        reason: reason === undefined ? undefined : toStorableText(reason.slice(0, 200)),
        changedBy: by,
      });
      deps.logger.warn('trading paused: strategies place no orders until resumed', { by, reason });
      announce(
        by,
        `⏸ Trading paused by ${by}${reason ? `: ${reason}` : ''}. Strategies place no orders until /resume.`,
      );
      return state;
    },

    async resume(by) {
      const state = await deps.repos.control.set({ paused: false, changedBy: by });
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
