/**
 * Node-only parts of `@nexus/scheduler`: worker_threads adapters for worker-backed fibers.
 */
import { availableParallelism } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
import { calibrate, type UnitMeasurement } from '../cores.js';
import type { FiberPort, WorkerHandle, WorkerMessage } from '../worker.js';

/**
 * A {@link WorkerHandle} factory for Node's worker_threads.
 *
 * @example
 * ```ts
 * import { nodeWorker } from '@nexus/scheduler/node';
 * import { RealClock, WorkerFiber } from '@nexus/scheduler';
 * const fiber = new WorkerFiber({ name: 'parser', spawn: nodeWorker(new URL('./fiber-worker.js', import.meta.url)), clock: new RealClock() });
 * ```
 */
export function nodeWorker(
  url: URL | string,
  options: { execArgv?: string[]; workerData?: unknown } = {},
): () => WorkerHandle {
  return () => {
    const w = new Worker(url, { execArgv: options.execArgv, workerData: options.workerData });
    return {
      post: (m) => w.postMessage(m),
      onMessage: (listener) => {
        w.on('message', (m: WorkerMessage) => listener(m));
        // A worker that fails to load or throws at top level is a crash, not an unhandled error.
        w.on('error', (e: Error) => listener({ type: 'error', message: `${e.name}: ${e.message}` }));
      },
      terminate: () => void w.terminate(),
    };
  };
}

/**
 * The worker-side port inside a worker_threads worker.
 *
 * @example
 * ```ts
 * import { serveFiber } from '@nexus/scheduler';
 * import { parentFiberPort } from '@nexus/scheduler/node';
 * serveFiber(parentFiberPort(), function* () { for (;;) yield; });
 * ```
 */
export function parentFiberPort(): FiberPort {
  const port = parentPort;
  if (!port) throw new TypeError('parentFiberPort: not inside a worker_threads worker');
  return {
    post: (m) => port.postMessage(m),
    onMessage: (listener) => port.on('message', (m: WorkerMessage) => listener(m)),
  };
}

/** Largest number of threads {@link calibrateThreads} starts. */
export const MAX_CALIBRATION_THREADS = 256;

/**
 * Calibrates `count` worker threads with the short {@link calibrate} benchmark: each thread alone
 * (its single-thread score), then all together (its share of the throughput, which shows shared
 * cores and SMT siblings). Feed the result to a `UnitClassifier`, again whenever throttling is
 * suspected.
 *
 * @example
 * ```ts
 * import { calibrateThreads } from '@nexus/scheduler/node';
 * import { UnitClassifier } from '@nexus/scheduler';
 * const units = await calibrateThreads(4, 20);
 * new UnitClassifier().update(units, performance.now()).photon; // e.g. 'thread0'
 * ```
 */
export async function calibrateThreads(
  count = availableParallelism(),
  durationMs = 20,
): Promise<UnitMeasurement[]> {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_CALIBRATION_THREADS)
    throw new RangeError(`count: an integer in 1..${MAX_CALIBRATION_THREADS} is required`);
  if (!(durationMs > 0) || durationMs > 10_000) throw new RangeError('durationMs: in (0, 10000]');
  const solo: number[] = [];
  for (let i = 0; i < count; i++) solo.push(await calibrateInWorker(durationMs));
  const together = await Promise.all(Array.from({ length: count }, () => calibrateInWorker(durationMs)));
  return together.map((t, i) => ({ id: `thread${i}`, singleThreadScore: solo[i], throughputScore: t }));
}

function calibrateInWorker(durationMs: number): Promise<number> {
  // The benchmark is shipped as source so no separate worker file has to be resolved.
  const source = `const { parentPort, workerData } = require('node:worker_threads');\nconst calibrate = ${calibrate.toString()};\nparentPort.postMessage(calibrate(workerData));`;
  const w = new Worker(source, { eval: true, workerData: durationMs });
  return new Promise((resolve, reject) => {
    w.once('message', (score: number) => {
      resolve(score);
      void w.terminate();
    });
    w.once('error', reject);
  });
}
