export type { Providers } from './providers.js';
export { createProviders } from './providers.js';
export type { RunWorkerOptions, WorkerContext, WorkerDefinition } from './run-worker.js';
export { runPlatform, runWorker, storageChecks } from './run-worker.js';
