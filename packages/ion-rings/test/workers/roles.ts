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

export interface PongArgs {
  ping: SharedArrayBuffer;
  pong: SharedArrayBuffer;
  rounds: number;
}

/** Echoes every frame of `ping` into `pong`, sleeping (Atomics.wait) whenever `ping` is empty. */
function pong(args: PongArgs): void {
  const input = new FrameConsumer(args.ping);
  const output = new FrameProducer(args.pong);
  let echoed = 0;
  const echo = (type: number, bytes: Uint8Array, offset: number, length: number) => {
    const claim = output.tryClaim(length, type);
    if (claim === null) throw new Error('pong ring full');
    const target = claim.bytes;
    for (let i = 0; i < length; i++) target[claim.offset + i] = bytes[offset + i];
    claim.commit();
    echoed++;
  };
  while (echoed < args.rounds) {
    if (input.poll(echo) === 0 && !input.waitForData(10_000))
      throw new Error(`pong: no ping within 10 s after ${echoed}`);
  }
  parentPort!.postMessage({ ok: true, sleeps: input.stats.sleeps, wakes: output.stats.wakes });
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

const roles = { stressProducer, pong, scribble, dieMidClaim } as Record<string, (args: never) => void>;

/** Entry called by boot.mjs. */
export function run(args: { role: string } & Record<string, unknown>): void {
  try {
    roles[args.role](args as never);
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: String((error as Error)?.stack ?? error) });
  }
}
