// Loads a TypeScript worker under tsx inside a worker_threads worker (benches only).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
