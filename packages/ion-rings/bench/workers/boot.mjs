// Worker entry for the tests: loads TypeScript through tsx, then runs the module named in
// workerData.module (a path relative to this folder) and hands it workerData.args.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(new URL(workerData.module, import.meta.url).href);
await mod.run(workerData.args);
