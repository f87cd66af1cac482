export type { OrderPathDeps } from './order-path-deps.js';
export { orderPathDeps } from './order-path-deps.js';
export type { Providers } from './providers.js';
export { createProviders } from './providers.js';
export type { RunWorkerOptions, WorkerContext, WorkerDefinition } from './run-worker.js';
export { runPlatform, runWorker, storageChecks } from './run-worker.js';
