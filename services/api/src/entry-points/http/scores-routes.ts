import type { Repositories } from '@trading/store';
import Joi from 'joi';

import { decimal, pageOf, serialId, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { paging } from './input-schemas.js';

const scoreSchema = Joi.object({
  id: serialId,
  symbol: Joi.string(),
  score: decimal,
  technicalScore: decimal,
  newsScore: decimal,
  llmScore: decimal.allow(null).description('Null when the LLM was not asked or did not answer'),
  rationale: Joi.string().allow(''),
  scoredAt: timestamp,
}).label('SymbolScore');

/** `GET /scores`: the stock selector's scores, best first. */
export function scoresEndpoints(repos: Repositories): Endpoint[] {
  return [
    endpoint<{ limit: number; offset: number }>({
      method: 'get',
      path: '/scores',
      operationId: 'listScores',
      summary: "The stock selector's symbol scores, best first",
      tag: 'selection',
      query: Joi.object(paging),
      responses: { 200: { description: 'A page of scores', schema: pageOf(scoreSchema, 'ScorePage') } },
      async handle({ query: q }) {
        const rows = await repos.scores.ranked(q.limit, q.offset);
        return {
          body: {
            data: rows.map((s) => ({ ...s, scoredAt: s.scoredAt.toISOString() })),
            page: { limit: q.limit, offset: q.offset },
          },
        };
      },
    }),
  ];
}
