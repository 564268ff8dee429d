/**
 * The ion-rings tour: two workers exchange a few million frames through a shared-memory ring,
 * then the same frames through postMessage (a MessageChannel between the same two workers), and
 * the rates are printed side by side.
 *
 * Run: npm start (from the repository root), or
 *   node --conditions=nexus-src --import tsx packages/ion-rings/examples/tour.ts
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { createRingBuffer, HEADER_BYTES } from '../src/index.js';

const FRAMES = 4_000_000;
const POST_FRAMES = 400_000;
const PAYLOAD_BYTES = 32;

/** Starts two workers, waits until both are loaded, releases them together, returns their reports. */
async function race(
  jobs: Record<string, unknown>[],
  transfer: MessagePort[][] = [[], []],
): Promise<Record<string, number>[]> {
  const go = new SharedArrayBuffer(4);
  const workers = jobs.map(
    (job, i) =>
      new Worker(new URL('./tour-boot.mjs', import.meta.url), {
        workerData: { ...job, go },
        transferList: transfer[i] as never,
      }),
  );
  const reports = workers.map(
    (worker) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        worker.on('message', (m) => {
          if (m !== 'ready') resolve(m);
        });
        worker.once('error', reject);
      }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  Atomics.store(new Int32Array(go), 0, 1);
  Atomics.notify(new Int32Array(go), 0);
  const results = await Promise.all(reports);
  for (const w of workers) await w.terminate();
  return results;
}

const ring = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 20, initialPosition: 0xffff_0000 });
console.log(
  `ion-rings tour: an SPSC frame ring of ${1 << 20} bytes (+${HEADER_BYTES}-byte header) in a SharedArrayBuffer`,
);
console.log(`counters start at 0x${(0xffff_0000).toString(16)}, so the run crosses the 32-bit wrap`);
console.log(
  `\nworker A -> ring -> worker B: ${FRAMES.toLocaleString('en')} frames of ${PAYLOAD_BYTES} bytes, batched by 64...`,
);
const [produced, consumed] = await race([
  { role: 'producer', ring, frames: FRAMES, payloadBytes: PAYLOAD_BYTES },
  { role: 'consumer', ring, frames: FRAMES, payloadBytes: PAYLOAD_BYTES },
]);
const ringRate = consumed.received / (consumed.ms / 1000);
console.log(
  `  received ${consumed.received.toLocaleString('en')} frames, ${consumed.bad} corrupt, in ${consumed.ms.toFixed(0)} ms`,
);
console.log(`  sleeps: producer ${produced.sleeps} (ring full), consumer ${consumed.sleeps} (ring empty)`);

console.log(
  `\nworker A -> MessageChannel -> worker B: ${POST_FRAMES.toLocaleString('en')} messages of ${PAYLOAD_BYTES} bytes...`,
);
const { port1, port2 } = new MessageChannel();
const [, got] = await race(
  [
    { role: 'post-producer', port: port1, frames: POST_FRAMES, payloadBytes: PAYLOAD_BYTES },
    { role: 'post-consumer', port: port2, frames: POST_FRAMES, payloadBytes: PAYLOAD_BYTES },
  ],
  [[port1], [port2]],
);
const postRate = got.received / (got.ms / 1000);
console.log(
  `  received ${got.received.toLocaleString('en')} messages, ${got.bad} wrong size, in ${got.ms.toFixed(0)} ms`,
);

const fmt = (rate: number) => `${(rate / 1e6).toFixed(2)}M frames/s`;
console.log('\n| path (worker -> worker)      | rate              | vs postMessage |');
console.log('| ---------------------------- | ----------------- | -------------- |');
console.log(
  `| ion-rings SPSC ring, batched | ${fmt(ringRate).padEnd(17)} | ${(ringRate / postRate).toFixed(1).padStart(13)}x |`,
);
console.log(`| postMessage (MessageChannel) | ${fmt(postRate).padEnd(17)} | ${'1.0'.padStart(13)}x |`);
