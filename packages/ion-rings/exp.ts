import { Worker } from 'node:worker_threads';
import { createRingBuffer, FrameProducer } from './src/index.ts';

const mode = process.argv[2] ?? 'ion';
const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 20 }) as SharedArrayBuffer;
const control = new SharedArrayBuffer(16);
const c = new Int32Array(control);
const w = new Worker(new URL('./bench/workers/boot.mjs', import.meta.url), {
  workerData: {
    module: './sinks.ts',
    args: { role: 'ionSink', ring: sab, control, spin: Number(process.argv[3] ?? 2000) },
  },
});
await new Promise((r) => setTimeout(r, 600));
const p = new FrameProducer(sab);
const msg = new Uint8Array(16).fill(7);
let target = 0;
for (let round = 0; round < 5; round++) {
  const t0 = performance.now();
  const N = 1_000_000;
  for (let i = 0; i < N; i++) while (!p.offer(msg, 1)) {}
  target += N;
  while (Atomics.load(c, 0) < target) {}
  const t1 = performance.now();
  console.log(mode, (N / (t1 - t0) / 1e3).toFixed(2), 'M/s');
}
Atomics.store(c, 1, 1);
await w.terminate();
