import type { Decimal } from '@trading/domain';
import type { Knex } from 'knex';

/** The stock selector's verdict on one symbol. */
export interface SymbolScore {
  symbol: string;
  score: Decimal;
  technicalScore: Decimal;
  newsScore: Decimal;
  llmScore: Decimal | null;
  rationale: string;
  scoredAt: Date;
}

export interface SymbolScoreRow extends SymbolScore {
  id: string;
}

/** Repository of `symbol_scores`: one row per symbol (idx_symbol_scores_symbol is unique). */
export class SymbolScoreRepository {
  constructor(private readonly knex: Knex) {}

  async upsert(score: SymbolScore): Promise<SymbolScoreRow> {
    const [row] = (await this.knex('symbol_scores')
      .insert(score)
      .onConflict('symbol')
      .merge()
      .returning('*')) as SymbolScoreRow[];
    if (!row) throw new Error('upsert returned no row');
    return row;
  }

  /** One symbol's score, if the selector has scored it. */
  async get(symbol: string): Promise<SymbolScoreRow | undefined> {
    return this.knex<SymbolScoreRow>('symbol_scores').where({ symbol }).first();
  }

  /** Best first. */
  async ranked(limit: number, offset = 0): Promise<SymbolScoreRow[]> {
    return this.knex<SymbolScoreRow>('symbol_scores')
      .orderBy([{ column: 'score', order: 'desc' }, { column: 'symbol' }])
      .limit(limit)
      .offset(offset);
  }
}
