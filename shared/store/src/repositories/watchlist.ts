import type { Config } from '@trading/platform';

import type { SymbolScoreRepository } from './symbol-score-repository.js';

/** The symbols the collectors watch: SYMBOLS plus the stock selector's current top picks. */
export async function readWatchlist(config: Config, scores: SymbolScoreRepository): Promise<string[]> {
  const picks = config.selectorTopN > 0 ? await scores.ranked(config.selectorTopN) : [];
  return [...new Set([...config.symbols, ...picks.map((p) => p.symbol)])];
}
