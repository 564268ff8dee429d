/**
 * Worker roles for the cross-thread tests. Each role runs in a real worker_thread (through
 * boot.mjs) and reports to the parent with postMessage: `{ ok: true, ... }` or `{ ok: false, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { FrameConsumer, FrameProducer } from '../../src/index.js';

/** Deterministic payload byte `i` of frame `seq` from producer `id`. */
export function patternByte(id: number, seq: number, i: number): number {
  return (id * 131 + seq * 7 + i * 13) & 0xff;
}

/** Payload length of frame `seq` from producer `id`: 8 to 71 bytes, from a cheap hash. */
export function frameLength(id: number, seq: number): number {
  let x = Math.imul(seq ^ (id << 24), 0x9e3779b1);
  x ^= x >>> 15;
  return 8 + (x & 63);
}

export interface StressArgs {
  sab: SharedArrayBuffer;
  id: number;
  frames: number;
}

/** Writes `frames` frames `[id u32][seq u32][pattern]`, type 1, then one type-2 end frame. */
function stressProducer(args: StressArgs): void {
  const producer = new FrameProducer(args.sab);
  const { id, frames } = args;
  for (let seq = 0; seq < frames; seq++) {
    const length = frameLength(id, seq);
    let claim = producer.tryClaim(length, 1);
    while (claim === null) {
      producer.waitForSpace(length, 10_000);
      claim = producer.tryClaim(length, 1);
    }
    const bytes = claim.bytes;
    const offset = claim.offset;
    bytes[offset] = id;
    bytes[offset + 1] = 0;
    bytes[offset + 2] = 0;
    bytes[offset + 3] = 0;
    bytes[offset + 4] = seq & 0xff;
    bytes[offset + 5] = (seq >>> 8) & 0xff;
    bytes[offset + 6] = (seq >>> 16) & 0xff;
    bytes[offset + 7] = seq >>> 24;
    for (let i = 8; i < length; i++) bytes[offset + i] = patternByte(id, seq, i);
    claim.commit();
  }
  const end = new Uint8Array(4);
  end[0] = id;
  producer.put(end, 2, 10_000);
  parentPort!.postMessage({ ok: true, sleeps: producer.stats.sleeps });
}

export interface SleeperArgs {
  /** Ring this side reads (it sleeps on it whenever it is empty). */
  input: SharedArrayBuffer;
  /** Ring this side writes (its publication wakes the peer). */
  output: SharedArrayBuffer;
  /** `[0]`: woken cycles of all pairs so far; `[1]`: set to 1 to stop every pair. */
  control: SharedArrayBuffer;
  /** The side that starts each round and decides when to stop. */
  initiator: boolean;
  /** Stop once `control[0]` reaches this many woken cycles. */
  targetCycles: number;
  /** Stop (and report) after this long even if the target is not reached. */
  deadlineMs: number;
}

/**
 * One side of a sleep/notify pair: publish one 8-byte frame, then sleep (`Atomics.wait`, no spin)
 * until the peer's frame arrives; the echo side mirrors it. Every round goes through the ring's
 * lost-wakeup path on both sides (publish, SC load of the sleeper word, notify; announce, re-check,
 * wait). Counts the sleeps that ended with `'ok'` (woken by the peer's notify) and checks that
 * every frame carries the next round number.
 */
function sleeper(args: SleeperArgs): void {
  const consumer = new FrameConsumer(args.input);
  const producer = new FrameProducer(args.output);
  const control = new Int32Array(args.control);
  const message = new Uint8Array(8);
  const deadline = performance.now() + args.deadlineMs;
  let expected = 0;
  let stop = false;
  let reported = 0;
  const onFrame = (type: number, bytes: Uint8Array, offset: number): void => {
    if (type === 2) {
      stop = true;
      return;
    }
    const round =
      (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>>
      0;
    if (type !== 1 || round !== expected)
      throw new Error(`frame ${round} (type ${type}), expected ${expected}`);
    expected++;
  };
  const send = (round: number, type: number): void => {
    message[0] = round;
    message[1] = round >>> 8;
    message[2] = round >>> 16;
    message[3] = round >>> 24;
    if (!producer.offer(message, type)) throw new Error('ring full');
  };
  const receive = (): void => {
    while (consumer.poll(onFrame) === 0) {
      if (!consumer.waitForData(10_000, 0)) throw new Error(`no frame within 10 s after ${expected}`);
    }
  };
  for (let round = 0; !stop; round++) {
    if (args.initiator) {
      if ((round & 1023) === 0) {
        Atomics.add(control, 0, consumer.stats.woken - reported);
        reported = consumer.stats.woken;
        if (Atomics.load(control, 0) >= args.targetCycles || Atomics.load(control, 1) !== 0) stop = true;
        else if (performance.now() > deadline) stop = true;
        if (stop) {
          Atomics.store(control, 1, 1);
          send(round, 2);
          break;
        }
      }
      send(round, 1);
      receive();
    } else {
      receive();
      if (stop) break;
      if ((round & 1023) === 0) {
        Atomics.add(control, 0, consumer.stats.woken - reported);
        reported = consumer.stats.woken;
      }
      send(round, 1);
    }
  }
  Atomics.add(control, 0, consumer.stats.woken - reported);
  parentPort!.postMessage({
    ok: true,
    rounds: expected,
    sleeps: consumer.stats.sleeps,
    woken: consumer.stats.woken,
    wakes: producer.stats.wakes,
  });
}

export interface ScribbleArgs {
  sab: SharedArrayBuffer;
  seed: number;
  writes: number;
}

/** A hostile writer: random bytes at random places of the whole buffer, header included. */
function scribble(args: ScribbleArgs): void {
  const u8 = new Uint8Array(args.sab);
  let x = args.seed >>> 0 || 1;
  for (let i = 0; i < args.writes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    u8[x % u8.length] = x >>> 24;
  }
  parentPort!.postMessage({ ok: true });
}

export interface DieArgs {
  sab: SharedArrayBuffer;
  length: number;
}

/** Claims a frame and never commits it: the parent then terminates this worker. */
function dieMidClaim(args: DieArgs): void {
  const producer = new FrameProducer(args.sab);
  const claim = producer.tryClaim(args.length, 1);
  if (claim === null) throw new Error('ring full');
  claim.bytes.fill(0xab, claim.offset, claim.offset + (claim.length >> 1));
  parentPort!.postMessage({ ok: true, claimed: true });
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

export interface BursterArgs {
  sab: SharedArrayBuffer;
  frames: number;
  seed: number;
}

/**
 * Lazy-sleep stress producer: `frames` frames `[seq u32][pattern]` of 8 to 71 bytes in bursts of
 * 1 to 2 rings' worth (so the ring fills and the consumer sleeps lazily), with idle gaps of 0 to
 * 300 µs between bursts (so bursts end below the consumer's low-water mark), then a type-2 end
 * frame.
 */
function burster(args: BursterArgs): void {
  const producer = new FrameProducer(args.sab);
  const capacity = new Int32Array(args.sab)[3];
  let x = args.seed | 1;
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const frame = new Uint8Array(72);
  let seq = 0;
  while (seq < args.frames) {
    const burst = 1 + (rand() % Math.max(1, (capacity * 2) / 40));
    for (let i = 0; i < burst && seq < args.frames; i++, seq++) {
      const length = frameLength(0, seq);
      frame[0] = seq & 0xff;
      frame[1] = (seq >>> 8) & 0xff;
      frame[2] = (seq >>> 16) & 0xff;
      frame[3] = seq >>> 24;
      for (let j = 4; j < length; j++) frame[j] = patternByte(0, seq, j);
      const payload = frame.subarray(0, length);
      while (!producer.offer(payload, 1)) producer.waitForSpace(length, 10_000);
    }
    const gapEnd = performance.now() + (rand() % 300) / 1000;
    while (performance.now() < gapEnd) {}
  }
  producer.put(new Uint8Array(4), 2, 10_000);
  parentPort!.postMessage({ ok: true, sleeps: producer.stats.sleeps, wakes: producer.stats.wakes });
}

const roles = { stressProducer, sleeper, scribble, dieMidClaim, burster } as Record<
  string,
  (args: never) => void
>;

/** Entry called by boot.mjs. */
export function run(args: { role: string } & Record<string, unknown>): void {
  try {
    roles[args.role](args as never);
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: String((error as Error)?.stack ?? error) });
  }
}
