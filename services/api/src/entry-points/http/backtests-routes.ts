import { NotFoundError, ValidationError } from '@trading/domain';
import { type BacktestJobPayload, type Broker, createEvent, STREAMS } from '@trading/messaging';
import { errorMessage, TIMEFRAMES } from '@trading/platform';
import { type BacktestRunRow, type Repositories } from '@trading/store';
import type { StrategyCatalog } from '@trading/strategy-sdk';
import Joi from 'joi';

import { iso, one, timestamp, uuid } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { idParams, symbol } from './input-schemas.js';

type BacktestRequest = Omit<BacktestJobPayload, 'runId'>;

/** The request's schema; a missing timeframe is the one the platform collects (what it has stored). */
function backtestBody(storedTimeframe: string, catalog: StrategyCatalog): Joi.ObjectSchema<BacktestRequest> {
  return Joi.object<BacktestRequest>({
    symbol: symbol.required(),
    strategy: Joi.string()
      .valid(...catalog.names)
      .required(),
    // `.unknown(true)`: OpenAPI 3.0 cannot state a pattern of keys; without it the document would
    // allow only an empty object. The strategy's own schema checks the names and values.
    params: Joi.object()
      .pattern(Joi.string(), Joi.number())
      .unknown(true)
      .default({})
      .description("The strategy's parameters by name (numbers); unknown names are refused"),
    timeframe: Joi.string()
      .valid(...TIMEFRAMES)
      .default(storedTimeframe)
      .description('Bar size; by default the one the platform collects (COLLECTOR_TIMEFRAME)'),
    from: Joi.string().isoDate().required(),
    to: Joi.string().isoDate().required(),
    model: Joi.object({
      cash: Joi.number().positive().max(1e12),
      commission: Joi.number().min(0).max(0.1).description('Fraction of notional per fill'),
      slippage: Joi.number().min(0).max(0.1).description('Fraction of price per fill'),
      fill: Joi.string().valid('next-open', 'close'),
      allowShort: Joi.boolean(),
    }).default({}),
  }).label('BacktestRequest');
}

const runSchema = Joi.object({
  id: uuid,
  status: Joi.string().valid('queued', 'running', 'succeeded', 'failed'),
  params: Joi.object().unknown(true).description('The request as queued'),
  result: Joi.object()
    .unknown(true)
    .allow(null)
    .description('Statistics, trades and a downsampled equity curve, once succeeded'),
  error: Joi.string().allow(null),
  createdAt: timestamp,
  startedAt: timestamp.allow(null),
  finishedAt: timestamp.allow(null),
}).label('BacktestRun');

function presentRun(r: BacktestRunRow): Record<string, unknown> {
  return {
    id: r.id,
    status: r.status,
    params: r.params,
    result: r.result,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** Backtests run by the backtester worker: queue one (202), then poll its status and result. */
export function backtestsEndpoints(
  repos: Repositories,
  broker: Broker,
  storedTimeframe: string,
  catalog: StrategyCatalog,
): Endpoint[] {
  return [
    endpoint<Record<string, never>, Record<string, never>, BacktestRequest>({
      method: 'post',
      path: '/backtests',
      operationId: 'queueBacktest',
      summary: 'Queue a backtest; poll its Location for the result',
      tag: 'backtests',
      body: backtestBody(storedTimeframe, catalog),
      responses: {
        202: { description: 'Queued', schema: one(runSchema, 'QueuedBacktest') },
        503: { description: 'The job queue is unavailable; nothing was queued' },
      },
      async handle({ body }) {
        // Checked here, so a bad request is a 400 now rather than a failed run later.
        const strategy = catalog.configure(body.strategy, body.params);
        if (new Date(body.from) >= new Date(body.to)) {
          throw new ValidationError('invalid body', [
            { field: 'body.to', message: '"to" must be after "from"' },
          ]);
        }
        const request = { ...body, params: strategy.params as Record<string, number> };
        const run = await repos.backtests.create(request);
        try {
          await broker.publish(
            STREAMS.backtestJobs,
            createEvent<BacktestJobPayload>('backtest.requested', { ...request, runId: run.id }),
          );
        } catch (err) {
          // Not queued: the run must not wait forever as `queued`.
          await repos.backtests.fail(run.id, `could not be queued: ${errorMessage(err)}`);
          throw err;
        }
        return {
          status: 202,
          body: { data: presentRun(run) },
          headers: { Location: `/api/v1/backtests/${run.id}` },
        };
      },
    }),
    endpoint<Record<string, never>, { id: string }>({
      method: 'get',
      path: '/backtests/:id',
      operationId: 'getBacktest',
      summary: "A backtest's status and, once finished, its result",
      tag: 'backtests',
      params: idParams,
      responses: {
        200: { description: 'The run', schema: one(runSchema, 'BacktestAnswer') },
        404: { description: 'No such run' },
      },
      async handle({ params }) {
        const run = await repos.backtests.get(params.id);
        if (!run) throw new NotFoundError(`no backtest ${params.id}`);
        return { body: { data: presentRun(run) } };
      },
    }),
  ];
}
