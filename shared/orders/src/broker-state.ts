import type { BrokerAccount, BrokerPort, BrokerPosition } from '@trading/domain';

/** The broker's account, positions and market clock as of one moment. */
export interface BrokerSnapshot {
  account: BrokerAccount;
  positions: BrokerPosition[];
  /** Whether the market was open (true when regular hours are not asked about). */
  marketOpen: boolean;
  /** When the fetch began (ms): an order recorded after it is not in the snapshot. */
  fetchedAt: number;
}

/** The order path's view of the broker, read at most once per `maxAgeMs`. */
export interface BrokerState {
  read(options: { clock: boolean }): Promise<BrokerSnapshot>;
  /** Forget the snapshot: the next decision reads the broker (after a refusal that may mean it was stale). */
  invalidate(): void;
}

/**
 * Account, positions and clock shared by every decision of a process for at most `maxAgeMs`, so an
 * order costs about one Alpaca call (its submission) instead of four, against the 200-a-minute budget.
 * Concurrent decisions share one fetch. What the snapshot cannot know, the order path adds from the
 * database: orders recorded but not yet final (by any process) count as held for a buy and as sold
 * for a sell, so a stale snapshot can only make a decision more careful, never let an order past a
 * limit (see `assessOrder`). `maxAgeMs` 0 reads the broker at every decision.
 */
export function createBrokerState(
  trading: Pick<BrokerPort, 'getAccount' | 'getPositions' | 'isMarketOpen'>,
  options: { maxAgeMs: number; now?: () => number },
): BrokerState {
  const now = options.now ?? Date.now;
  let cached: { snapshot: Promise<BrokerSnapshot>; clock: boolean; at: number } | undefined;

  const fetch = async (clock: boolean): Promise<BrokerSnapshot> => {
    const fetchedAt = now();
    const snapshot = Promise.all([
      trading.getAccount(),
      trading.getPositions(),
      clock ? trading.isMarketOpen() : Promise.resolve(true),
    ]).then(([account, positions, marketOpen]) => ({ account, positions, marketOpen, fetchedAt }));
    cached = { snapshot, clock, at: fetchedAt };
    // A failed read is not kept: the next decision asks again.
    snapshot.catch(() => {
      if (cached?.snapshot === snapshot) cached = undefined;
    });
    return snapshot;
  };

  return {
    async read({ clock }) {
      const fresh = cached && now() - cached.at < options.maxAgeMs && (cached.clock || !clock);
      return fresh && cached ? cached.snapshot : fetch(clock);
    },
    invalidate() {
      cached = undefined;
    },
  };
}
