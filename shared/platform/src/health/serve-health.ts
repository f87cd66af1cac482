import type { Config } from '../config/config.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Metrics } from '../metrics/metrics.js';
import { createHealthApp, type HealthCheck } from './health-app.js';
import { type HttpServer, listen } from './http-server.js';

/** Serve a worker's `/health` and `/metrics` on HEALTH_HOST:HEALTH_PORT, registered for shutdown. */
export async function serveHealth(
  config: Config,
  lifecycle: Lifecycle,
  metrics: Metrics,
  checks: Record<string, HealthCheck>,
): Promise<HttpServer> {
  const app = createHealthApp({ checks, metrics, isStopping: () => lifecycle.stopping });
  return lifecycle.add('health server', await listen(app.callback(), config.healthPort, config.healthHost));
}
