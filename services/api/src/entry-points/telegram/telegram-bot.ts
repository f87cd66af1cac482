import { AppError, SYMBOL_PATTERN } from '@trading/domain';
import type { Config, Logger } from '@trading/platform';
import type { Repositories } from '@trading/store';
import { builtinCatalog, type StrategyCatalog } from '@trading/strategy-sdk';
import { Bot, type Context } from 'grammy';

import type { TraderControls } from '../../domain/trader-controls.js';
import {
  dailyText,
  positionsText,
  profitText,
  statusText,
  strategiesText,
} from '../../domain/trader-reports.js';
import { telegramBotEnabled } from './telegram-bot-enabled.js';

/** The commands, as `/help` and Telegram's command menu list them. */
export const BOT_COMMANDS = [
  { command: 'status', description: 'Trading, entries stopped or halted; equity, positions, open orders' },
  { command: 'positions', description: 'Open positions with their unrealised P&L' },
  { command: 'profit', description: 'Realised and unrealised P&L, equity since the start' },
  { command: 'daily', description: 'Profit of each of the last 7 days' },
  { command: 'strategies', description: 'Strategies known (▶ running) with their parameters' },
  {
    command: 'stopentry',
    description: 'Stop entries: strategies open nothing new, their exits go (/stopentry reason)',
  },
  { command: 'pause', description: 'The same as /stopentry' },
  {
    command: 'halt',
    description: 'Halt: cancel open entry orders; only your exits go until /resume (/halt reason)',
  },
  { command: 'resume', description: 'Resume trading: strategies enter and exit again' },
  { command: 'forceexit', description: 'Sell a whole position at market: /forceexit SYMBOL' },
  { command: 'help', description: 'This list' },
] as const;

/** What the bot reads and does. */
export interface TelegramBotDeps {
  config: Config;
  repos: Repositories;
  controls: TraderControls;
  logger: Logger;
  /** The strategies `/strategies` lists; the built-ins when not given. */
  strategies?: StrategyCatalog;
  now?: () => Date;
}

/** A running bot. */
export interface TelegramBot {
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * The trader's Telegram bot (freqtrade's commands): long-polls the Bot API with grammy and obeys
 * only TELEGRAM_CHAT_ID; a message from any other chat gets no answer and is logged. Commands read
 * the same store as the API and act through the same {@link TraderControls}. Undefined when no token
 * or chat is configured, or TELEGRAM_COMMANDS is off (only one API replica may poll a bot).
 */
export function startTelegramBot(deps: TelegramBotDeps): TelegramBot | undefined {
  const { config, repos, controls, logger } = deps;
  const token = config.telegramBotToken?.getSecretValue();
  if (!token || !telegramBotEnabled(config)) return undefined;
  const now = deps.now ?? (() => new Date());
  const bot = new Bot(token, { client: { apiRoot: config.telegramBaseUrl } });

  bot.use(async (ctx, next) => {
    if (String(ctx.chat?.id) === config.telegramChatId) {
      await next();
      return;
    }
    logger.warn('telegram: ignored a message from a chat that is not TELEGRAM_CHAT_ID', {
      chatId: ctx.chat?.id,
      fromUser: ctx.from?.username ?? ctx.from?.id,
      text: ctx.message?.text?.slice(0, 64),
    });
  });

  /** Answer a command with its text; a refusal the trader can act on is said, anything else logged. */
  const answer = (name: string, work: (ctx: Context) => Promise<string> | string) => {
    bot.command(name, async (ctx) => {
      let text: string;
      try {
        text = await work(ctx);
      } catch (err) {
        if (!(err instanceof AppError && err.kind === 'data')) {
          await ctx.reply(`✖ /${name} failed; the platform's log says why.`);
          throw err;
        }
        text = `✖ ${err.message}`;
      }
      await ctx.reply(text);
    });
  };

  answer('start', async () => Promise.resolve(helpText()));
  answer('help', async () => Promise.resolve(helpText()));
  answer('status', async () => {
    const [control, snapshot, positions, orders] = await Promise.all([
      controls.state(),
      repos.snapshots.latest(),
      repos.positions.open(),
      repos.orders.open(),
    ]);
    return statusText({
      control,
      snapshot,
      openPositions: positions.length,
      openOrders: orders.length,
      now: now(),
    });
  });
  answer('positions', async () => positionsText(await repos.positions.open()));
  answer('profit', async () => {
    const [positions, first, latest] = await Promise.all([
      repos.positions.all(),
      repos.snapshots.first(),
      repos.snapshots.latest(),
    ]);
    return profitText({ positions, first, latest });
  });
  answer('daily', async () => {
    const since = new Date(now().getTime() - 7 * DAY_MS);
    since.setUTCHours(0, 0, 0, 0);
    return dailyText(await repos.snapshots.dailyCloses(since));
  });
  answer('strategies', () => {
    const catalog = deps.strategies ?? builtinCatalog();
    const list = catalog.list().map(({ definition, source }) => ({
      name: definition.name,
      description: definition.description,
      source,
      params: { ...definition.defaults, ...config.strategyParams[definition.name] },
    }));
    return strategiesText(list, config.strategies);
  });
  const reasonOf = (ctx: Context): string | undefined =>
    typeof ctx.match === 'string' && ctx.match.trim() ? ctx.match.trim().slice(0, 200) : undefined;
  const stopEntries = async (ctx: Context): Promise<string> => {
    await controls.pause('telegram', reasonOf(ctx));
    return '⏸ Entries stopped: strategies open nothing new until /resume; their exits still go. /halt stops those too.';
  };
  answer('stopentry', stopEntries);
  answer('pause', stopEntries);
  answer('halt', async (ctx) => {
    const { cancelled } = await controls.halt('telegram', reasonOf(ctx));
    return `⛔ Halted: ${String(cancelled.length)} open entry order(s) cancelled. Strategies place nothing and your buys are refused until /resume; /forceexit SYMBOL still sells.`;
  });
  answer('resume', async () => {
    await controls.resume('telegram');
    return '▶ Resumed: strategies enter and exit again.';
  });
  answer('forceexit', async (ctx) => {
    const symbol = (typeof ctx.match === 'string' ? ctx.match : '').trim().toUpperCase();
    if (!SYMBOL_PATTERN.test(symbol)) return 'Usage: /forceexit SYMBOL (e.g. /forceexit GOOG)';
    const outcome = await controls.forceExit(symbol, 'telegram');
    switch (outcome.outcome) {
      case 'placed':
      case 'existing':
        return `Exit order: sell ${outcome.order.qty.replace(/\.?0+$/, '')} ${symbol} at market, ${outcome.order.status}.`;
      case 'refused':
        return `✖ Exit refused by the risk rule '${outcome.rule}'.`;
      case 'brokerRefused':
        return `✖ The broker refused the exit order: ${outcome.reason}`;
      case 'conflict':
        return '✖ Exit not placed: its id names another order.';
    }
  });
  bot.on('message', async (ctx) => {
    await ctx.reply(`Unknown command. ${helpText()}`);
  });
  // What a command could not answer reaches here: logged with its stack.
  bot.catch((err) => {
    logger.error(`telegram: ${err.ctx.message?.text?.split(' ')[0] ?? 'an update'} failed`, {
      error: err.error,
    });
  });

  const polling = bot
    .start({
      onStart: () => {
        logger.info('telegram: answering commands', { chatId: config.telegramChatId });
        bot.api.setMyCommands([...BOT_COMMANDS]).catch((err: unknown) => {
          logger.warn('telegram: could not set the command menu', { error: err });
        });
      },
    })
    .catch((err: unknown) => {
      // A wrong token (401) or another poller of the same bot (409) ends polling; alerts still go.
      logger.error('telegram: commands stopped', { error: err });
    });

  return {
    async close() {
      if (bot.isRunning()) await bot.stop();
      await polling;
    },
  };
}

function helpText(): string {
  return ['Commands:', ...BOT_COMMANDS.map((c) => `/${c.command}: ${c.description}`)].join('\n');
}
