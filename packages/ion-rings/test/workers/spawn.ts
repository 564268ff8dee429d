import { Worker } from 'node:worker_threads';

/** A running worker with its first message as a promise. */
export interface Spawned {
  worker: Worker;
  result: Promise<Record<string, unknown>>;
}

/** Starts a real worker thread running one role of roles.ts. */
export function spawn(role: string, args: Record<string, unknown>): Spawned {
  const worker = new Worker(new URL('./boot.mjs', import.meta.url), {
    workerData: { module: './roles.ts', args: { role, ...args } },
  });
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once('message', (message: Record<string, unknown>) => {
      if (message.ok) resolve(message);
      else reject(new Error(`worker ${role}: ${String(message.error)}`));
    });
    worker.once('error', reject);
  });
  return { worker, result };
}
