import { extractJsonFromText } from '@trading/providers';
import Joi from 'joi';

/** What the selector knows about one candidate before asking the model. */
export interface CandidateFacts {
  symbol: string;
  /** Closes, oldest first. */
  closes: number[];
  /** Average news sentiment in [-1, 1], undefined without news. */
  sentiment: number | undefined;
}

/** Momentum window of the technical score (bars). */
export const MOMENTUM_BARS = 20;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Technical score in [0, 1]: 0.5 plus the return over the last {@link MOMENTUM_BARS} bars, scaled so
 * ±20% maps to the ends. 0.5 (neutral) without enough history.
 */
export function technicalScore(closes: readonly number[]): number {
  const last = closes.at(-1);
  const base = closes.at(-1 - MOMENTUM_BARS);
  if (last === undefined || base === undefined || base <= 0) return 0.5;
  return clamp(0.5 + (last / base - 1) * 2.5, 0, 1);
}

/** News score in [0, 1]: average sentiment mapped from [-1, 1]; 0.5 without news. */
export function newsScore(sentiment: number | undefined): number {
  return sentiment === undefined ? 0.5 : clamp((sentiment + 1) / 2, 0, 1);
}

/**
 * The combined score. With the model: 40% technical, 20% news, 40% model. Without it (unavailable,
 * slow or unparseable): 70% technical, 30% news.
 */
export function combinedScore(technical: number, news: number, llm: number | undefined): number {
  return llm === undefined ? 0.7 * technical + 0.3 * news : 0.4 * technical + 0.2 * news + 0.4 * llm;
}

/** The prompt: the candidates with their numbers, and the exact JSON shape wanted back. */
export function selectorPrompt(
  candidates: readonly { symbol: string; technical: number; news: number }[],
): string {
  const lines = candidates.map(
    (c) => `- ${c.symbol}: technical ${c.technical.toFixed(2)}, news ${c.news.toFixed(2)}`,
  );
  return [
    'You rank US stocks for a short-term, long-only trading system.',
    'Scores are in [0, 1]; technical is 20-bar momentum, news is average headline sentiment.',
    'Candidates:',
    ...lines,
    'Answer with a JSON array only, one item per candidate, in a ```json block:',
    '[{"symbol": "TICKER", "score": 0.0-1.0, "reason": "one sentence"}]',
  ].join('\n');
}

const answerSchema = Joi.array()
  .items(
    Joi.object({
      symbol: Joi.string().required(),
      score: Joi.number().min(0).max(1).required(),
      reason: Joi.string().allow('').max(500).default(''),
    }).unknown(true),
  )
  .min(1);

/** The model's verdicts by symbol, or undefined when its answer holds no usable JSON. */
export function parseSelectorAnswer(
  text: string,
  symbols: readonly string[],
): Map<string, { score: number; reason: string }> | undefined {
  const json = extractJsonFromText(text);
  const result = answerSchema.validate(json);
  if (result.error) return undefined;
  const { value } = result;
  const wanted = new Set(symbols);
  const verdicts = new Map<string, { score: number; reason: string }>();
  for (const item of value as { symbol: string; score: number; reason: string }[]) {
    const symbol = item.symbol.toUpperCase();
    if (wanted.has(symbol)) verdicts.set(symbol, { score: item.score, reason: item.reason });
  }
  return verdicts.size > 0 ? verdicts : undefined;
}
