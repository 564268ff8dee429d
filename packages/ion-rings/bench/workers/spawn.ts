import { type TransferListItem, Worker } from 'node:worker_threads';

/** Starts a real worker thread running one role of sinks.ts; resolves once it is online. */
export async function spawn(
  role: string,
  args: Record<string, unknown>,
  transfer: TransferListItem[] = [],
): Promise<Worker> {
  const worker = new Worker(new URL('./boot.mjs', import.meta.url), {
    workerData: { module: './sinks.ts', args: { role, ...args } },
    transferList: transfer,
  });
  await new Promise((resolve) => worker.once('online', resolve));
  // The module loads through tsx after 'online': give it time to reach its loop.
  await new Promise((resolve) => setTimeout(resolve, 400));
  return worker;
}
