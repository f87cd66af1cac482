/** Something that delivers a short human-readable alert (Telegram in production). */
export interface Notifier {
  /**
   * Send `text`. Alerts with the same `key` (the text itself when none is given) are sent at most
   * once per throttle window; the repeats are counted and summed up in one message after it.
   */
  notify(text: string, key?: string): Promise<void>;
}
