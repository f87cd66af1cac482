import type { Clock } from '@trading/domain';
import { systemClock, toDecimal } from '@trading/domain';
import { type EventEnvelope, payloadOf } from '@trading/messaging';
import { type Logger } from '@trading/platform';
import { daysAgo, type Repositories } from '@trading/store';

import { combinedScore, newsScore } from '../domain/selector-scoring.js';

/** News considered for the news score (days). */
const NEWS_DAYS = 7;

/** A symbol's news score from the sentiment of its recent stored news (0.5 without any). */
export async function readNewsScore(repos: Repositories, symbol: string): Promise<number> {
  const sentiment = await repos.news.averageSentiment(symbol, daysAgo(NEWS_DAYS));
  return newsScore(sentiment === undefined ? undefined : Number(sentiment));
}

/**
 * Handles `market.news`: a news item moves its symbol's news score at once, between two selector
 * runs. The stored technical score and the model's verdict are kept; the combined score is
 * recomputed with them. A symbol the selector has not scored yet waits for its next run.
 */
export function createNewsConsumer(deps: {
  repos: Repositories;
  logger: Logger;
  now?: Clock;
}): (event: EventEnvelope) => Promise<void> {
  const { repos, logger } = deps;
  return async (event) => {
    const { symbol } = payloadOf(event, 'news.published');
    const scored = await repos.scores.get(symbol);
    if (!scored) return;
    const news = await readNewsScore(repos, symbol);
    const llm = scored.llmScore === null ? undefined : Number(scored.llmScore);
    const score = combinedScore(Number(scored.technicalScore), news, llm);
    const { id: _id, ...kept } = scored;
    await repos.scores.upsert({
      ...kept,
      score: toDecimal(score.toFixed(4)),
      newsScore: toDecimal(news.toFixed(4)),
      scoredAt: (deps.now ?? systemClock)(),
    });
    logger.info('news moved a symbol score', { symbol, newsScore: news, score });
  };
}
