import type { StreamEntry, StreamReader, StreamTransport } from './stream-transport.js';

interface Pending {
  consumer: string;
  deliveredAt: number;
  deliveries: number;
}

interface Group {
  lastDelivered: string;
  pending: Map<string, Pending>;
}

interface Stream {
  entries: { id: string; fields: Record<string, string> }[];
  lastMs: number;
  lastSeq: number;
  groups: Map<string, Group>;
  waiters: Set<() => void>;
}

/** Compare stream ids `ms-seq` numerically. */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/**
 * The in-process twin of the Redis transport, used when REDIS_URL is unset: the same groups, pending
 * lists, delivery counts, reclaiming and length caps, in memory. Its data lives as long as the process.
 */
export class MemoryTransport implements StreamTransport {
  readonly kind = 'memory';
  readonly #streams = new Map<string, Stream>();
  #closed = false;

  #stream(name: string): Stream {
    let s = this.#streams.get(name);
    if (!s) {
      s = { entries: [], lastMs: 0, lastSeq: 0, groups: new Map(), waiters: new Set() };
      this.#streams.set(name, s);
    }
    return s;
  }

  #group(stream: string, group: string): Group {
    const g = this.#stream(stream).groups.get(group);
    if (!g)
      throw Object.assign(new Error(`NOGROUP No such consumer group '${group}' for key '${stream}'`), {
        code: 'NOGROUP',
      });
    return g;
  }

  async add(stream: string, fields: Record<string, string>, maxLen: number): Promise<string> {
    const s = this.#stream(stream);
    const now = Date.now();
    if (now > s.lastMs) {
      s.lastMs = now;
      s.lastSeq = 0;
    } else {
      s.lastSeq++;
    }
    const id = `${s.lastMs}-${s.lastSeq}`;
    s.entries.push({ id, fields: { ...fields } });
    if (s.entries.length > maxLen) s.entries.splice(0, s.entries.length - maxLen);
    for (const wake of s.waiters) wake();
    return Promise.resolve(id);
  }

  async addMany(
    stream: string,
    entries: readonly Record<string, string>[],
    maxLen: number,
  ): Promise<string[]> {
    return Promise.all(entries.map(async (fields) => this.add(stream, fields, maxLen)));
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    const s = this.#stream(stream);
    if (!s.groups.has(group)) s.groups.set(group, { lastDelivered: '0-0', pending: new Map() });
    return Promise.resolve();
  }

  #deliverNew(stream: string, group: string, consumer: string, count: number): StreamEntry[] {
    const s = this.#stream(stream);
    const g = this.#group(stream, group);
    const fresh = s.entries.filter((e) => compareIds(e.id, g.lastDelivered) > 0).slice(0, count);
    const now = Date.now();
    for (const e of fresh) g.pending.set(e.id, { consumer, deliveredAt: now, deliveries: 1 });
    const last = fresh.at(-1);
    if (last) g.lastDelivered = last.id;
    return fresh.map((e) => ({ id: e.id, fields: { ...e.fields }, deliveries: 1 }));
  }

  async readNew(
    stream: string,
    group: string,
    consumer: string,
    count: number,
    blockMs: number,
  ): Promise<StreamEntry[]> {
    const now = this.#deliverNew(stream, group, consumer, count);
    if (now.length > 0 || blockMs <= 0 || this.#closed) return now;
    const s = this.#stream(stream);
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        s.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, blockMs);
      s.waiters.add(wake);
    });
    return this.#deliverNew(stream, group, consumer, count);
  }

  async claimStale(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]> {
    const s = this.#stream(stream);
    const g = this.#group(stream, group);
    const now = Date.now();
    const claimed: StreamEntry[] = [];
    for (const [id, p] of [...g.pending].sort(([a], [b]) => compareIds(a, b))) {
      if (claimed.length >= count) break;
      if (now - p.deliveredAt < minIdleMs) continue;
      const entry = s.entries.find((e) => e.id === id);
      if (!entry) {
        // Trimmed away while pending: XAUTOCLAIM drops such ids from the pending list.
        g.pending.delete(id);
        continue;
      }
      p.consumer = consumer;
      p.deliveredAt = now;
      p.deliveries++;
      claimed.push({ id, fields: { ...entry.fields }, deliveries: p.deliveries });
    }
    return Promise.resolve(claimed);
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    const g = this.#group(stream, group);
    for (const id of ids) g.pending.delete(id);
    return Promise.resolve();
  }

  async range(stream: string, count: number): Promise<{ id: string; fields: Record<string, string> }[]> {
    return Promise.resolve(
      this.#stream(stream)
        .entries.slice(0, count)
        .map((e) => ({ id: e.id, fields: { ...e.fields } })),
    );
  }

  async length(stream: string): Promise<number> {
    return Promise.resolve(this.#stream(stream).entries.length);
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    return Promise.resolve(this.#group(stream, group).pending.size);
  }

  async openReader(): Promise<StreamReader> {
    return Promise.resolve({
      readNew: async (...args: Parameters<StreamReader['readNew']>) => this.readNew(...args),
      claimStale: async (...args: Parameters<StreamReader['claimStale']>) => this.claimStale(...args),
      ack: async (...args: Parameters<StreamReader['ack']>) => this.ack(...args),
      close: async () => Promise.resolve(),
    });
  }

  async ping(): Promise<void> {
    return Promise.resolve();
  }

  async reconnect(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const s of this.#streams.values()) for (const wake of s.waiters) wake();
    return Promise.resolve();
  }
}
