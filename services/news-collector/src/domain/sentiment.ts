/**
 * Headline sentiment from a finance lexicon, in the manner of Loughran & McDonald (2011): general-
 * purpose sentiment lists misread finance ("liability", "tax" are not negative news), so the words
 * here are ones whose tone in company news is clear. Score = (positive − negative) / (positive +
 * negative) over headline and summary, in [-1, 1]; 0 when no lexicon word occurs. A negator ("not",
 * "no", "never", "without") up to two words before a term flips it.
 */
const POSITIVE = new Set([
  'beat',
  'beats',
  'exceed',
  'exceeds',
  'exceeded',
  'record',
  'growth',
  'grow',
  'grows',
  'gain',
  'gains',
  'surge',
  'surges',
  'soar',
  'soars',
  'rally',
  'rallies',
  'upgrade',
  'upgraded',
  'upgrades',
  'outperform',
  'outperforms',
  'profit',
  'profitable',
  'strong',
  'stronger',
  'strength',
  'raise',
  'raises',
  'raised',
  'boost',
  'boosts',
  'improve',
  'improves',
  'improved',
  'expand',
  'expands',
  'expansion',
  'approval',
  'approved',
  'win',
  'wins',
  'breakthrough',
  'buyback',
  'dividend',
  'bullish',
  'optimistic',
  'rebound',
  'rebounds',
  'recovery',
  'jump',
  'jumps',
  'top',
  'tops',
]);
const NEGATIVE = new Set([
  'miss',
  'misses',
  'missed',
  'loss',
  'losses',
  'decline',
  'declines',
  'declined',
  'drop',
  'drops',
  'fall',
  'falls',
  'plunge',
  'plunges',
  'slump',
  'slumps',
  'downgrade',
  'downgraded',
  'downgrades',
  'underperform',
  'weak',
  'weaker',
  'weakness',
  'cut',
  'cuts',
  'lawsuit',
  'sued',
  'probe',
  'investigation',
  'fraud',
  'recall',
  'recalls',
  'layoff',
  'layoffs',
  'bankruptcy',
  'default',
  'warning',
  'warns',
  'bearish',
  'concern',
  'concerns',
  'delay',
  'delays',
  'delayed',
  'fine',
  'fined',
  'penalty',
  'halt',
  'halts',
  'shortfall',
  'slowdown',
  'tumble',
  'tumbles',
  'sink',
  'sinks',
]);
const NEGATORS = new Set(['not', 'no', 'never', 'without', "didn't", "doesn't", "isn't", "wasn't", "won't"]);

/** Sentiment of a text in [-1, 1], rounded to 4 decimals. */
export function lexiconSentiment(text: string): number {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  let positive = 0;
  let negative = 0;
  words.forEach((word, i) => {
    const polarity = POSITIVE.has(word) ? 1 : NEGATIVE.has(word) ? -1 : 0;
    if (polarity === 0) return;
    const negated = NEGATORS.has(words[i - 1] ?? '') || NEGATORS.has(words[i - 2] ?? '');
    if (polarity * (negated ? -1 : 1) > 0) positive++;
    else negative++;
  });
  if (positive + negative === 0) return 0;
  return Math.round(((positive - negative) / (positive + negative)) * 10_000) / 10_000;
}
