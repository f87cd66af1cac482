import { CircuitOpenError, toDecimal } from '@trading/domain';
import { type Config, isDataError, isTransient, type Logger, type Metrics } from '@trading/platform';
import { type AnthropicClient } from '@trading/providers';
import { type Repositories } from '@trading/store';

import {
  combinedScore,
  MOMENTUM_BARS,
  parseSelectorAnswer,
  selectorPrompt,
  technicalScore,
} from '../domain/selector-scoring.js';
import { readNewsScore } from './news-consumer.js';

/** Dependencies of the selector job. */
export interface SelectorJobDeps {
  config: Config;
  repos: Repositories;
  /** Undefined when no Anthropic key is configured. */
  llm: AnthropicClient | undefined;
  logger: Logger;
  metrics: Metrics;
}

const dec = (x: number): string => toDecimal(x.toFixed(4));

/**
 * One run of the stock selector: score every candidate (SYMBOLS and SELECTOR_CANDIDATES) on
 * momentum and news, ask the model to judge them, combine, and upsert `symbol_scores`; the
 * collectors read the best SELECTOR_TOP_N as their watchlist. When the model is not configured,
 * unavailable, too slow or answers garbage, the ranking falls back to technical and news scores,
 * says so in the log and counts `selector_llm_fallback_total{reason}`.
 */
export function createSelectorJob(deps: SelectorJobDeps): () => Promise<void> {
  const { config, repos, logger } = deps;
  const fallbacks = deps.metrics.counter(
    'selector_llm_fallback_total',
    'Selector runs ranked without the model, by reason',
    ['reason'],
  );

  async function askModel(facts: { symbol: string; technical: number; news: number }[]) {
    if (!deps.llm) {
      fallbacks.inc({ reason: 'not_configured' });
      return undefined;
    }
    let answer: { text: string };
    try {
      answer = await deps.llm.complete(selectorPrompt(facts), { maxTokens: 1024 });
    } catch (err) {
      if (!isTransient(err) && !isDataError(err) && !(err instanceof CircuitOpenError)) throw err;
      fallbacks.inc({ reason: 'unavailable' });
      logger.warn('stock selector: model unavailable; ranking on technical and news scores', { error: err });
      return undefined;
    }
    const { text } = answer;
    const verdicts = parseSelectorAnswer(
      text,
      facts.map((f) => f.symbol),
    );
    if (!verdicts) {
      fallbacks.inc({ reason: 'unparseable' });
      logger.warn('stock selector: model answer had no usable JSON; ranking on technical and news scores', {
        answer: text.slice(0, 300),
      });
    }
    return verdicts;
  }

  return async () => {
    const symbols = [...new Set([...config.symbols, ...config.selectorCandidates])];
    const facts = await Promise.all(
      symbols.map(async (symbol) => {
        const candles = await repos.candles.recent(symbol, config.collectorTimeframe, MOMENTUM_BARS + 1);
        return {
          symbol,
          technical: technicalScore(candles.map((c) => Number(c.close))),
          news: await readNewsScore(repos, symbol),
        };
      }),
    );
    const verdicts = await askModel(facts);
    const scoredAt = new Date();
    for (const f of facts) {
      const verdict = verdicts?.get(f.symbol);
      await repos.scores.upsert({
        symbol: f.symbol,
        score: dec(combinedScore(f.technical, f.news, verdict?.score)),
        technicalScore: dec(f.technical),
        newsScore: dec(f.news),
        llmScore: verdict ? dec(verdict.score) : null,
        rationale:
          verdict?.reason ??
          (verdicts ? 'not ranked by the model' : 'ranked on technical and news scores only'),
        scoredAt,
      });
    }
    logger.info('stock selector ranked candidates', {
      candidates: symbols.length,
      withModel: verdicts !== undefined,
    });
  };
}
