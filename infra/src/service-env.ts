import * as pulumi from '@pulumi/pulumi';

import { secretFileName } from './file-volume.js';
import { CREDENTIAL_ENV, type InfraConfig, type ServiceName } from './infra-config.js';

/** The secrets each service needs: nothing more reaches a container (least privilege). */
const NEEDS: Record<ServiceName, readonly (keyof typeof CREDENTIAL_ENV)[]> = {
  'data-collector': ['alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
  'news-collector': ['finnhubApiKey', 'telegramBotToken'],
  'strategy-engine': ['anthropicApiKey', 'telegramBotToken'],
  'order-executor': ['alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
  'portfolio-manager': ['alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
  backtester: ['telegramBotToken'],
  api: ['apiAuthToken', 'alpacaApiKey', 'alpacaApiSecret', 'telegramBotToken'],
};

/** Where a service's credential files are mounted. */
export const SECRETS_DIR = '/run/secrets';

/** A service's settings: plain environment, and its credentials as files. */
export interface ServiceSettings {
  /** `KEY=value` lines, none of them a credential: `docker inspect` may show them. */
  envs: string[];
  /** Credential file name → value (secrets), for a {@link FileVolume} at {@link SECRETS_DIR}. */
  files: Record<string, pulumi.Output<string>>;
}

/**
 * A service's settings: the stack's plain settings, the fixed ports, and the database URL, the Redis
 * URL and the credentials it needs as files, each named by a `<KEY>_FILE` variable (the config
 * module reads them). An unset credential is left out, as an empty variable would be.
 */
export function serviceSettings(
  service: ServiceName,
  config: InfraConfig,
  urls: { databaseUrl: pulumi.Output<string>; redisUrl: pulumi.Output<string> },
): ServiceSettings {
  const credentials: [string, pulumi.Output<string>][] = [
    ['DATABASE_URL', urls.databaseUrl],
    ['REDIS_URL', urls.redisUrl],
  ];
  for (const key of NEEDS[service]) {
    if (config.setSecrets.has(key)) credentials.push([CREDENTIAL_ENV[key], config.secrets[key]]);
  }
  const plain = {
    ...config.serviceEnv,
    HEALTH_PORT: '8080',
    API_PORT: '8000',
    DB_MIGRATE_ON_START: 'false',
    TELEGRAM_CHAT_ID: config.telegramChatId,
  };
  return {
    envs: [
      ...Object.entries(plain).map(([k, v]) => `${k}=${v}`),
      ...credentials.map(([env]) => `${env}_FILE=${SECRETS_DIR}/${secretFileName(env)}`),
    ],
    files: Object.fromEntries(credentials.map(([env, value]) => [secretFileName(env), pulumi.secret(value)])),
  };
}
