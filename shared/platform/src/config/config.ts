import { readFileSync } from 'node:fs';

import { ConfigError } from '@trading/domain';
import Joi from 'joi';

import { CONFIG_KEYS, type ConfigKey, type LogLevel, TIMEFRAMES } from './config-schema.js';
import { Secret } from './secret.js';

/** The validated configuration every factory receives. Secrets are `undefined` when unset or empty. */
export interface Config {
  alpacaApiKey: Secret | undefined;
  alpacaApiSecret: Secret | undefined;
  databaseUrl: Secret | undefined;
  redisUrl: Secret | undefined;
  telegramBotToken: Secret | undefined;
  anthropicApiKey: Secret | undefined;
  finnhubApiKey: Secret | undefined;
  apiAuthToken: Secret | undefined;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: LogLevel;
  logFormat: 'auto' | 'json' | 'pretty';
  healthPort: number;
  healthHost: string;
  apiPort: number;
  apiHost: string;
  dataDir: string;
  shutdownGraceMs: number;
  dbPoolSize: number;
  dbMaxOverflow: number;
  dbPoolRecycleSeconds: number;
  dbPrePingBypassMs: number;
  dbAcquireTimeoutMs: number;
  dbStatementTimeoutMs: number;
  streamMaxLen: number;
  streamVisibilityTimeoutMs: number;
  streamMaxDeliveries: number;
  redisHealthCheckMs: number;
  retryMaxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  breakerFailureThreshold: number;
  breakerCooldownMs: number;
  httpTimeoutMs: number;
  alpacaTradingUrl: string;
  alpacaDataUrl: string;
  alpacaRateLimitPerMin: number;
  alpacaStreams: boolean;
  alpacaDataStreamUrl: string;
  alpacaDataFeed: 'iex' | 'sip';
  streamHeartbeatMs: number;
  streamReconnectMaxMs: number;
  streamSafetyPollMs: number;
  finnhubBaseUrl: string;
  finnhubRateLimitPerMin: number;
  anthropicBaseUrl: string;
  anthropicModel: string;
  telegramBaseUrl: string;
  telegramChatId: string;
  alertThrottleMs: number;
  telegramCommands: boolean;
  corsOrigins: string[];
  apiPublicHosts: string[];
  trustedProxy: boolean;
  apiRateLimitPerMin: number;
  apiOrderRateLimitPerMin: number;
  apiDrainMs: number;
  apiCacheMs: number;
  apiStreamMs: number;
  simulated: boolean;
  simBarMs: number;
  simRandomSymbols: number;
  simSeed: number;
  symbols: string[];
  strategies: string[];
  strategiesDir: string;
  riskMaxPositionSize: number;
  strategyParams: Record<string, Record<string, number>>;
  collectorTimeframe: (typeof TIMEFRAMES)[number];
  collectorPollMs: number;
  backfillDays: number;
  newsPollMs: number;
  newsLookbackDays: number;
  selectorIntervalMs: number;
  selectorCandidates: string[];
  selectorTopN: number;
  dbMigrateOnStart: boolean;
  riskMaxOpenPositions: number;
  riskDailyLossLimit: number;
  riskCooldownSeconds: number;
  riskMarketHoursOnly: boolean;
  riskMaxPriceDeviation: number;
  riskMaxSignalAgeSeconds: number;
  riskMaxPriceAgeSeconds: number;
  riskMaxOrderShares: number;
  riskMaxPriceJump: number;
  brokerStateMaxAgeMs: number;
  consumerConcurrency: number;
  orderPollMs: number;
  orderTimeoutMs: number;
  snapshotIntervalMs: number;
  reconcileIntervalMs: number;
}

const LIST_KEYS = new Set<keyof Config>([
  'corsOrigins',
  'apiPublicHosts',
  'symbols',
  'strategies',
  'selectorCandidates',
]);

/** Keys whose value is a JSON object in the environment (e.g. STRATEGY_PARAMS). */
const JSON_ENVS = new Set(
  Object.values(CONFIG_KEYS)
    .filter((k: ConfigKey) => k.schema.type === 'object')
    .map((k: ConfigKey) => k.env),
);

/** The JSON value of a JSON key; the raw string when it is not JSON, which joi then reports. */
function parseJsonEnv(raw: string): unknown {
  try {
    return JSON.parse(raw);
    // eslint-disable-next-line no-restricted-syntax -- not JSON: validation names the key and the problem.
  } catch {
    return raw;
  }
}

/** What to tell about a JSON key whose text is not JSON (joi would only say "must be of type object"). */
function notJsonMessage(key: string, raw: unknown): string | undefined {
  if (!JSON_ENVS.has(key) || typeof raw !== 'string') return undefined;
  return `"${key}" is not JSON (${raw.slice(0, 40)}): quote every key and string, e.g. {"sma-cross":{"fast":5,"slow":30}}`;
}

const envSchema = Joi.object<Record<string, unknown>>(
  Object.fromEntries(Object.values(CONFIG_KEYS).map((k: ConfigKey) => [k.env, k.schema])),
).unknown(true);

/** Reads a credential file; the default reads the file system. */
export type ReadSecretFile = (path: string) => string;

const readUtf8: ReadSecretFile = (path) => readFileSync(path, 'utf8');

/**
 * Every secret key may be given as a file instead (`DATABASE_URL_FILE=/run/secrets/database_url`),
 * as the official database images do: a container's environment is readable by `docker inspect`, a
 * file mounted read-only is not. One trailing newline is dropped (`echo value > file`).
 */
function withSecretFiles(env: NodeJS.ProcessEnv, read: ReadSecretFile): NodeJS.ProcessEnv {
  const secretKeys = Object.values(CONFIG_KEYS).filter((k: ConfigKey) => k.secret);
  const fileKeys = new Set(secretKeys.map((k) => `${k.env}_FILE`));
  const resolved: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(env).filter(([k]) => !fileKeys.has(k)),
  );
  const problems: { key: string; message: string }[] = [];
  for (const key of secretKeys) {
    const fileKey = `${key.env}_FILE`;
    const path = env[fileKey];
    if (path === undefined || path === '') continue;
    if (env[key.env] !== undefined && env[key.env] !== '') {
      problems.push({ key: fileKey, message: `"${fileKey}" and "${key.env}" are both set; set one` });
      continue;
    }
    try {
      resolved[key.env] = read(path).replace(/\r?\n$/, '');
    } catch (error) {
      // A file-system error (ENOENT, EACCES, EISDIR) is a configuration mistake; anything else is not.
      const { code } = error as NodeJS.ErrnoException;
      if (code === undefined) throw error;
      problems.push({ key: fileKey, message: `"${fileKey}" names ${path}, which cannot be read (${code})` });
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration: ${problems.map((d) => `${d.key}: ${d.message}`).join('; ')}`,
      problems,
    );
  }
  return resolved;
}

/**
 * Validate the environment once, reporting every bad key at the same time. A secret may come from
 * the file its `<KEY>_FILE` names.
 * @throws ConfigError listing each bad key and why.
 */
export function loadConfig(
  rawEnv: NodeJS.ProcessEnv = process.env,
  readSecretFile: ReadSecretFile = readUtf8,
): Config {
  const env = withSecretFiles(rawEnv, readSecretFile);
  // Empty strings mean "unset" for keys with defaults, as in most .env tooling.
  const input = Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
      .map(([k, v]) => [k, JSON_ENVS.has(k) ? parseJsonEnv(v) : v]),
  );
  const result: Joi.ValidationResult<Record<string, unknown>> = envSchema.validate(input, {
    abortEarly: false,
    convert: true,
  });
  const { error } = result;
  const value = result.value as Record<string, unknown>;
  if (error) {
    const details = error.details.map((d) => {
      const key = String(d.path[0]);
      return { key, message: notJsonMessage(key, input[key]) ?? d.message };
    });
    throw new ConfigError(
      `invalid configuration: ${details.map((d) => `${d.key}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  const config: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(CONFIG_KEYS) as [keyof Config, ConfigKey][]) {
    const raw = value[key.env];
    if (key.secret) {
      config[name] = typeof raw === 'string' && raw !== '' ? new Secret(raw) : undefined;
    } else if (LIST_KEYS.has(name)) {
      config[name] = typeof raw === 'string' && raw !== '' ? raw.split(',') : [];
    } else {
      config[name] = raw;
    }
  }
  return withSafeApiHost(config as unknown as Config, env.API_HOST);
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1)$/i;

/** Whether a host name or address is this machine's loopback (127.0.0.0/8, localhost, ::1). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Without API_AUTH_TOKEN anyone who reaches the API can place orders: it then listens on this
 * machine only (127.0.0.1), and binding it elsewhere is refused until a token is set.
 */
function withSafeApiHost(config: Config, requestedHost: string | undefined): Config {
  if (config.apiAuthToken) return config;
  if (requestedHost === undefined || requestedHost === '') return { ...config, apiHost: '127.0.0.1' };
  if (LOOPBACK.test(config.apiHost)) return config;
  throw new ConfigError(
    `invalid configuration: API_HOST: "${config.apiHost}" would let anyone who reaches this machine place orders without a token; set API_AUTH_TOKEN, or leave API_HOST unset (127.0.0.1)`,
    [{ key: 'API_HOST', message: 'a non-loopback address requires API_AUTH_TOKEN' }],
  );
}

/**
 * Refuses a config that would trade through Alpaca (paper or live) with the API open to every
 * local process and web page: only the simulation runs without API_AUTH_TOKEN.
 */
export function requireApiToken(config: Config): void {
  if (config.apiAuthToken || config.simulated || !config.alpacaApiKey) return;
  throw new ConfigError(
    `invalid configuration: API_AUTH_TOKEN: required when trading through Alpaca (${tradingMode(config)}); set a long random token (e.g. openssl rand -hex 32), or unset ALPACA_API_KEY to run the simulation`,
    [{ key: 'API_AUTH_TOKEN', message: 'required outside the simulation' }],
  );
}

/** Every secret value set in a config, for scrubbing log lines and responses. */
export function secretsOf(config: Config): Secret[] {
  return Object.values(config).filter((v): v is Secret => v instanceof Secret);
}

/** Where orders go: the simulation's paper broker, Alpaca's paper account, or real money. */
export type TradingMode = 'simulation' | 'paper' | 'live';

/** The mode a config trades in (a trading URL without "paper" in it is taken as real money). */
export function tradingMode(config: Config): TradingMode {
  if (config.simulated) return 'simulation';
  return config.alpacaTradingUrl.includes('paper') ? 'paper' : 'live';
}
