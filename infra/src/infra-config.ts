import * as pulumi from '@pulumi/pulumi';

/** The seven services, with the memory each may use (spec 2-4: 512 MB, 1 GB for the two that hold history). */
export const SERVICES = {
  'data-collector': { memoryMb: 512 },
  'news-collector': { memoryMb: 512 },
  'strategy-engine': { memoryMb: 1024 },
  'order-executor': { memoryMb: 512 },
  'portfolio-manager': { memoryMb: 512 },
  backtester: { memoryMb: 1024 },
  api: { memoryMb: 512 },
} as const;

/** A service name. */
export type ServiceName = keyof typeof SERVICES;

/** The credentials of the platform, every one a Pulumi secret. */
export interface PlatformSecrets {
  postgresUser: pulumi.Output<string>;
  postgresPassword: pulumi.Output<string>;
  redisPassword: pulumi.Output<string>;
  apiAuthToken: pulumi.Output<string>;
  alpacaApiKey: pulumi.Output<string>;
  alpacaApiSecret: pulumi.Output<string>;
  finnhubApiKey: pulumi.Output<string>;
  anthropicApiKey: pulumi.Output<string>;
  telegramBotToken: pulumi.Output<string>;
}

/** The stack's configuration (`pulumi config`), read once. */
export interface InfraConfig {
  /** Docker endpoint: `unix:///var/run/docker.sock` (default) or `ssh://user@host[:port]`. */
  dockerHost: string;
  /** SSH private key for a remote host (secret); the SSH agent is used when unset. */
  sshPrivateKey: pulumi.Output<string> | undefined;
  /** Where the platform keeps its files on the host (monitoring configuration). */
  hostDir: string;
  /** Host port of the API (the only port published by default). */
  apiPort: number;
  /** Publish Prometheus (9090) and Alertmanager (9093) on the host too. */
  publishMonitoring: boolean;
  /**
   * Host address the published ports bind to: 127.0.0.1 by default (reach them through a TLS proxy
   * or an SSH tunnel); `0.0.0.0` exposes plain HTTP on every interface, only when set on purpose.
   */
  publishAddress: string;
  /**
   * Tag of the images built from the Dockerfile; unset (the default), each image is tagged with the
   * hash of the sources it is built from, so every version stays on the host for a rollback.
   */
  imageTag: string | undefined;
  /** Build secrets for the images' `npm ci`: an npm config file (registry mirror) and a CA bundle. */
  build: { npmrc: string | undefined; caFile: string | undefined };
  /** PostgreSQL backups: a `pg_dump` every `intervalHours`, kept `keepDays` days. */
  backup: { intervalHours: number; keepDays: number };
  /** Plain settings for every service (SYMBOLS, STRATEGIES, ALPACA_TRADING_URL, LOG_LEVEL, …). */
  serviceEnv: Record<string, string>;
  /** Telegram chat that receives alerts and trade notices (not a secret). */
  telegramChatId: string;
  secrets: PlatformSecrets;
  /** The optional credentials that are set (an unset one reaches no container). */
  setSecrets: ReadonlySet<keyof PlatformSecrets>;
}

/** The environment name each service credential has in the services' config. */
export const CREDENTIAL_ENV = {
  apiAuthToken: 'API_AUTH_TOKEN',
  alpacaApiKey: 'ALPACA_API_KEY',
  alpacaApiSecret: 'ALPACA_API_SECRET',
  finnhubApiKey: 'FINNHUB_API_KEY',
  anthropicApiKey: 'ANTHROPIC_API_KEY',
  telegramBotToken: 'TELEGRAM_BOT_TOKEN',
} as const satisfies Partial<Record<keyof PlatformSecrets, string>>;

/** Environment names that are credentials: they belong in Pulumi secrets, never in `serviceEnv`. */
const CREDENTIAL_ENVS: readonly string[] = ['DATABASE_URL', 'REDIS_URL', ...Object.values(CREDENTIAL_ENV)];

/** The stack's `serviceEnv`, refusing a credential (it would be plain text in `docker inspect`). */
export function plainServiceEnv(value: Record<string, string> | undefined): Record<string, string> {
  const env = value ?? {};
  const credentials = Object.keys(env).filter((k) => CREDENTIAL_ENVS.includes(k.replace(/_FILE$/, '')));
  if (credentials.length > 0) {
    throw new Error(
      `trading-platform:serviceEnv must not hold credentials (${credentials.join(', ')}): set each as a secret, e.g. \`pulumi config set --secret alpacaApiKey …\``,
    );
  }
  return env;
}

/**
 * The Redis password, required: it goes into an ACL line and a URL, so it must be one word; a
 * password made as the README says (`openssl rand -base64 24`) is.
 */
export function checkRedisPassword(value: string): string {
  if (value.length < 16 || /\s/.test(value)) {
    throw new Error(
      'trading-platform:redisPassword must be at least 16 characters without spaces; make one with `openssl rand -base64 24`',
    );
  }
  return value;
}

/**
 * The Telegram chat id, required: Alertmanager's Telegram receiver refuses `chat_id: 0`, so without
 * one it would crash-loop unnoticed. Fails `pulumi preview` with what to set.
 */
export function telegramChatId(value: string | undefined): string {
  if (value === undefined || !/^-?\d+$/.test(value) || /^-?0+$/.test(value)) {
    throw new Error(
      `trading-platform:telegramChatId must be the numeric id of the chat that receives alerts (got ${JSON.stringify(value ?? null)}); set it with \`pulumi config set telegramChatId <id>\``,
    );
  }
  return value;
}

/** Read the stack's configuration; secrets stay Pulumi secrets from here to the containers. */
export function readInfraConfig(): InfraConfig {
  const config = new pulumi.Config();
  const setSecrets = new Set<keyof PlatformSecrets>(['postgresPassword', 'redisPassword', 'apiAuthToken']);
  const secret = (key: keyof PlatformSecrets, fallback = '') => {
    const value = config.getSecret(key);
    if (value === undefined) return pulumi.secret(fallback);
    setSecrets.add(key);
    return value;
  };
  return {
    dockerHost: config.get('dockerHost') ?? 'unix:///var/run/docker.sock',
    sshPrivateKey: config.getSecret('sshPrivateKey'),
    hostDir: config.get('hostDir') ?? '/opt/trading-platform',
    apiPort: config.getNumber('apiPort') ?? 8000,
    publishMonitoring: config.getBoolean('publishMonitoring') ?? false,
    publishAddress: config.get('publishAddress') ?? '127.0.0.1',
    imageTag: config.get('imageTag'),
    build: { npmrc: config.get('buildNpmrc'), caFile: config.get('buildCaFile') },
    backup: {
      intervalHours: config.getNumber('backupIntervalHours', { min: 1 }) ?? 24,
      keepDays: config.getNumber('backupKeepDays', { min: 1 }) ?? 7,
    },
    serviceEnv: plainServiceEnv(config.getObject<Record<string, string>>('serviceEnv')),
    telegramChatId: telegramChatId(config.get('telegramChatId')),
    secrets: {
      postgresUser: secret('postgresUser', 'trading'),
      postgresPassword: config.requireSecret('postgresPassword'),
      redisPassword: config.requireSecret('redisPassword').apply(checkRedisPassword),
      apiAuthToken: config.requireSecret('apiAuthToken'),
      alpacaApiKey: secret('alpacaApiKey'),
      alpacaApiSecret: secret('alpacaApiSecret'),
      finnhubApiKey: secret('finnhubApiKey'),
      anthropicApiKey: secret('anthropicApiKey'),
      telegramBotToken: secret('telegramBotToken'),
    },
    setSecrets,
  };
}
