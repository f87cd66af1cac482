import { expect } from 'chai';

import { type ApiFixture, startApiFixture, TOKEN } from '../../testing/api-fixture.js';

/** Read server-sent events from a response until `done` says enough. */
async function readEvents(
  res: Response,
  done: (events: { event: string; data: Record<string, unknown> }[]) => boolean,
): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let buffer = '';
  while (!done(events)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  await reader.cancel();
  return events;
}

describe('live stream GET /api/v1/stream (server-sent events; real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(30_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this, { API_STREAM_MS: '100' });
    api.alpaca.setPrice('GOOG', '100');
  });
  after(async () => {
    await api?.close();
  });

  it('sends the summary and the kill switch at once, then pushes what changes (an order, a pause) without being asked', async () => {
    const res = await fetch(`${api.url}/api/v1/stream`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    let acted = false;
    const events = await readEvents(res, (seen) => {
      if (!acted && seen.length >= 2) {
        acted = true;
        void api
          .call('POST', '/api/v1/orders', { body: { symbol: 'GOOG', side: 'buy', qty: 2 } })
          .then(async () => api.call('POST', '/api/v1/control/pause', { body: { reason: 'lunch' } }));
      }
      return seen.some((e) => e.event === 'control' && e.data.paused === true);
    });
    expect(events.slice(0, 2).map((e) => e.event)).to.deep.equal(['summary', 'control']);
    expect(events[1]?.data).to.include({ paused: false });
    const withOrder = events.find(
      (e) =>
        e.event === 'summary' &&
        (e.data.recentOrders as { symbol: string }[]).some((o) => o.symbol === 'GOOG'),
    );
    expect(withOrder, 'a summary with the new order').not.to.equal(undefined);
    expect(events.at(-1)?.data).to.include({ paused: true, reason: 'lunch' });
    await api.call('POST', '/api/v1/control/resume', { body: {} });
  });

  it('answers 401 without the token, like every /api/v1 route', async () => {
    const res = await fetch(`${api.url}/api/v1/stream`);
    expect(res.status).to.equal(401);
  });
});
