import * as pulumi from '@pulumi/pulumi';

import type { InfraConfig, ServiceName } from './infra-config.js';

/** The secrets each service needs: nothing more reaches a container (least privilege). */
const NEEDS: Record<ServiceName, readonly (keyof InfraConfig['secrets'])[]> = {
  'data-collector': ['alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
  'news-collector': ['finnhubApiKey', 'telegramBotToken'],
  'strategy-engine': ['anthropicApiKey', 'telegramBotToken'],
  'order-executor': ['alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
  'portfolio-manager': ['alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
  backtester: ['telegramBotToken'],
  api: ['apiAuthToken', 'alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
};

const ENV_NAME: Record<keyof InfraConfig['secrets'], string> = {
  postgresUser: 'POSTGRES_USER',
  postgresPassword: 'POSTGRES_PASSWORD',
  apiAuthToken: 'API_AUTH_TOKEN',
  alpacaApiKey: 'ALPACA_API_KEY',
  alpacaApiSecret: 'ALPACA_API_SECRET',
  finnhubApiKey: 'FINNHUB_API_KEY',
  anthropicApiKey: 'ANTHROPIC_API_KEY',
  telegramBotToken: 'TELEGRAM_BOT_TOKEN',
};

/**
 * A service's environment: the stack's plain settings, the fixed ports, the database and Redis URLs
 * and the credentials it needs. The whole list is a secret (it holds credentials), so the state
 * and `pulumi stack output` never show it in plain text.
 */
export function serviceEnv(
  service: ServiceName,
  config: InfraConfig,
  urls: { databaseUrl: pulumi.Output<string>; redisUrl: pulumi.Output<string> },
): pulumi.Output<string[]> {
  const plain = {
    ...config.serviceEnv,
    HEALTH_PORT: '8080',
    API_PORT: '8000',
    DB_MIGRATE_ON_START: 'false',
    TELEGRAM_CHAT_ID: config.telegramChatId,
  };
  const secrets = NEEDS[service].map((key) => config.secrets[key].apply((v) => `${ENV_NAME[key]}=${v}`));
  return pulumi.secret(
    pulumi
      .all([urls.databaseUrl, urls.redisUrl, ...secrets])
      .apply(([databaseUrl, redisUrl, ...lines]) => [
        ...Object.entries(plain).map(([k, v]) => `${k}=${v}`),
        `DATABASE_URL=${databaseUrl}`,
        `REDIS_URL=${redisUrl}`,
        ...lines.filter((line) => !line.endsWith('=')),
      ]),
  );
}
