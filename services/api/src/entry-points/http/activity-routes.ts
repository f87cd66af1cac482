import { needsAttention, type RiskRule } from '@trading/domain';
import type { Repositories } from '@trading/store';
import Joi from 'joi';

import { listOf, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { limit } from './input-schemas.js';

const activitySchema = Joi.object({
  at: timestamp,
  kind: Joi.string().valid('refusal', 'adjustment', 'control'),
  symbol: Joi.string().allow(null),
  text: Joi.string().description('What happened, in words'),
  details: Joi.object().unknown(true).allow(null).description("A refusal's numbers"),
}).label('Activity');

/**
 * `GET /activity`: what a trader should know happened, newest first: signals a risk rule refused
 * (with the rule and its numbers), reconciliation adjustments (with why), and who paused or resumed.
 */
export function activityEndpoints(repos: Repositories): Endpoint[] {
  return [
    endpoint<{ limit: number }>({
      method: 'get',
      path: '/activity',
      operationId: 'listActivity',
      summary: 'Refusals, reconciliation adjustments and pauses, newest first',
      tag: 'dashboard',
      query: Joi.object({ limit: limit.max(200) }),
      responses: { 200: { description: 'Newest first', schema: listOf(activitySchema, 'ActivityList') } },
      async handle({ query }) {
        const [refused, adjustments, control] = await Promise.all([
          repos.signals.list({ status: 'rejected', limit: query.limit, offset: 0 }),
          repos.ledger.adjustments(query.limit),
          repos.control.get(),
        ]);
        const items = [
          ...refused.map((s) => ({
            at: s.createdAt,
            kind: 'refusal',
            symbol: s.symbol,
            // The refusals a person must act on also went to Telegram as alerts.
            text: `${s.strategy} ${s.side} refused by ${s.rejectionRule ?? 'a rule'}${
              s.rejectionRule && needsAttention(s.rejectionRule as RiskRule) ? ' (alerted)' : ''
            }`,
            details: s.rejectionDetails ?? null,
          })),
          ...adjustments.map((a) => ({
            at: a.occurredAt,
            kind: 'adjustment',
            symbol: a.symbol,
            text: `position adjusted by ${a.qty} to the broker's: ${a.reason ?? ''}`,
            details: null,
          })),
          ...(control.changedAt
            ? [
                {
                  at: control.changedAt,
                  kind: 'control',
                  symbol: null,
                  text: `${control.halted ? 'trading halted' : control.paused ? 'entries stopped' : 'trading resumed'} by ${control.changedBy}${control.reason ? `: ${control.reason}` : ''}`,
                  details: null,
                },
              ]
            : []),
        ]
          .sort((a, b) => b.at.getTime() - a.at.getTime())
          .slice(0, query.limit);
        return { body: { data: items.map((i) => ({ ...i, at: i.at.toISOString() })) } };
      },
    }),
  ];
}
