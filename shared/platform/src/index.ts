export type { Config, TradingMode } from './config/config.js';
export { isLoopbackHost, loadConfig, requireApiToken, secretsOf, tradingMode } from './config/config.js';
export type { ConfigKey, LogLevel } from './config/config-schema.js';
export { CONFIG_KEYS, TIMEFRAMES } from './config/config-schema.js';
export type { Redactor } from './config/redactor.js';
export { createRedactor } from './config/redactor.js';
export { Secret, SECRET_MASK } from './config/secret.js';
export { AlertThrottle, type AlertThrottleOptions } from './errors/alert-throttle.js';
export { classifyError, errorMessage, httpStatusOf, isDataError, isTransient } from './errors/classify.js';
export type { Notifier } from './errors/notifier.js';
export {
  errorForStatus,
  ProviderAuthError,
  providerReason,
  ProviderRejectedError,
  providerStatus,
  ProviderUnavailableError,
  retryAfterMs,
} from './errors/provider-error.js';
export type { TopLevelHandler, TopLevelHandlerOptions } from './errors/top-level-handler.js';
export { createTopLevelHandler } from './errors/top-level-handler.js';
export type { HealthAppOptions, HealthCheck, HealthReport } from './health/health-app.js';
export { createHealthApp, healthReport } from './health/health-app.js';
export type { HttpServer, RequestHandler } from './health/http-server.js';
export { listen } from './health/http-server.js';
export { serveHealth } from './health/serve-health.js';
export type { DataDirLock } from './lifecycle/data-dir-lock.js';
export { lockDataDir } from './lifecycle/data-dir-lock.js';
export type { Closable, Lifecycle, LifecycleOptions } from './lifecycle/lifecycle.js';
export { createLifecycle } from './lifecycle/lifecycle.js';
export { type Exclusive, exclusive, oneAtATime } from './lifecycle/one-at-a-time.js';
export type { Poller, PollerOptions } from './lifecycle/poller.js';
export { startPoller } from './lifecycle/poller.js';
export { pollerCheck } from './lifecycle/poller.js';
export type { RunServiceOptions, ServiceContext } from './lifecycle/run-service.js';
export { EXIT_CONFIG, runService } from './lifecycle/run-service.js';
export { explainStartFailure, portInUse } from './lifecycle/start-failure.js';
export type { LogFormat, Logger, LoggerOptions } from './logging/logger.js';
export { createLogger } from './logging/logger.js';
export type { Metrics } from './metrics/metrics.js';
export { createMetrics } from './metrics/metrics.js';
export type { BreakerState, CircuitBreakerOptions } from './resilience/circuit-breaker.js';
export { BREAKER_DEFAULTS, CircuitBreaker } from './resilience/circuit-breaker.js';
export type {
  ExecuteOptions,
  ResiliencePolicy,
  ResiliencePolicyOptions,
} from './resilience/resilience-policy.js';
export { createResiliencePolicy, policyFromConfig } from './resilience/resilience-policy.js';
export type { RetryOptions } from './resilience/retry-async.js';
export { RETRY_DEFAULTS, retryAsync } from './resilience/retry-async.js';
export { sleep } from './resilience/sleep.js';
export { withTimeout } from './resilience/with-timeout.js';
