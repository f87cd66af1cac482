import { expect } from 'chai';

import { allocateBarColumns, asBarColumns, readBar, shareBarColumns, toBarColumns } from './bar-columns.js';

const bars = [
  { ts: 1, open: 10, high: 12, low: 9, close: 11, volume: 100 },
  { ts: 2, open: 11, high: 13, low: 10, close: 12.5, volume: 200 },
];

describe('bar columns', () => {
  it('hold bar objects as six columns and read each back as it was', () => {
    const columns = toBarColumns(bars);
    expect(columns.length).to.equal(2);
    expect([...columns.close]).to.deep.equal([11, 12.5]);
    expect(readBar(columns, 1)).to.deep.equal(bars[1]);
  });

  it('read every bar into one reused object when given one', () => {
    const columns = toBarColumns(bars);
    const into = readBar(columns, 0);
    expect(readBar(columns, 1, into)).to.equal(into);
    expect(into).to.deep.equal(bars[1]);
  });

  it('take columns as they are and bar objects converted', () => {
    const columns = toBarColumns(bars);
    expect(asBarColumns(columns)).to.equal(columns);
    expect(asBarColumns(bars).close[1]).to.equal(12.5);
  });

  it('move to shared memory once: shared columns are kept, private ones copied', () => {
    const shared = shareBarColumns(bars);
    expect(shared.buffer).to.be.instanceOf(SharedArrayBuffer);
    expect(readBar(shared, 0)).to.deep.equal(bars[0]);
    expect(shareBarColumns(shared)).to.equal(shared);
    expect(allocateBarColumns(3, true).buffer).to.be.instanceOf(SharedArrayBuffer);
  });
});
