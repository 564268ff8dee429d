/**
 * Round-trip latency between the main thread and a worker: one 16-byte message out, the same
 * message echoed back, timed with performance.now() per round trip. Percentiles are exact over
 * all samples of the run.
 *
 * The contenders take turns: {@link TURNS} turns each, in an order that rotates from turn to
 * turn, each turn with a fresh echo worker. Timed one after another, a contender could land in
 * a different state of this shared machine than the next one (the host moves the two virtual
 * CPUs between physical cores, and the cost of moving a cache line between them changes with
 * that): in one run ion-rings' busy poll measured 0.87 µs and ringbuf.js, timed a second later,
 * 0.35 µs, where the runs before and after gave 0.28 against 0.35 and 0.85 against 1.44.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { sized, table } from '@nexus/bench';
import { RingBuffer } from 'ringbuf.js';
import { createRingBuffer, FrameConsumer, FrameProducer, MAX_SPIN_US } from '../src/index.js';
import { machineNote } from './_machine.js';
import { spawn } from './workers/spawn.js';

const ROUNDS = sized(200_000, 200);
const PORT_ROUNDS = sized(20_000, 50);
/** Turns per contender; each turn times ROUNDS / TURNS round trips (ports: PORT_ROUNDS / TURNS). */
const TURNS = sized(5, 1);
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
async function ion(rounds: number, spin: number | undefined, echoSpin = spin): Promise<Float64Array> {
  const ping = createRingBuffer({ kind: 'spsc', capacityBytes: 4096 }) as SharedArrayBuffer;
  const pong = createRingBuffer({ kind: 'spsc', capacityBytes: 4096 }) as SharedArrayBuffer;
  const control = new SharedArrayBuffer(16);
  const worker = await spawn('ionEcho', { ping, pong, control, spin: echoSpin });
  const producer = new FrameProducer(ping);
  const consumer = new FrameConsumer(pong);
  const message = new Uint8Array(MESSAGE_BYTES);
  const samples = new Float64Array(rounds);
  let got = 0;
  const onPong = () => {
    got++;
  };
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    producer.offer(message, 1);
    while (got === i) if (consumer.poll(onPong) === 0) consumer.waitForData(1000, spin);
    samples[i] = performance.now() - t0;
  }
  Atomics.store(new Int32Array(control), 1, 1);
  await worker.terminate();
  return samples;
}

async function ringbuf(rounds: number): Promise<Float64Array> {
  const ping = RingBuffer.getStorageForCapacity(4096, Uint8Array);
  const pong = RingBuffer.getStorageForCapacity(4096, Uint8Array);
  const control = new SharedArrayBuffer(16);
  const worker = await spawn('ringbufEcho', { ping, pong, control, messageBytes: MESSAGE_BYTES });
  const out = new RingBuffer(ping, Uint8Array);
  const back = new RingBuffer(pong, Uint8Array);
  const message = new Uint8Array(MESSAGE_BYTES);
  const samples = new Float64Array(rounds);
  for (let i = 0; i < rounds; i++) {
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

async function port(rounds: number, channel: boolean): Promise<Float64Array> {
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
  const samples = new Float64Array(rounds);
  for (let i = 0; i < rounds; i++) {
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

const contenders: [string, (rounds: number) => Promise<Float64Array>, number][] = [
  ['ion-rings, busy poll (waitForData spinCount 10^6, then sleep)', (n) => ion(n, 1_000_000), ROUNDS],
  [
    `ion-rings, default wait (adaptive spin up to ${MAX_SPIN_US} µs, then sleep)`,
    (n) => ion(n, undefined),
    ROUNDS,
  ],
  [
    'ion-rings, default wait on the main thread, echo busy-polls',
    (n) => ion(n, undefined, 1_000_000),
    ROUNDS,
  ],
  ['ion-rings, sleep at once (Atomics.wait)', (n) => ion(n, 0), ROUNDS],
  ['ringbuf.js 0.4.0 (busy poll)', (n) => ringbuf(n), ROUNDS],
  ['MessageChannel', (n) => port(n, true), PORT_ROUNDS],
  ['postMessage (worker)', (n) => port(n, false), PORT_ROUNDS],
];
const turns: Float64Array[][] = contenders.map(() => []);
for (let turn = 0; turn < TURNS; turn++) {
  for (let k = 0; k < contenders.length; k++) {
    const c = (k + turn) % contenders.length;
    const [, run, total] = contenders[c];
    turns[c].push(await run(Math.ceil(total / TURNS)));
  }
}
const rows: (string | number)[][] = contenders.map(([name], c) => {
  const all = new Float64Array(turns[c].reduce((n, t) => n + t.length, 0));
  let at = 0;
  for (const t of turns[c]) {
    all.set(t, at);
    at += t.length;
  }
  const [p50, p90, p99, p999] = percentiles(all);
  return [name, all.length, p50, p90, p99, p999];
});
table(
  `Round trip latency, ${MESSAGE_BYTES} B message, main thread <-> worker (µs)`,
  ['implementation', 'round trips', 'p50 µs', 'p90 µs', 'p99 µs', 'p99.9 µs'],
  rows,
  `Each round trip: one message to the worker, echoed back, timed one by one with performance.now(). The contenders take ${TURNS} turns each, in an order that rotates, each turn with a fresh echo worker. ${machineNote()}`,
);
