/** A news article about one company, as every news source gives it. */
export interface NewsArticle {
  symbol: string;
  headline: string;
  summary: string;
  source: string;
  url: string;
  publishedAt: Date;
}
