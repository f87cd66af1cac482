export type { RunWorkerOptions, WorkerContext, WorkerDefinition } from './run-worker.js';
export { runPlatform, runWorker, storageChecks } from './run-worker.js';
