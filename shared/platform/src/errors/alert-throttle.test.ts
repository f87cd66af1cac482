import { expect } from 'chai';
import sinon from 'sinon';

import { AlertThrottle } from './alert-throttle.js';

describe('AlertThrottle', () => {
  let clock: sinon.SinonFakeTimers;
  let sent: string[];
  let throttle: AlertThrottle;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0 });
    sent = [];
    throttle = new AlertThrottle({
      windowMs: 300_000,
      send: async (text) => void sent.push(text),
      now: () => Date.now(),
    });
  });
  afterEach(() => {
    throttle.close();
    clock.restore();
  });

  it('a flood of one key: one message at once, one summary with the count after the window', async () => {
    for (let i = 0; i < 200; i++)
      await throttle.notify(`🚨 api: GET /docs/assets/:file: ENOENT ${String(i)}`, 'docs');
    expect(sent).to.have.length(1);
    await clock.tickAsync(300_000);
    expect(sent).to.have.length(2);
    expect(sent[1]).to.match(/^🔁 199 more like this in the last 5 min; the latest: .*ENOENT 199$/);
    await clock.tickAsync(3_600_000);
    expect(sent).to.have.length(2);
  });

  it('other keys are never held back by a flood (a loss limit, a broker refusal)', async () => {
    for (let i = 0; i < 100; i++) await throttle.notify('noise', 'flood');
    await throttle.notify('⛔ buy GOOG refused by daily_loss', 'refused:daily_loss:GOOG');
    await throttle.notify('⛔ buy AAPL refused by broker', 'refused:broker_rejected:AAPL');
    expect(sent).to.deep.equal([
      'noise',
      '⛔ buy GOOG refused by daily_loss',
      '⛔ buy AAPL refused by broker',
    ]);
  });

  it('the same text without a key is its own key; after the window it goes again', async () => {
    await throttle.notify('same');
    await throttle.notify('same');
    await throttle.notify('other');
    expect(sent).to.deep.equal(['same', 'other']);
    await clock.tickAsync(300_001);
    expect(sent).to.deep.equal(['same', 'other', '🔁 1 more like this in the last 5 min; the latest: same']);
    await clock.tickAsync(300_001);
    await throttle.notify('same');
    expect(sent.at(-1)).to.equal('same');
  });

  it('remembers at most maxKeys keys (the oldest forgotten), and close() stops its timers', async () => {
    const small = new AlertThrottle({ windowMs: 1000, send: async (t) => void sent.push(t), maxKeys: 2 });
    await small.notify('a');
    await small.notify('a');
    await small.notify('b');
    await small.notify('c');
    await small.notify('a');
    expect(sent).to.deep.equal(['a', 'b', 'c', 'a']);
    small.close();
    await clock.tickAsync(10_000);
    expect(sent).to.have.length(4);
  });
});
