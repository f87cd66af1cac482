import { expect } from 'chai';

import { exclusive, oneAtATime } from './one-at-a-time.js';

describe('oneAtATime', () => {
  it('runs calls made together one after the other, each resolving with its own result', async () => {
    const log: string[] = [];
    let n = 0;
    const run = oneAtATime(async () => {
      const mine = ++n;
      log.push(`start ${String(mine)}`);
      await new Promise((r) => setImmediate(r));
      log.push(`end ${String(mine)}`);
      return mine;
    });
    expect(await Promise.all([run(), run()])).to.deep.equal([1, 2]);
    expect(log).to.deep.equal(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('a failed run rejects its caller and does not stop the next', async () => {
    let fail = true;
    const run = oneAtATime(async () => {
      if (fail) {
        fail = false;
        throw new Error('first fails');
      }
      return Promise.resolve('second');
    });
    const [first, second] = await Promise.allSettled([run(), run()]);
    expect(first.status).to.equal('rejected');
    expect(second).to.deep.equal({ status: 'fulfilled', value: 'second' });
  });
});

describe('exclusive', () => {
  it('runs different sections one after the other in the order asked, each with its own result', async () => {
    const lock = exclusive();
    const log: string[] = [];
    const section = (name: string) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setImmediate(r));
      log.push(`end ${name}`);
      return name;
    };
    expect(await Promise.all([lock(section('a')), lock(section('b')), lock(section('c'))])).to.deep.equal([
      'a',
      'b',
      'c',
    ]);
    expect(log).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
