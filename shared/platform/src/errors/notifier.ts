/** Something that delivers a short human-readable alert (Telegram in production). */
export interface Notifier {
  notify(text: string): Promise<void>;
}
