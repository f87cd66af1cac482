import { type Config, tradingMode } from '@trading/platform';
import type { Simulation } from '@trading/simulator';

/** What `npm start` prints once everything listens: where to look, what runs, how to stop. */
export function startBanner(config: Config, simulation: Simulation | undefined): string {
  const local = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.apiHost);
  const url = `http://${local ? 'localhost' : config.apiHost}:${String(config.apiPort)}`;
  const data = config.databaseUrl ? 'PostgreSQL at DATABASE_URL' : `embedded PostgreSQL in ${config.dataDir}`;
  const mode = simulation
    ? `simulation: paper broker, simulated market (${simulation.series.map((s) => s.symbol).join(', ')}); bar times are simulated`
    : `${tradingMode(config) === 'paper' ? 'paper' : 'LIVE'} trading through Alpaca at ${config.alpacaTradingUrl}`;
  const telegram =
    config.telegramBotToken && config.telegramChatId
      ? `alerts and ${config.telegramCommands ? 'commands (/help)' : 'no commands'} in chat ${config.telegramChatId}`
      : 'off (set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID)';
  return [
    '',
    `  Trading platform running — ${mode}`,
    '',
    `  dashboard   ${url}/  ${config.apiAuthToken ? '(asks for API_AUTH_TOKEN)' : `(this machine only, on ${config.apiHost}: set API_AUTH_TOKEN to open it to others)`}`,
    `  API docs    ${url}/docs`,
    `  data        ${data}; events ${config.redisUrl ? 'through Redis at REDIS_URL' : 'in process'}`,
    `  telegram    ${telegram}`,
    `  stop        Ctrl-C (state is kept: the next start resumes from it)`,
    '',
  ].join('\n');
}
