import { randomUUID } from 'node:crypto';

import { DataError } from '@trading/domain';
import Joi from 'joi';

/** The streams between services (DESIGN.md); each has one consumer group per consuming service. */
export const STREAMS = {
  candles: 'market.candles',
  news: 'market.news',
  signals: 'strategy.signals',
  orders: 'execution.orders',
  backtestJobs: 'backtest.jobs',
} as const;

/** Where entries of `stream` go when they cannot be processed. */
export const deadLetterStream = (stream: string): string => `${stream}.dead`;

/** The one envelope every event travels in. */
export interface EventEnvelope<T = unknown> {
  /** Unique per event; consumers use it to recognise a redelivery. */
  id: string;
  /** What happened, e.g. `candle.closed`. */
  type: string;
  /** Version of the payload's shape. */
  version: number;
  /** ISO-8601 time the event happened. */
  occurredAt: string;
  payload: T;
}

const envelopeSchema = Joi.object<EventEnvelope>({
  id: Joi.string().min(1).max(128).required(),
  type: Joi.string()
    .pattern(/^[a-z][a-z0-9_.-]*$/)
    .max(64)
    .required(),
  version: Joi.number().integer().min(1).max(1000).required(),
  occurredAt: Joi.string().isoDate().required(),
  payload: Joi.any().required(),
});

/** Build an envelope with a fresh id and the current time. */
export function createEvent<T>(
  type: string,
  payload: T,
  options: { id?: string; version?: number; occurredAt?: Date } = {},
): EventEnvelope<T> {
  return {
    id: options.id ?? randomUUID(),
    type,
    version: options.version ?? 1,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    payload,
  };
}

/**
 * Validate an envelope.
 * @throws DataError naming every problem.
 */
export function validateEnvelope(value: unknown): EventEnvelope {
  const result = envelopeSchema.validate(value, { abortEarly: false, allowUnknown: false });
  if (result.error) {
    throw new DataError(`invalid event envelope: ${result.error.details.map((d) => d.message).join('; ')}`, {
      code: 'INVALID_EVENT',
    });
  }
  return result.value;
}

/** The stream entry fields that carry an envelope. */
export function encodeEnvelope(event: EventEnvelope): Record<string, string> {
  return { event: JSON.stringify(event) };
}

/**
 * Read an envelope back from stream entry fields.
 * @throws DataError when the entry is not a JSON envelope.
 */
export function decodeEnvelope(fields: Record<string, string>): EventEnvelope {
  const raw = fields.event;
  if (raw === undefined) throw new DataError('stream entry has no event field', { code: 'INVALID_EVENT' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new DataError('stream entry is not valid JSON', { code: 'INVALID_EVENT', cause: err });
  }
  return validateEnvelope(parsed);
}
