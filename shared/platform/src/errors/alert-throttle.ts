/** Options of {@link AlertThrottle}. */
export interface AlertThrottleOptions {
  /** One message per key per this many ms. */
  windowMs: number;
  /** Sends a message (the repeats' summary included). Its failures are the caller's to log. */
  send: (text: string) => Promise<void>;
  /** Called when the summary of a window could not be sent. */
  onError?: (err: unknown) => void;
  /** Keys remembered at once (the oldest is forgotten beyond). */
  maxKeys?: number;
  now?: () => number;
}

interface KeyState {
  /** When the window that the first message opened ends. */
  until: number;
  repeats: number;
  lastText: string;
  timer?: NodeJS.Timeout;
}

/**
 * De-duplicates and throttles alerts: the first alert of a key goes at once, repeats within the
 * window are counted, and one message at the window's end says how many there were. So one noisy
 * cause cannot flood the operator's chat, and other keys (a loss limit, a broker refusal) still go
 * at once. Timers are unref'd and cleared by `close()`.
 */
export class AlertThrottle {
  readonly #options: AlertThrottleOptions;
  readonly #keys = new Map<string, KeyState>();
  readonly #now: () => number;

  constructor(options: AlertThrottleOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Send `text` now, or count it as a repeat of `key` within its window. */
  async notify(text: string, key: string = text): Promise<void> {
    const at = this.#now();
    const state = this.#keys.get(key);
    if (state && at < state.until) {
      state.repeats += 1;
      state.lastText = text;
      state.timer ??= this.#flushLater(key, state.until - at);
      return;
    }
    this.#remember(key, { until: at + this.#options.windowMs, repeats: 0, lastText: text });
    await this.#options.send(text);
  }

  #remember(key: string, state: KeyState): void {
    this.#keys.delete(key);
    const max = this.#options.maxKeys ?? 1000;
    if (this.#keys.size >= max) {
      const [oldest, old] = this.#keys.entries().next().value ?? [];
      if (oldest !== undefined) {
        clearTimeout(old?.timer);
        this.#keys.delete(oldest);
      }
    }
    this.#keys.set(key, state);
  }

  #flushLater(key: string, delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const state = this.#keys.get(key);
      if (!state || state.repeats === 0) return;
      const minutes = Math.max(1, Math.round(this.#options.windowMs / 60_000));
      const summary = `🔁 ${String(state.repeats)} more like this in the last ${String(minutes)} min; the latest: ${state.lastText}`;
      // The summary opens a new window, so a flood that goes on gives one message per window.
      this.#remember(key, {
        until: this.#now() + this.#options.windowMs,
        repeats: 0,
        lastText: state.lastText,
      });
      this.#options.send(summary).catch((err: unknown) => this.#options.onError?.(err));
    }, delayMs);
    timer.unref();
    return timer;
  }

  /** Forget every key and stop the timers (repeats not yet summed up are dropped). */
  close(): void {
    for (const state of this.#keys.values()) clearTimeout(state.timer);
    this.#keys.clear();
  }
}
