import { sleep } from '@trading/platform';

/** Who asks for a token: `high` (orders) is served before every `low` (market data) still waiting. */
export type BudgetPriority = 'high' | 'low';

interface Waiter {
  high: boolean;
  resolve: () => void;
}

/**
 * A client-side rate limit: `capacity` requests at once, refilled at `perMinute` per minute.
 * `take()` waits for a token instead of failing, so a burst is spread out, not refused. Waiters are
 * served in order, those of `high` priority first: one budget per account for the whole process,
 * where an order never waits behind a queue of market-data requests.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #last: number;
  readonly #waiting: Waiter[] = [];
  #pumping = false;

  constructor(perMinute: number, capacity: number = perMinute) {
    this.#capacity = capacity;
    this.#perMs = perMinute / 60_000;
    this.#tokens = capacity;
    this.#last = Date.now();
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
  }

  /** Tokens available now (fractional). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Wait until a token is free and take it; an aborted wait leaves the queue at once. */
  async take(signal?: AbortSignal, priority: BudgetPriority = 'low'): Promise<void> {
    signal?.throwIfAborted();
    this.#refill();
    if (this.#waiting.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { high: priority === 'high', resolve };
      const firstLow = waiter.high ? this.#waiting.findIndex((w) => !w.high) : -1;
      if (firstLow >= 0) this.#waiting.splice(firstLow, 0, waiter);
      else this.#waiting.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.#waiting.indexOf(waiter);
          if (at < 0) return;
          this.#waiting.splice(at, 1);
          reject(signal.reason as Error);
        },
        { once: true },
      );
      void this.#pump();
    });
  }

  /** One loop hands tokens to the waiters as they refill. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#waiting.length > 0) {
        this.#refill();
        if (this.#tokens < 1) {
          await sleep(Math.ceil((1 - this.#tokens) / this.#perMs));
          continue;
        }
        this.#tokens -= 1;
        this.#waiting.shift()?.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }
}
