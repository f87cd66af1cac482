import { startTelegramServer, type TelegramServer } from '@trading/simulator';
import { waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../testing/api-fixture.js';
import { startTelegramBot, type TelegramBot } from './telegram-bot.js';

const CHAT = 4242;
const STRANGER = 666;
const BOT_TOKEN = '123456:bot-canary-token-9f3a';

describe('Telegram bot (grammy long-polling the local Bot API; real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(30_000);
  let telegram: TelegramServer;
  let api: ApiFixture;
  let bot: TelegramBot | undefined;

  before(async function () {
    telegram = await startTelegramServer({ token: BOT_TOKEN });
    api = await startApiFixture(this, {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_CHAT_ID: String(CHAT),
      TELEGRAM_BASE_URL: telegram.url,
    });
    api.alpaca.setPrice('GOOG', '100');
    bot = startTelegramBot({
      config: api.config,
      repos: api.repos,
      controls: api.controls,
      logger: api.captured.logger,
    });
  });
  after(async () => {
    await bot?.close();
    await api?.close();
    await telegram?.close();
  });

  /** The trader writes `text`; resolves with the bot's answer. */
  async function ask(text: string): Promise<string> {
    const answer = telegram.nextMessage(CHAT);
    telegram.sendUpdate(CHAT, text);
    return answer;
  }

  it('long-polls getUpdates (timeout > 0) and answers /help with every command', async () => {
    const help = await ask('/help');
    for (const c of [
      'status',
      'positions',
      'profit',
      'daily',
      'stopentry',
      'pause',
      'halt',
      'resume',
      'forceexit',
      'help',
    ]) {
      expect(help).to.include(`/${c}`);
    }
    expect(telegram.polls.some((p) => p.timeout > 0)).to.equal(true);
  });

  it('/strategies lists every strategy known, the running one first with the parameters in use', async () => {
    const text = await ask('/strategies');
    const lines = text.split('\n');
    expect(lines[0]).to.equal('▶ sma-cross {"fast":10,"slow":20}');
    expect(text).to.include('· rsi-reversion {"period":14,"oversold":30,"overbought":70}');
    expect(text).to.include('(built-in)');
  });

  it('answers /status with trading on, equity and counts, and /positions with none yet', async () => {
    await api.repos.snapshots.insert({
      snapshotAt: new Date(),
      cash: '99300',
      equity: '100000',
      positionsValue: '700',
      realizedPnl: '0',
      unrealizedPnl: '0',
      openPositions: 0,
    });
    const status = await ask('/status');
    expect(status).to.include('▶ Trading');
    expect(status).to.include('Equity $100,000.00, cash $99,300.00');
    expect(await ask('/positions')).to.equal('No open positions.');
  });

  it('/stopentry with a reason stops entries (stored, with who and why); /pause is the same; /resume starts them again', async () => {
    expect(await ask('/stopentry earnings')).to.include('Entries stopped');
    expect(await api.repos.control.get()).to.include({
      paused: true,
      halted: false,
      reason: 'earnings',
      changedBy: 'telegram',
    });
    expect(await ask('/status')).to.include('ENTRIES STOPPED by telegram (earnings)');
    expect(await ask('/resume')).to.include('Resumed');
    expect((await api.repos.control.get()).paused).to.equal(false);
    expect(await ask('/pause lunch')).to.include('Entries stopped');
    expect(await ask('/resume')).to.include('Resumed');
  });

  it('/halt cancels open entry orders and says how many; /status says HALTED; /resume ends it', async () => {
    const resting = await api.call('POST', '/api/v1/orders', {
      body: { symbol: 'GOOG', side: 'buy', qty: 1, type: 'limit', limitPrice: '50' },
    });
    expect(resting.status).to.equal(201);
    expect(await ask('/halt broker outage')).to.include('Halted: 1 open entry order(s) cancelled');
    expect(await api.repos.control.get()).to.include({ halted: true, reason: 'broker outage' });
    expect(await ask('/status')).to.include('HALTED by telegram (broker outage): only your exits go');
    expect(await ask('/resume')).to.include('Resumed');
    expect((await api.repos.control.get()).halted).to.equal(false);
  });

  it('/pause with text the database cannot store (NUL, a lone surrogate) still pauses', async () => {
    expect(await ask('/pause halt\u0000now \ud800')).to.include('Entries stopped');
    expect(await api.repos.control.get()).to.include({ paused: true, reason: 'haltnow \uFFFD' });
    expect(await ask('/resume')).to.include('Resumed');
  });

  it('/forceexit SYMBOL sells the whole position at the broker; without a position it says so', async () => {
    await api.call('POST', '/api/v1/orders', { body: { symbol: 'GOOG', side: 'buy', qty: 3 } });
    await api.repos.positions.upsert({
      symbol: 'GOOG',
      qty: '3',
      avgCost: '100',
      marketPrice: '104',
      realizedPnl: '25.5',
      unrealizedPnl: '12',
    });
    expect(await ask('/positions')).to.equal('GOOG: 3 @ $100.00, now $104.00, +$12.00');
    expect(await ask('/profit')).to.include('Realised +$25.50, unrealised +$12.00, total +$37.50');
    // The fill's trade notice goes to the same chat; the answer is the line that names the exit.
    const sent = telegram.messages.length;
    telegram.sendUpdate(CHAT, '/forceexit goog');
    const answers = () => telegram.messages.slice(sent).map((m) => m.text);
    await waitFor(() => answers().some((t) => t.startsWith('Exit')), { what: 'the exit answer' });
    expect(answers()).to.include('Exit order: sell 3 GOOG at market, filled.');
    expect(api.alpaca.orders().at(-1)).to.include({ symbol: 'GOOG', side: 'sell' });
    expect(await ask('/forceexit MSFT')).to.equal('✖ no open position in MSFT');
    expect(await ask('/forceexit')).to.include('Usage: /forceexit SYMBOL');
  });

  it('/daily answers each day from end-of-day equity', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    yesterday.setUTCHours(12, 0, 0, 0);
    await api.repos.snapshots.insert({
      snapshotAt: yesterday,
      cash: '99000',
      equity: '99500',
      positionsValue: '500',
      realizedPnl: '0',
      unrealizedPnl: '0',
      openPositions: 1,
    });
    const daily = await ask('/daily');
    expect(daily).to.include('Daily profit');
    expect(daily).to.include('+$500.00 (+0.50%), equity $100,000.00');
  });

  it('obeys only the configured chat: another chat gets no answer, changes nothing, and the attempt is logged', async () => {
    const sent = telegram.messages.length;
    telegram.sendUpdate(STRANGER, '/pause hacked', { id: STRANGER, firstName: 'Mallory' });
    // The bot's answer to the trader's next command proves the stranger's update was handled first.
    await ask('/status');
    expect(telegram.messages.slice(sent).map((m) => m.chatId)).to.deep.equal([String(CHAT)]);
    expect((await api.repos.control.get()).paused).to.equal(false);
    expect(
      api.captured.lines.some(
        (l) => l.includes('ignored a message from a chat') && l.includes(String(STRANGER)),
      ),
    ).to.equal(true);
  });

  it('never writes its token into the log', () => {
    expect(api.captured.lines.join('\n')).not.to.include('bot-canary-token');
  });
});
