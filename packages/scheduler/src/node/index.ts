/**
 * Node-only parts of `@nexus/scheduler`: worker_threads adapters for worker-backed fibers.
 */
import { parentPort, Worker } from 'node:worker_threads';
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
