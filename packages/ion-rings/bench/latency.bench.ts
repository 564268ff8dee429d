/**
 * Round-trip latency between the main thread and a worker: one 16-byte message out, the same
 * message echoed back, timed with performance.now() per round trip. Percentiles are exact over
 * all samples of the run.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { sized, table } from '@nexus/bench';
import { RingBuffer } from 'ringbuf.js';
import { createRingBuffer, FrameConsumer, FrameProducer, MAX_SPIN_US } from '../src/index.js';
import { machineNote } from './_machine.js';
import { spawn } from './workers/spawn.js';

const ROUNDS = sized(200_000, 200);
const PORT_ROUNDS = sized(20_000, 50);
const MESSAGE_BYTES = 16;

function percentiles(samples: Float64Array): [number, number, number, number] {
  const sorted = samples.slice().sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 1000;
  return [at(0.5), at(0.9), at(0.99), at(0.999)];
}

/**
 * Round trips through two ion rings. `spin` is the main thread's `spinCount`, `echoSpin` the
 * worker's (default: the same); undefined uses waitForData's adaptive default.
 */
async function ion(spin: number | undefined, echoSpin = spin): Promise<Float64Array> {
  const ping = createRingBuffer({ kind: 'spsc', capacityBytes: 4096 }) as SharedArrayBuffer;
  const pong = createRingBuffer({ kind: 'spsc', capacityBytes: 4096 }) as SharedArrayBuffer;
  const control = new SharedArrayBuffer(16);
  const worker = await spawn('ionEcho', { ping, pong, control, spin: echoSpin });
  const producer = new FrameProducer(ping);
  const consumer = new FrameConsumer(pong);
  const message = new Uint8Array(MESSAGE_BYTES);
  const samples = new Float64Array(ROUNDS);
  let got = 0;
  const onPong = () => {
    got++;
  };
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    producer.offer(message, 1);
    while (got === i) if (consumer.poll(onPong) === 0) consumer.waitForData(1000, spin);
    samples[i] = performance.now() - t0;
  }
  Atomics.store(new Int32Array(control), 1, 1);
  await worker.terminate();
  return samples;
}

async function ringbuf(): Promise<Float64Array> {
  const ping = RingBuffer.getStorageForCapacity(4096, Uint8Array);
  const pong = RingBuffer.getStorageForCapacity(4096, Uint8Array);
  const control = new SharedArrayBuffer(16);
  const worker = await spawn('ringbufEcho', { ping, pong, control, messageBytes: MESSAGE_BYTES });
  const out = new RingBuffer(ping, Uint8Array);
  const back = new RingBuffer(pong, Uint8Array);
  const message = new Uint8Array(MESSAGE_BYTES);
  const samples = new Float64Array(ROUNDS);
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    out.push(message, MESSAGE_BYTES);
    while (back.available_read() < MESSAGE_BYTES) {}
    back.pop(message, MESSAGE_BYTES);
    samples[i] = performance.now() - t0;
  }
  Atomics.store(new Int32Array(control), 1, 1);
  await worker.terminate();
  return samples;
}

async function port(channel: boolean): Promise<Float64Array> {
  let worker: Worker;
  let target: { postMessage(m: unknown): void; once(e: 'message', f: (m: unknown) => void): unknown };
  if (channel) {
    const { port1, port2 } = new MessageChannel();
    worker = await spawn('portEcho', { port: port2 }, [port2]);
    target = port1;
  } else {
    worker = await spawn('portEcho', {});
    target = worker;
  }
  const message = new Uint8Array(MESSAGE_BYTES);
  const samples = new Float64Array(PORT_ROUNDS);
  for (let i = 0; i < PORT_ROUNDS; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => {
      target.once('message', resolve);
      target.postMessage(message);
    });
    samples[i] = performance.now() - t0;
  }
  if (channel) (target as unknown as { close(): void }).close();
  await worker.terminate();
  return samples;
}

const rows: (string | number)[][] = [];
const add = (name: string, samples: Float64Array) => {
  const [p50, p90, p99, p999] = percentiles(samples);
  rows.push([name, samples.length, p50, p90, p99, p999]);
};
add('ion-rings, busy poll (waitForData spinCount 10^6, then sleep)', await ion(1_000_000));
add(`ion-rings, default wait (adaptive spin up to ${MAX_SPIN_US} µs, then sleep)`, await ion(undefined));
add('ion-rings, default wait on the main thread, echo busy-polls', await ion(undefined, 1_000_000));
add('ion-rings, sleep at once (Atomics.wait)', await ion(0));
add('ringbuf.js 0.4.0 (busy poll)', await ringbuf());
add('MessageChannel', await port(true));
add('postMessage (worker)', await port(false));
table(
  `Round trip latency, ${MESSAGE_BYTES} B message, main thread <-> worker (µs)`,
  ['implementation', 'round trips', 'p50 µs', 'p90 µs', 'p99 µs', 'p99.9 µs'],
  rows,
  `Each round trip: one message to the worker, echoed back, timed one by one with performance.now(). ${machineNote()}`,
);
