import { sleep } from '@trading/platform';

/**
 * A client-side rate limit: `capacity` requests at once, refilled at `perMinute` per minute.
 * `take()` waits for a token instead of failing, so a burst is spread out, not refused. Waiters are
 * served in order.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

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

  /** Wait until a token is free and take it. */
  async take(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(async () => {
      this.#refill();
      while (this.#tokens < 1) {
        await sleep(Math.ceil((1 - this.#tokens) / this.#perMs), signal);
        this.#refill();
      }
      this.#tokens -= 1;
    });
    // The next waiter queues behind this one whether it succeeds or is aborted.
    this.#queue = turn.catch(() => undefined);
    return turn;
  }
}
