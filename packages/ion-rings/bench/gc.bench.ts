/**
 * Garbage collections while 10^7 messages cross from the main thread to a worker through a ring,
 * counted by PerformanceObserver('gc') in both threads, against postMessage for 10^6 messages
 * (structured clone allocates per message).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { sized, table } from '@nexus/bench';
import { createRingBuffer, FrameProducer } from '../src/index.js';
import { machineNote } from './_machine.js';
import { spawn } from './workers/spawn.js';

const RING_MESSAGES = sized(10_000_000, 10_000);
const PORT_MESSAGES = sized(1_000_000, 1_000);

let gcs = 0;
new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 50));
}

type RingPath = 'unbatched' | 'offerBatch' | 'offerRecords';

async function ring(path: RingPath): Promise<(string | number)[]> {
  const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 20 }) as SharedArrayBuffer;
  const control = new SharedArrayBuffer(16);
  const words = new Int32Array(control);
  const worker = await spawn('ionSink', { ring: sab, control }); // default spin, then park
  const producer = new FrameProducer(sab);
  const message = new Uint8Array(16).fill(1);
  const batch = new Array<Uint8Array>(64).fill(message);
  const block = new Uint8Array(16 * 64).fill(1);
  // Warm up (JIT, inline caches) before counting.
  for (let i = 0; i < 100_000; i++) while (!producer.offer(message, 1)) producer.waitForSpace(16, 1000);
  while (Atomics.load(words, 0) < 100_000) {}
  // Both threads start counting from a collected heap: the worker collects when idle.
  Atomics.store(words, 3, 1);
  while (Atomics.load(words, 3) !== 2) await new Promise((r) => setTimeout(r, 5));
  await settle();
  const mainBefore = gcs;
  const workerBefore = Atomics.load(words, 2);
  const t0 = performance.now();
  if (path === 'offerRecords') {
    for (let sent = 0; sent < RING_MESSAGES; ) {
      const n = Math.min(64, RING_MESSAGES - sent);
      if (producer.offerRecords(block, 16, n, 1)) sent += n;
      else producer.waitForSpace(n * 24, 1000);
    }
  } else if (path === 'offerBatch') {
    for (let sent = 0; sent < RING_MESSAGES; ) {
      const n = producer.offerBatch(batch, 1, 0, Math.min(64, RING_MESSAGES - sent));
      if (n === 0) producer.waitForSpace(16, 1000);
      sent += n;
    }
  } else {
    for (let i = 0; i < RING_MESSAGES; i++)
      while (!producer.offer(message, 1)) producer.waitForSpace(16, 1000);
  }
  while (Atomics.load(words, 0) < 100_000 + RING_MESSAGES) {}
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 100)); // let both observers deliver
  const row = [
    `ion-rings, ${path === 'unbatched' ? 'unbatched (offer)' : `batched (${path})`}`,
    RING_MESSAGES,
    gcs - mainBefore,
    Atomics.load(words, 2) - workerBefore,
    Math.round(RING_MESSAGES / seconds),
  ];
  Atomics.store(words, 1, 1);
  await worker.terminate();
  return row;
}

async function post(): Promise<(string | number)[]> {
  const control = new SharedArrayBuffer(16);
  const words = new Int32Array(control);
  const worker = await spawn('portSink', { control });
  const message = new Uint8Array(16).fill(1);
  await settle();
  const mainBefore = gcs;
  const workerBefore = Atomics.load(words, 2);
  const t0 = performance.now();
  for (let i = 0; i < PORT_MESSAGES; i++) {
    worker.postMessage(message);
    if ((i & 4095) === 4095)
      while (Atomics.load(words, 0) < i - 65_536) await new Promise((r) => setImmediate(r));
  }
  while (Atomics.load(words, 0) < PORT_MESSAGES) await new Promise((r) => setImmediate(r));
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 100));
  const row = [
    'postMessage (worker)',
    PORT_MESSAGES,
    gcs - mainBefore,
    Atomics.load(words, 2) - workerBefore,
    Math.round(PORT_MESSAGES / seconds),
  ];
  await worker.terminate();
  return row;
}

table(
  'Garbage collections during steady-state messaging (16 B messages)',
  ['path', 'messages', 'GCs main thread', 'GCs worker', 'msgs/s'],
  [await ring('unbatched'), await ring('offerBatch'), await ring('offerRecords'), await post()],
  `Counted with PerformanceObserver({ entryTypes: ["gc"] }) in each thread after a warm-up and a forced GC in each thread. ${machineNote()}`,
);
