import { expect } from 'chai';

import { KeyedLanes } from './keyed-lanes.js';

describe('KeyedLanes', () => {
  it('runs tasks of different keys at once and those of one key in the order pushed', async () => {
    const lanes = new KeyedLanes();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      running--;
    };
    lanes.push('a', task('a1', 20));
    lanes.push('b', task('b1', 5));
    lanes.push('a', task('a2', 1));
    expect(lanes.size).to.equal(3);
    await lanes.idle();
    expect(lanes.size).to.equal(0);
    expect(most).to.equal(2);
    expect(log.indexOf('start a2')).to.be.greaterThan(log.indexOf('end a1'));
    expect(log.indexOf('end b1')).to.be.lessThan(log.indexOf('end a1'));
  });

  it('settled resolves when one task ends, and at once when none runs', async () => {
    const lanes = new KeyedLanes();
    await lanes.settled();
    let release: () => void = () => undefined;
    lanes.push('a', async () => new Promise<void>((r) => (release = r)));
    lanes.push('b', async () => new Promise<void>(() => undefined));
    const one = lanes.settled();
    await new Promise((r) => setImmediate(r));
    release();
    await one;
    expect(lanes.size).to.equal(1);
  });
});
