import Router from '@koa/router';
import Koa from 'koa';

import { FaultInjector, readJson } from './fault-injector.js';
import { type LocalServer, serveLocal } from './local-server.js';

/** A message a chat sent to the bot, as `getUpdates` answers it. */
interface Update {
  update_id: number;
  message: {
    message_id: number;
    date: number;
    chat: { id: number; type: 'private' | 'group'; first_name?: string; title?: string };
    from: { id: number; is_bot: false; first_name: string; username?: string };
    text: string;
    entities?: { type: 'bot_command'; offset: number; length: number }[];
  };
}

/** The local Telegram Bot API and what it received. */
export interface TelegramServer extends LocalServer {
  /** Every message the bot sent, in order. */
  readonly messages: { chatId: string; text: string }[];
  /** What each `getUpdates` asked for (offset and long-poll timeout). */
  readonly polls: { offset: number; timeout: number }[];
  /** A user in `chatId` writes `text` to the bot: it is answered by the bot's next `getUpdates`. */
  sendUpdate(chatId: number, text: string, from?: { id: number; firstName: string }): number;
  /** Resolves with the bot's first message to `chatId` sent after this call. */
  nextMessage(chatId: number, timeoutMs?: number): Promise<string>;
}

const BOT_USERNAME = 'trading_platform_bot';

const errorBody = (status: number, message: string): unknown => ({
  ok: false,
  error_code: status,
  description: message,
  ...(status === 429 ? { parameters: { retry_after: 1 } } : {}),
});

/** `/cmd` or `/cmd@bot` at the start of a message is a command entity, as Telegram marks it. */
function commandEntities(text: string): Update['message']['entities'] {
  const match = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return match ? [{ type: 'bot_command', offset: 0, length: match[0].length }] : undefined;
}

/**
 * A local server speaking the Bot API as a bot uses it: `getMe`, `deleteWebhook`, `setMyCommands`,
 * long-polled `getUpdates` (offset confirms what came before; an empty answer after `timeout`
 * seconds) and `sendMessage`. Tests write to the bot with {@link TelegramServer.sendUpdate}.
 */
export async function startTelegramServer(options: {
  token: string;
  port?: number;
}): Promise<TelegramServer> {
  const faults = new FaultInjector();
  const messages: { chatId: string; text: string }[] = [];
  const polls: { offset: number; timeout: number }[] = [];
  let updates: Update[] = [];
  let nextUpdateId = 1;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of waiting) w();
    waiting.clear();
  };
  const messageWaiters: { chatId: string; resolve: (text: string) => void }[] = [];

  const app = new Koa();
  const router = new Router();
  app.use(faults.middleware(errorBody));
  app.use(async (ctx, next) => {
    const bot = ctx.path.split('/')[1] ?? '';
    if (bot !== `bot${options.token}`) {
      ctx.status = 401;
      ctx.body = errorBody(401, 'Unauthorized');
      return;
    }
    await next();
  });
  const ok = (ctx: Koa.Context, result: unknown) => {
    ctx.body = { ok: true, result };
  };

  router.post('/:bot/getMe', (ctx) => {
    ok(ctx, { id: 4_000_000, is_bot: true, first_name: 'Trading platform', username: BOT_USERNAME });
  });
  router.post('/:bot/deleteWebhook', (ctx) => {
    ok(ctx, true);
  });
  router.post('/:bot/setMyCommands', (ctx) => {
    ok(ctx, true);
  });
  router.post('/:bot/getUpdates', async (ctx) => {
    const body = ((await readJson(ctx)) ?? {}) as { offset?: unknown; timeout?: unknown; limit?: unknown };
    const offset = typeof body.offset === 'number' ? body.offset : 0;
    const timeout = Math.min(typeof body.timeout === 'number' ? body.timeout : 0, 50);
    const limit = typeof body.limit === 'number' ? body.limit : 100;
    polls.push({ offset, timeout });
    updates = updates.filter((u) => u.update_id >= offset);
    if (updates.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeout * 1000);
        waiting.add(done);
        ctx.res.once('close', done);
      });
    }
    ok(ctx, updates.slice(0, limit));
  });
  router.post('/:bot/sendMessage', async (ctx) => {
    const body = (await readJson(ctx)) as { chat_id?: unknown; text?: unknown } | undefined;
    if (
      (typeof body?.chat_id !== 'string' && typeof body?.chat_id !== 'number') ||
      typeof body.text !== 'string' ||
      body.text === ''
    ) {
      ctx.status = 400;
      ctx.body = errorBody(400, 'Bad Request: chat_id and text are required');
      return;
    }
    const chatId = String(body.chat_id);
    messages.push({ chatId, text: body.text });
    const waiter = messageWaiters.findIndex((w) => w.chatId === chatId);
    if (waiter >= 0) messageWaiters.splice(waiter, 1)[0]?.resolve(body.text);
    ok(ctx, {
      message_id: messages.length,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chatId), type: 'private' },
      text: body.text,
    });
  });
  app.use(router.routes()).use(router.allowedMethods());
  const server = await serveLocal(app, faults, options.port);
  const close = server.close.bind(server);
  return Object.assign(server, {
    messages,
    polls,
    sendUpdate(chatId: number, text: string, from = { id: chatId, firstName: 'Trader' }) {
      const id = nextUpdateId++;
      updates.push({
        update_id: id,
        message: {
          message_id: id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: from.firstName },
          from: { id: from.id, is_bot: false, first_name: from.firstName },
          text,
          entities: commandEntities(text),
        },
      });
      wake();
      return id;
    },
    async nextMessage(chatId: number, timeoutMs = 5000) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no message to chat ${String(chatId)} within ${String(timeoutMs)} ms`));
        }, timeoutMs);
        messageWaiters.push({
          chatId: String(chatId),
          resolve: (text) => {
            clearTimeout(timer);
            resolve(text);
          },
        });
      });
    },
    async close() {
      wake();
      await close();
    },
  });
}
