import Router from '@koa/router';
import Koa from 'koa';

import { FaultInjector, readJson } from './fault-injector.js';
import { type LocalServer, serveLocal } from './local-server.js';

/** The local Telegram Bot API and what it received. */
export interface TelegramServer extends LocalServer {
  readonly messages: { chatId: string; text: string }[];
}

const errorBody = (status: number, message: string): unknown => ({
  ok: false,
  error_code: status,
  description: message,
  ...(status === 429 ? { parameters: { retry_after: 1 } } : {}),
});

/** A local server speaking the Bot API's `POST /bot<token>/sendMessage`. */
export async function startTelegramServer(options: {
  token: string;
  port?: number;
}): Promise<TelegramServer> {
  const faults = new FaultInjector();
  const messages: { chatId: string; text: string }[] = [];
  const app = new Koa();
  const router = new Router();
  app.use(faults.middleware(errorBody));
  router.post('/:bot/sendMessage', async (ctx) => {
    if (ctx.params.bot !== `bot${options.token}`) {
      ctx.status = 401;
      ctx.body = errorBody(401, 'Unauthorized');
      return;
    }
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
    messages.push({ chatId: String(body.chat_id), text: body.text });
    ctx.body = {
      ok: true,
      result: { message_id: messages.length, date: Math.floor(Date.now() / 1000), text: body.text },
    };
  });
  app.use(router.routes()).use(router.allowedMethods());
  const server = await serveLocal(app, faults, options.port);
  return Object.assign(server, { messages });
}
