import { randomUUID } from 'node:crypto';

import Router from '@koa/router';
import Koa from 'koa';

import { FaultInjector, readJson } from './fault-injector.js';
import { type LocalServer, serveLocal } from './local-server.js';

/** Builds the model's answer text from the prompt. */
export type Responder = (prompt: string, system: string | undefined) => string;

/** The local Anthropic and its controls. */
export interface AnthropicServer extends LocalServer {
  respondWith(responder: Responder): void;
  /** Prompts received, in order. */
  readonly prompts: string[];
}

const errorBody = (status: number, message: string): unknown => ({
  type: 'error',
  error: {
    type: status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error',
    message,
  },
});

/** A local server speaking Anthropic's Messages API (`POST /v1/messages`, `x-api-key`, `anthropic-version`). */
export async function startAnthropicServer(options: {
  apiKey: string;
  port?: number;
}): Promise<AnthropicServer> {
  const faults = new FaultInjector();
  const prompts: string[] = [];
  let responder: Responder = () => '```json\n[]\n```';
  const app = new Koa();
  const router = new Router();
  app.use(faults.middleware(errorBody));
  const invalid = (ctx: Koa.Context, status: number, type: string, message: string): void => {
    ctx.status = status;
    ctx.body = { type: 'error', error: { type, message } };
  };
  router.post('/v1/messages', async (ctx) => {
    if (ctx.get('x-api-key') !== options.apiKey) {
      invalid(ctx, 401, 'authentication_error', 'invalid x-api-key');
      return;
    }
    if (!ctx.get('anthropic-version')) {
      invalid(ctx, 400, 'invalid_request_error', 'anthropic-version header is required');
      return;
    }
    const body = (await readJson(ctx)) as
      | {
          model?: unknown;
          max_tokens?: unknown;
          system?: unknown;
          messages?: { role?: unknown; content?: unknown }[];
        }
      | undefined;
    if (typeof body?.model !== 'string') {
      invalid(ctx, 400, 'invalid_request_error', 'model: Field required');
      return;
    }
    if (typeof body.max_tokens !== 'number' || body.max_tokens < 1) {
      invalid(ctx, 400, 'invalid_request_error', 'max_tokens: Field required');
      return;
    }
    const last = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
    if (last?.role !== 'user' || typeof last.content !== 'string') {
      {
        invalid(
          ctx,
          400,
          'invalid_request_error',
          'messages: the last message must be a user message with text content',
        );
        return;
      }
    }
    prompts.push(last.content);
    const text = responder(last.content, typeof body.system === 'string' ? body.system : undefined);
    ctx.body = {
      id: `msg_${randomUUID().replace(/-/g, '')}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: Math.ceil(last.content.length / 4), output_tokens: Math.ceil(text.length / 4) },
    };
  });
  app.use(router.routes()).use(router.allowedMethods());
  const server = await serveLocal(app, faults, options.port);
  return Object.assign(server, {
    prompts,
    respondWith(next: Responder) {
      responder = next;
    },
  });
}
