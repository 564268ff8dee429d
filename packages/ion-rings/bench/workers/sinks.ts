/**
 * The consuming and echoing sides of the benchmarks, one role per peer, each in a real
 * worker_thread. Control words (Int32Array over a SharedArrayBuffer): [0] frames received,
 * [1] stop flag, [2] gc count of this worker, [3] settle request (the gc bench sets 1; an idle
 * ion sink collects its heap, lets its gc observer report, and answers 2).
 *
 * Turns: bench/throughput.bench.ts starts every contender's sink before timing any, then times
 * them one after another. A sink given `turn` and `id` sleeps on the turn word whenever it is
 * idle and another contender holds the turn. Before, the busy-polling sinks (ringbuf.js, byte
 * ring) spun all through the other contenders' runs: the message ring, timed first, shared the
 * 2 cores with two spinning idle sinks, ringbuf.js with one, and the machine showed a load
 * average of about 2 with nothing else running.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { type MessagePort, parentPort } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { ByteReader, FrameConsumer, FrameProducer } from '../../src/index.js';

const RECEIVED = 0;
const STOP = 1;
const GCS = 2;
const SETTLE = 3;

/** The turn word and this sink's id, when the bench takes turns. */
interface Turn {
  turn?: SharedArrayBuffer;
  id?: number;
}

/** Returns a check that sleeps (up to 100 ms) while another contender holds the turn. */
function turnTaker(args: Turn): () => void {
  if (args.turn === undefined || args.id === undefined) return () => {};
  const word = new Int32Array(args.turn);
  const id = args.id;
  return () => {
    const holder = Atomics.load(word, 0);
    if (holder !== id) Atomics.wait(word, 0, holder, 100);
  };
}

function countGc(control: Int32Array): void {
  new PerformanceObserver((list) => {
    Atomics.add(control, GCS, list.getEntries().length);
  }).observe({ entryTypes: ['gc'] });
}

/** Ring consumer: polls in place, spins briefly, then sleeps on the ring's futex word. */
function ionSink(args: { ring: SharedArrayBuffer; control: SharedArrayBuffer; spin?: number } & Turn): void {
  const control = new Int32Array(args.control);
  const awaitTurn = turnTaker(args);
  countGc(control);
  const consumer = new FrameConsumer(args.ring);
  let sum = 0;
  const touch = (_type: number, bytes: Uint8Array, offset: number) => {
    sum += bytes[offset];
  };
  // The count is published when the consumer catches up (or every 4096 frames), so the
  // bench's bookkeeping adds no atomic operation per frame.
  let unpublished = 0;
  const loop = () => {
    for (let i = 0; i < 100_000; i++) {
      const n = consumer.poll(touch);
      if (n > 0) {
        unpublished += n;
        if (unpublished < 4096) continue;
      }
      if (unpublished > 0) {
        Atomics.add(control, RECEIVED, unpublished);
        unpublished = 0;
        continue;
      }
      if (Atomics.load(control, STOP) !== 0) return;
      if (Atomics.load(control, SETTLE) === 1) {
        // Collect the start-up garbage before counting, as the main thread does, and let the
        // observer report that collection before answering.
        (globalThis as { gc?: () => void }).gc?.();
        setTimeout(() => {
          Atomics.store(control, SETTLE, 2);
          loop();
        }, 50);
        return;
      }
      awaitTurn();
      consumer.waitForData(20, args.spin);
    }
    setImmediate(loop); // let the gc observer's callbacks run
  };
  loop();
  void sum;
}

/** ringbuf.js consumer: pops messages of a fixed size (it has no framing), spinning when empty. */
function ringbufSink(
  args: {
    ring: SharedArrayBuffer;
    control: SharedArrayBuffer;
    messageBytes: number;
  } & Turn,
): void {
  const control = new Int32Array(args.control);
  const awaitTurn = turnTaker(args);
  const rb = new RingBuffer(args.ring, Uint8Array);
  const scratch = new Uint8Array(Math.max(args.messageBytes, 65_536));
  const batch = Math.max(1, Math.floor(scratch.length / args.messageBytes)) * args.messageBytes;
  let pending = 0;
  const loop = () => {
    for (let i = 0; i < 100_000; i++) {
      const n = rb.pop(scratch, batch);
      if (n > 0) {
        pending += n;
        const messages = Math.floor(pending / args.messageBytes);
        pending -= messages * args.messageBytes;
        if (messages > 0) Atomics.add(control, RECEIVED, messages);
      } else if (Atomics.load(control, STOP) !== 0) return;
      else awaitTurn();
    }
    setImmediate(loop);
  };
  loop();
}

/** Byte ring reader: the ringbuf.js consumer's loop over ion-rings' byte ring. */
function byteSink(
  args: { ring: SharedArrayBuffer; control: SharedArrayBuffer; messageBytes: number } & Turn,
): void {
  const control = new Int32Array(args.control);
  const awaitTurn = turnTaker(args);
  const reader = new ByteReader(args.ring);
  const scratch = new Uint8Array(Math.max(args.messageBytes, 65_536));
  const into = scratch.subarray(
    0,
    Math.max(1, Math.floor(scratch.length / args.messageBytes)) * args.messageBytes,
  );
  let pending = 0;
  const loop = () => {
    for (let i = 0; i < 100_000; i++) {
      const n = reader.read(into);
      if (n > 0) {
        pending += n;
        const messages = Math.floor(pending / args.messageBytes);
        pending -= messages * args.messageBytes;
        if (messages > 0) Atomics.add(control, RECEIVED, messages);
      } else if (Atomics.load(control, STOP) !== 0) return;
      else awaitTurn();
    }
    setImmediate(loop);
  };
  loop();
}

/** MessagePort / parentPort consumer: counts messages, answers `count` when asked. */
function portSink(args: { port?: MessagePort; control: SharedArrayBuffer }): void {
  const control = new Int32Array(args.control);
  countGc(control);
  const port = args.port ?? parentPort!;
  port.on('message', (m: unknown) => {
    if (m === 'stop') {
      port.close();
      return;
    }
    Atomics.add(control, RECEIVED, 1);
  });
}

/** Echo over two ion rings (busy or sleeping), for round-trip latency. */
function ionEcho(args: {
  ping: SharedArrayBuffer;
  pong: SharedArrayBuffer;
  control: SharedArrayBuffer;
  spin?: number;
}): void {
  const control = new Int32Array(args.control);
  const input = new FrameConsumer(args.ping);
  const output = new FrameProducer(args.pong);
  const echo = (type: number, bytes: Uint8Array, offset: number, length: number) => {
    const claim = output.tryClaim(length, type)!;
    for (let i = 0; i < length; i++) claim.bytes[claim.offset + i] = bytes[offset + i];
    claim.commit();
  };
  while (Atomics.load(control, STOP) === 0) {
    if (input.poll(echo) === 0) input.waitForData(20, args.spin);
  }
}

/** Echo over two ringbuf.js rings, spinning. */
function ringbufEcho(args: {
  ping: SharedArrayBuffer;
  pong: SharedArrayBuffer;
  control: SharedArrayBuffer;
  messageBytes: number;
}): void {
  const control = new Int32Array(args.control);
  const input = new RingBuffer(args.ping, Uint8Array);
  const output = new RingBuffer(args.pong, Uint8Array);
  const scratch = new Uint8Array(args.messageBytes);
  while (Atomics.load(control, STOP) === 0) {
    if (input.available_read() >= args.messageBytes) {
      input.pop(scratch, args.messageBytes);
      output.push(scratch, args.messageBytes);
    }
  }
}

/** Echo over a MessagePort (or the worker's parentPort). */
function portEcho(args: { port?: MessagePort }): void {
  const port = args.port ?? parentPort!;
  port.on('message', (m: unknown) => {
    if (m === 'stop') port.close();
    else port.postMessage(m);
  });
}

const roles = { ionSink, byteSink, ringbufSink, portSink, ionEcho, ringbufEcho, portEcho } as Record<
  string,
  (args: never) => void
>;

/** Entry called by boot.mjs. */
export function run(args: { role: string } & Record<string, unknown>): void {
  roles[args.role](args as never);
}
