/**
 * Two contenders, one row, per-operation times: ion-rings' message ring against ringbuf.js on
 * one row of bench/throughput.bench.ts (16 B batched or unbatched, 256 B unbatched, 4 KiB frames;
 * same workers, same loops), printing the median, the 10th percentile and the best operation, the
 * consumer wakeups the producer sent and the producer's own sleeps (ring full) per operation. On a shared machine the median follows the load (an operation
 * that loses a core waits for the scheduler's next tick); the 10th percentile and the best show
 * what the ring does while it has both cores.
 *
 *   node --conditions=nexus-src --import tsx packages/ion-rings/scripts/pair.ts 16b-batched
 *   node --conditions=nexus-src --import tsx packages/ion-rings/scripts/pair.ts 16b
 *   node --conditions=nexus-src --import tsx packages/ion-rings/scripts/pair.ts 256b
 *   node --conditions=nexus-src --import tsx packages/ion-rings/scripts/pair.ts 4k
 *
 * `SPIN=n` gives the message ring's reader a fixed spin of n re-checks instead of the adaptive
 * window; `taskset -c 0` in front puts both threads on one core (the regime DESIGN.md's
 * "Lazy sleep" measures).
 */
import { loadavg } from 'node:os';
import { RingBuffer } from 'ringbuf.js';
import { spawn } from '../bench/workers/spawn.js';
import { createRingBuffer, FrameProducer } from '../src/index.js';

const BATCH = 64;
const row = process.argv[2] ?? '16b-batched';
const sizes: Record<string, number> = { '16b-batched': 16, '16b': 16, '256b': 256, '4k': 4096 };
if (!(row in sizes)) throw new Error(`row: ${Object.keys(sizes).join(', ')}; got ${row}`);
const messageBytes = sizes[row];
const frames = messageBytes >= 4096;
const batched = row === '16b-batched';
const burst = frames ? (64 << 20) / messageBytes / 8 : 200_000;
const ringBytes = Math.max(1 << 20, 2 ** Math.ceil(Math.log2((messageBytes + 8) * 128)));

function time(name: string, run: () => void): void {
  for (let i = 0; i < 20; i++) run();
  const times: number[] = [];
  const end = performance.now() + 2000;
  while (performance.now() < end) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const rate = (ms: number) =>
    !frames
      ? `${(burst / ms / 1000).toFixed(1)}M msgs/s`
      : `${((burst * messageBytes) / ms / 1000).toFixed(0)} MB/s`;
  console.log(
    `${name}: median ${rate(times[times.length >> 1])}, p10 ${rate(times[Math.floor(times.length / 10)])}, best ${rate(times[0])} (${times.length} operations)`,
  );
}

async function ion(): Promise<void> {
  const ring = createRingBuffer({ kind: 'spsc', capacityBytes: ringBytes }) as SharedArrayBuffer;
  const control = new SharedArrayBuffer(16);
  const received = new Int32Array(control);
  const worker = await spawn('ionSink', {
    ring,
    control,
    spin: process.env.SPIN ? Number(process.env.SPIN) : undefined,
  });
  const producer = new FrameProducer(ring);
  const message = new Uint8Array(messageBytes).fill(7);
  const block = new Uint8Array(messageBytes * BATCH).fill(7);
  let target = 0;
  let operations = 0;
  time('ion-rings message ring', () => {
    target += burst;
    operations++;
    if (batched) {
      for (let sent = 0; sent < burst; ) {
        const n = Math.min(BATCH, burst - sent);
        if (producer.offerRecords(block, messageBytes, n, 1)) sent += n;
        else producer.waitForSpace(n * (messageBytes + 8), 1000);
      }
    } else {
      for (let i = 0; i < burst; i++) {
        while (!producer.offer(message, 1)) producer.waitForSpace(messageBytes, 1000);
      }
    }
    while (Atomics.load(received, 0) < target) {}
  });
  console.log(
    `  per operation: consumer wakeups ${(producer.stats.wakes / operations).toFixed(1)}, producer sleeps (ring full) ${(producer.stats.sleeps / operations).toFixed(1)}`,
  );
  Atomics.store(received, 1, 1);
  await worker.terminate();
}

async function ringbuf(): Promise<void> {
  const ring = RingBuffer.getStorageForCapacity(ringBytes, Uint8Array);
  const control = new SharedArrayBuffer(16);
  const received = new Int32Array(control);
  const worker = await spawn('ringbufSink', { ring, control, messageBytes });
  const rb = new RingBuffer(ring, Uint8Array);
  const message = new Uint8Array(messageBytes).fill(7);
  const block = new Uint8Array(messageBytes * BATCH).fill(7);
  let target = 0;
  time('ringbuf.js 0.4.0', () => {
    target += burst;
    if (batched) {
      for (let sent = 0; sent < burst; ) {
        const n = Math.min(BATCH, burst - sent);
        if (rb.available_write() >= n * messageBytes) {
          rb.push(block, n * messageBytes);
          sent += n;
        }
      }
    } else {
      for (let i = 0; i < burst; ) {
        if (rb.available_write() >= messageBytes) {
          rb.push(message, messageBytes);
          i++;
        }
      }
    }
    while (Atomics.load(received, 0) < target) {}
  });
  Atomics.store(received, 1, 1);
  await worker.terminate();
}

console.log(`${row}: load average ${loadavg()[0].toFixed(1)} on this machine`);
await ion();
await ringbuf();
console.log(`load average after: ${loadavg()[0].toFixed(1)}`);
