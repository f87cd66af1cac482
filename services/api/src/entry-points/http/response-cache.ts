/** A cached answer: status, headers and the body already serialised and encoded. */
export interface CachedReply {
  status: number;
  headers?: Record<string, string>;
  /** UTF-8 JSON: written as is, its length known, without encoding it again per request. */
  json: Buffer;
}

/** Options of {@link ResponseCache}. */
export interface ResponseCacheOptions {
  /** How long an answer is served from memory (ms); 0 turns the cache off. */
  ttlMs: number;
  /** Answers kept at most; the oldest goes first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * A micro-cache for read endpoints: identical requests within `ttlMs` share one database query and
 * one serialisation (concurrent ones wait for the query in flight rather than each running it).
 * Reads are at most `ttlMs` stale; the API's own writes clear it at once. Every client sees the same
 * data (one token, no per-user views), so one entry serves all of them.
 */
export class ResponseCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { at: number; reply: Promise<CachedReply> }>();

  constructor(options: ResponseCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.#ttlMs > 0;
  }

  /** The cached answer for `key`, or `compute`'s (shared with concurrent callers, kept for the TTL). */
  async get(key: string, compute: () => Promise<CachedReply>): Promise<CachedReply> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.#ttlMs) return hit.reply;
    if (hit) this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    const reply = compute();
    this.#entries.set(key, { at: now, reply });
    // A failure is not cached: the next request tries again.
    reply.catch(() => {
      if (this.#entries.get(key)?.reply === reply) this.#entries.delete(key);
    });
    return reply;
  }

  /** Forget everything (after a write through the API). */
  clear(): void {
    this.#entries.clear();
  }
}
