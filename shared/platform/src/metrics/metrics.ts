import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The metrics every service exports; alert rules are written against these names. */
export interface Metrics {
  registry: Registry;
  /** 1 while the service runs, 0 while it shuts down. */
  serviceUp: Gauge;
  /** Errors by kind: transient, data, fatal, dead_letter, ... */
  errorsTotal: Counter<'kind'>;
  /** Time to process one unit of work (an event, a poll, a request), by operation. */
  processingSeconds: Histogram<'operation'>;
  /** Circuit breaker state by breaker: 0 closed, 1 half-open, 2 open. */
  breakerState: Gauge<'breaker'>;
  /** Circuit breaker state changes by breaker and new state. */
  breakerTransitions: Counter<'breaker' | 'state'>;
  /** Time `fn` and record it under `operation`. */
  time<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  /** A service's own counter, created on first use and shared after (so factories can run twice). */
  counter<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  /** A service's own gauge, created on first use and shared after. */
  gauge<L extends string = never>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
}

/** A prom-client registry for one service with the standard metrics and the process defaults. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const serviceUp = new Gauge({
    name: 'service_up',
    help: '1 while the service is running',
    registers: [registry],
  });
  const errorsTotal = new Counter({
    name: 'errors_total',
    help: 'Errors by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const processingSeconds = new Histogram({
    name: 'processing_seconds',
    help: 'Time to process one unit of work',
    labelNames: ['operation'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const breakerState = new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['breaker'],
    registers: [registry],
  });
  const breakerTransitions = new Counter({
    name: 'circuit_breaker_transitions_total',
    help: 'Circuit breaker state changes',
    labelNames: ['breaker', 'state'],
    registers: [registry],
  });
  return {
    registry,
    breakerState,
    breakerTransitions,
    serviceUp,
    errorsTotal,
    processingSeconds,
    counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
      const existing = registry.getSingleMetric(name);
      if (existing instanceof Counter) return existing;
      return new Counter<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
    },
    gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
      const existing = registry.getSingleMetric(name);
      if (existing instanceof Gauge) return existing;
      return new Gauge<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
    },
    async time(operation, fn) {
      const end = processingSeconds.startTimer({ operation });
      try {
        return await fn();
      } finally {
        end();
      }
    },
  };
}
