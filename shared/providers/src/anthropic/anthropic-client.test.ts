import { TransientError } from '@trading/domain';
import { loadConfig } from '@trading/platform';
import { type AnthropicServer, startAnthropicServer } from '@trading/simulator';
import { expect } from 'chai';

import { extractJsonFromText } from '../llm/extract-json.js';
import { AnthropicClient } from './anthropic-client.js';

const KEY = 'sk-ant-canary-55';

describe('AnthropicClient against the local Messages API', function () {
  this.timeout(20_000);
  let server: AnthropicServer;
  const client = (extra: Record<string, string> = {}) =>
    AnthropicClient.fromConfig(
      loadConfig({
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: server.url,
        RETRY_BASE_DELAY_MS: '10',
        ...extra,
      }),
    );
  beforeEach(async () => {
    server = await startAnthropicServer({ apiKey: KEY });
  });
  afterEach(async () => server.close());

  it('sends the prompt and returns the answer text, whose JSON the selector can extract', async () => {
    server.respondWith(
      (prompt) => `Ranking for ${prompt.length} chars:\n\`\`\`json\n[{"symbol":"GOOG","score":0.7}]\n\`\`\``,
    );
    const c = client();
    const answer = await c.complete('Rank GOOG, MSFT', { system: 'You are a stock analyst.' });
    await c.close();
    expect(server.prompts).to.deep.equal(['Rank GOOG, MSFT']);
    expect(answer.model).to.equal('claude-sonnet-4-5');
    expect(extractJsonFromText(answer.text)).to.deep.equal([{ symbol: 'GOOG', score: 0.7 }]);
    expect(answer.outputTokens).to.be.greaterThan(0);
  });

  it('retries an overloaded or failing API, and gives up with a transient error', async () => {
    server.faults.set({ mode: 'error500', times: 2 });
    const c = client();
    expect((await c.complete('x')).text).to.equal('```json\n[]\n```');
    server.faults.set({ mode: 'error500' });
    expect(await c.complete('x').catch((e: unknown) => e)).to.be.instanceOf(TransientError);
    await c.close();
  });

  it('times out a slow model instead of waiting forever', async () => {
    server.faults.set({ mode: 'slow', delayMs: 2000 });
    const c = client({ HTTP_TIMEOUT_MS: '100', RETRY_MAX_RETRIES: '0' });
    const err = await c.complete('x').catch((e: unknown) => e);
    await c.close();
    expect((err as Error).name).to.equal('TimeoutError');
  });
});
