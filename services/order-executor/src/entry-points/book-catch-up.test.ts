import { TransientError } from '@trading/domain';
import { expect } from 'chai';

import { createBookCatchUp } from './book-catch-up.js';

/** A sync that counts its runs and finishes when told. */
function controlledSync() {
  const runs: (() => void)[] = [];
  let fail = false;
  return {
    runs,
    failNext(): void {
      fail = true;
    },
    run: async () =>
      new Promise<void>((resolve, reject) => {
        const failing = fail;
        fail = false;
        runs.push(() => {
          if (failing) reject(new Error('broker down'));
          else resolve();
        });
      }),
  };
}

const tick = async () => new Promise((r) => setImmediate(r));

describe('createBookCatchUp', () => {
  it('starts behind: decisions wait for the sync under way and share it; then they wait for none', async () => {
    const sync = controlledSync();
    const book = createBookCatchUp(sync.run);
    const first = book.sync();
    let waited = false;
    const decisions = Promise.all([book.upToDate(), book.upToDate()]).then(() => {
      waited = true;
    });
    await tick();
    expect(waited).to.equal(false);
    sync.runs[0]?.();
    await Promise.all([first, decisions]);
    await book.upToDate();
    expect(sync.runs).to.have.length(1);
  });

  it('when behind, a decision waits for a sync called after it, not for one called before', async () => {
    const sync = controlledSync();
    const book = createBookCatchUp(sync.run);
    const before = book.sync();
    book.behind();
    let waited = false;
    const decision = book.upToDate().then(() => {
      waited = true;
    });
    sync.runs[0]?.();
    await before;
    await tick();
    expect(waited).to.equal(false);
    expect(sync.runs).to.have.length(2);
    sync.runs[1]?.();
    await decision;
  });

  it('a failed sync rejects the decisions waiting for it, and the next decision runs a new one', async () => {
    const sync = controlledSync();
    const book = createBookCatchUp(sync.run);
    sync.failNext();
    const waiting = Promise.allSettled([book.upToDate(), book.upToDate()]);
    await tick();
    sync.runs[0]?.();
    const settled = await waiting;
    expect(settled.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    // Transient: the signal waiting is redelivered, not dead-lettered.
    for (const r of settled) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(TransientError);
    const next = book.upToDate();
    await tick();
    sync.runs[1]?.();
    await next;
    expect(sync.runs).to.have.length(2);
  });

  it('check(): healthy until 3 syncs in a row failed while decisions wait; names why; healthy again after one succeeds', async () => {
    let failing = true;
    const book = createBookCatchUp(async () => {
      if (failing) throw Object.assign(new Error('constraint'), { code: '23514' });
      return Promise.resolve();
    });
    for (let i = 0; i < 2; i++) await book.upToDate().catch(() => undefined);
    await book.check();
    await book.upToDate().catch(() => undefined);
    const err = (await book.check().catch((e: unknown) => e)) as Error & { code: string };
    expect(err).to.be.instanceOf(TransientError);
    expect(err.code).to.equal('BOOK_CANNOT_CATCH_UP');
    expect(err.message).to.equal(
      'decisions held: the order book cannot catch up with the broker (3 syncs failed, last: 23514)',
    );
    failing = false;
    await book.upToDate();
    await book.check();
  });
});
