import { loadConfig, Secret } from '@trading/platform';
import { startTelegramServer, type TelegramServer } from '@trading/simulator';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';

import { TelegramNotifier } from './telegram-notifier.js';

const TOKEN = '123456:canary-bot-token-ABC';

describe('TelegramNotifier against the local Bot API', function () {
  this.timeout(20_000);
  let server: TelegramServer;
  beforeEach(async () => {
    server = await startTelegramServer({ token: TOKEN });
  });
  afterEach(async () => server.close());

  it('sends a message to the configured chat', async () => {
    const notifier = new TelegramNotifier(
      loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: '-1001', TELEGRAM_BASE_URL: server.url }),
    );
    expect(notifier.enabled).to.equal(true);
    await notifier.notify('filled: buy 10 GOOG @ 140.25');
    await notifier.close();
    expect(server.messages).to.deep.equal([{ chatId: '-1001', text: 'filled: buy 10 GOOG @ 140.25' }]);
  });

  it('without a token warns once and sends nothing', async () => {
    const { logger, records } = captureLogger();
    const notifier = new TelegramNotifier(loadConfig({ TELEGRAM_BASE_URL: server.url }), { logger });
    await notifier.notify('a');
    await notifier.notify('b');
    await notifier.close();
    expect(notifier.enabled).to.equal(false);
    expect(server.requests).to.equal(0);
    expect(records().filter((r) => r.level === 'warn')).to.have.length(1);
  });

  it('retries a flood-control 429 and never lets the token reach a log line or an error', async () => {
    const { logger, lines } = captureLogger([new Secret(TOKEN)]);
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: '7',
      TELEGRAM_BASE_URL: server.url,
      RETRY_BASE_DELAY_MS: '10',
    });
    const notifier = new TelegramNotifier(config, { logger });
    server.faults.set({ mode: 'rate-limit', times: 1, retryAfterS: 0 });
    await notifier.notify('after flood');
    server.faults.set({ mode: 'error500' });
    const err = await notifier.notify('down').catch((e: unknown) => e);
    await notifier.close();
    expect(server.messages.map((m) => m.text)).to.deep.equal(['after flood']);
    expect(lines.length).to.be.greaterThan(0);
    expect(
      lines.join('\n') + String(err) + JSON.stringify(err) + ((err as Error).stack ?? ''),
    ).not.to.include('canary-bot-token');
  });
});
