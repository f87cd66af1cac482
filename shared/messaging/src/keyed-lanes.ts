/**
 * Runs tasks at once across keys and in order within a key: a task starts when the tasks pushed
 * before it with the same key have ended. Tasks must not reject (their errors are theirs to handle).
 */
export class KeyedLanes {
  readonly #tails = new Map<string, Promise<void>>();
  #running = 0;
  #waiters: (() => void)[] = [];

  /** Tasks pushed and not yet ended (running or waiting behind their key). */
  get size(): number {
    return this.#running;
  }

  /** Queue `task` behind its key's earlier tasks; it runs in the background. */
  push(key: string, task: () => Promise<void>): void {
    this.#running++;
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(task).finally(() => {
      this.#running--;
      if (this.#tails.get(key) === run) this.#tails.delete(key);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    });
    this.#tails.set(key, run);
  }

  /** Resolves when some task ends (at once when none is pushed). */
  async settled(): Promise<void> {
    if (this.#running === 0) return;
    await new Promise<void>((resolve) => {
      this.#waiters.push(resolve);
    });
  }

  /** Resolves when every task pushed so far has ended. */
  async idle(): Promise<void> {
    while (this.#running > 0) await this.settled();
  }
}
