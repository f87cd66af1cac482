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
  /** Tag of the images built from the Dockerfile. */
  imageTag: string;
  /** Plain settings for every service (SYMBOLS, STRATEGIES, ALPACA_TRADING_URL, LOG_LEVEL, …). */
  serviceEnv: Record<string, string>;
  /** Telegram chat that receives alerts and trade notices (not a secret). */
  telegramChatId: string;
  secrets: PlatformSecrets;
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
  const secret = (key: string, fallback = '') => config.getSecret(key) ?? pulumi.secret(fallback);
  return {
    dockerHost: config.get('dockerHost') ?? 'unix:///var/run/docker.sock',
    sshPrivateKey: config.getSecret('sshPrivateKey'),
    hostDir: config.get('hostDir') ?? '/opt/trading-platform',
    apiPort: config.getNumber('apiPort') ?? 8000,
    publishMonitoring: config.getBoolean('publishMonitoring') ?? false,
    publishAddress: config.get('publishAddress') ?? '127.0.0.1',
    imageTag: config.get('imageTag') ?? 'latest',
    serviceEnv: config.getObject<Record<string, string>>('serviceEnv') ?? {},
    telegramChatId: telegramChatId(config.get('telegramChatId')),
    secrets: {
      postgresUser: secret('postgresUser', 'trading'),
      postgresPassword: config.requireSecret('postgresPassword'),
      apiAuthToken: config.requireSecret('apiAuthToken'),
      alpacaApiKey: secret('alpacaApiKey'),
      alpacaApiSecret: secret('alpacaApiSecret'),
      finnhubApiKey: secret('finnhubApiKey'),
      anthropicApiKey: secret('anthropicApiKey'),
      telegramBotToken: secret('telegramBotToken'),
    },
  };
}
