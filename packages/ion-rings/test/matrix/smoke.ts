/**
 * Runtime-matrix smoke suite: the built package in Node 20/24, Deno, Bun and Chromium. Cases
 * check the header bytes against SPEC.md, round-trip every ring kind over a plain ArrayBuffer, and
 * run four producers on real threads (web Workers, or node:worker_threads in Node) into an MPSC
 * ring.
 */
import {
  ByteReader,
  ByteWriter,
  createRingBuffer,
  FrameConsumer,
  FrameProducer,
  RingError,
  ServiceClient,
  ServiceServer,
} from '@nexus/ion-rings';
import type { SmokeContext, SmokeSuite } from '../../../../tools/matrix/smoke.js';

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

interface Thread {
  post(message: unknown): void;
  done: Promise<string>;
  stop(): void;
}

async function startThread(ctx: SmokeContext): Promise<Thread> {
  const url = ctx.url('worker.js');
  if (ctx.runtime.startsWith('node')) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(url);
    const done = new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return { post: (m) => worker.postMessage(m), done, stop: () => void worker.terminate() };
  }
  const worker = new Worker(url, { type: 'module' });
  const done = new Promise<string>((resolve, reject) => {
    worker.onmessage = (event) => resolve(String(event.data));
    worker.onerror = (event) => reject(new Error(`worker error: ${event.message}`));
  });
  return { post: (m) => worker.postMessage(m), done, stop: () => worker.terminate() };
}

export const smoke: SmokeSuite = {
  'header bytes match SPEC.md (magic IONR, version 1, kind, capacity, counters)': () => {
    const buffer = createRingBuffer({
      kind: 'mpsc',
      capacityBytes: 4096,
      initialPosition: 0xffff_fff0,
      shared: false,
    });
    const bytes = new Uint8Array(buffer);
    const view = new DataView(buffer);
    check(String.fromCharCode(...bytes.subarray(0, 4)) === 'IONR', 'magic');
    check(view.getUint32(4, true) === 1 && view.getUint32(8, true) === 3, 'version and kind');
    check(view.getUint32(12, true) === 4096 && view.getUint32(16, true) === 1016, 'capacity and max payload');
    check(view.getUint32(128, true) === 0xffff_fff0 && view.getUint32(256, true) === 0xffff_fff0, 'counters');
    check(buffer.byteLength === 512 + 4096, 'buffer length');
  },

  'every ring kind round-trips over a plain ArrayBuffer across the 2^32 wrap': () => {
    for (const kind of ['spsc', 'mpsc'] as const) {
      const buffer = createRingBuffer({
        kind,
        capacityBytes: 1024,
        shared: false,
        initialPosition: 0xffff_fc00,
      });
      const producer = new FrameProducer(buffer);
      const consumer = new FrameConsumer(buffer);
      let received = 0;
      for (let i = 0; i < 5000; i++) {
        const payload = new Uint8Array(i % 100).fill(i & 0xff);
        check(producer.offer(payload, 1 + (i % 7)), `${kind}: offer ${i}`);
        consumer.poll((type, b, o, length) => {
          check(
            type === 1 + (i % 7) && length === i % 100 && (length === 0 || b[o + length - 1] === (i & 0xff)),
            `${kind}: frame ${i}`,
          );
          received++;
        });
      }
      check(received === 5000, `${kind}: received ${received}`);
    }
    const bytes = createRingBuffer({ kind: 'bytes', capacityBytes: 256, shared: false });
    const writer = new ByteWriter(bytes);
    const reader = new ByteReader(bytes);
    const out = new Uint8Array(100);
    let total = 0;
    for (let i = 0; i < 1000; i++) {
      writer.write(new Uint8Array(97).fill(i & 0xff));
      total += reader.read(out);
    }
    check(total === 97_000, `byte ring moved ${total}`);
    const corrupt = createRingBuffer({ kind: 'spsc', capacityBytes: 256, shared: false });
    new FrameProducer(corrupt).offer(new Uint8Array(4), 1);
    new DataView(corrupt).setInt32(512, 9999, true);
    let code = '';
    try {
      new FrameConsumer(corrupt).poll(() => {});
    } catch (error) {
      code = error instanceof RingError ? error.code : String(error);
    }
    check(code === 'EBADFRAME', `corrupt frame gave ${code}`);
  },

  'record blocks and batch claims: 64 records per publication across the 2^32 wrap, every byte checked':
    () => {
      for (const kind of ['spsc', 'mpsc'] as const) {
        // 8 KiB: the 1,040-byte record block fits the default payload limit (capacity / 4 - 8).
        const buffer = createRingBuffer({ kind, capacityBytes: 8192, initialPosition: 0xffff_e000 });
        const producer = new FrameProducer(buffer);
        const consumer = new FrameConsumer(buffer);
        const block = new Uint8Array(16 * 64);
        let sent = 0;
        let received = 0;
        for (let round = 0; round < 200; round++) {
          for (let i = 0; i < block.length; i++) block[i] = (round * 64 + (i >> 4) + i) & 0xff;
          if (round % 2 === 0) {
            check(producer.offerRecords(block, 16, 64, 1 + (round % 5)), `${kind}: block ${round}`);
          } else {
            const batch = producer.tryClaimBatch(64, 16, 1 + (round % 5));
            check(batch !== null, `${kind}: batch ${round}`);
            for (let i = 0; i < 64; i++)
              batch!.bytes.set(block.subarray(i * 16, i * 16 + 16), batch!.offsetOf(i));
            batch!.commit();
          }
          sent += 64;
          consumer.poll((type, b, o, length) => {
            const record = received % 64;
            const r = Math.floor(received / 64);
            check(type === 1 + (r % 5) && length === 16, `${kind}: frame ${received} header`);
            for (let i = 0; i < 16; i++) {
              check(
                b[o + i] === ((r * 64 + record + record * 16 + i) & 0xff),
                `${kind}: frame ${received} byte ${i}`,
              );
            }
            received++;
          });
        }
        check(received === sent, `${kind}: received ${received} of ${sent}`);
      }
    },

  'service channel negotiates ABI 1 and answers a call': async () => {
    const requests = createRingBuffer({ kind: 'spsc', capacityBytes: 4096, shared: false });
    const responses = createRingBuffer({ kind: 'spsc', capacityBytes: 4096, shared: false });
    const server = new ServiceServer(requests, responses).register(3, 4, (a) => a.slice().reverse());
    const serving = server.serve();
    const client = await ServiceClient.open(requests, responses);
    const reply = await client.call(3, 4, new Uint8Array([1, 2, 3]));
    check(reply.join() === '3,2,1', `reply ${reply.join()}`);
    client.close();
    await serving;
  },

  'four producer threads into one MPSC ring: every frame once, intact, in order per producer': async (
    ctx,
  ) => {
    check(typeof SharedArrayBuffer === 'function', 'SharedArrayBuffer missing (cross-origin isolation?)');
    // The CI's vitest run stresses 10^7 frames in Node (test/stress.test.ts); here the same
    // check runs in every runtime at a size that keeps the case near a second.
    const PRODUCERS = 4;
    const FRAMES = 40_000;
    const sab = createRingBuffer({
      kind: 'mpsc',
      capacityBytes: 1 << 14,
      initialPosition: 0xffff_0000,
    }) as SharedArrayBuffer;
    const consumer = new FrameConsumer(sab);
    const threads: Thread[] = [];
    for (let id = 0; id < PRODUCERS; id++) threads.push(await startThread(ctx));
    for (const [id, t] of threads.entries()) t.post({ sab, id, frames: FRAMES });
    const next = new Array<number>(PRODUCERS).fill(0);
    let ended = 0;
    let failure = '';
    const deadline = performance.now() + 20_000;
    while (ended < PRODUCERS && !failure) {
      const n = consumer.poll((type, b, o, length) => {
        const id = b[o];
        if (type === 2) {
          ended++;
          return;
        }
        const seq = (b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0;
        let intact = id < PRODUCERS && length === 8 + ((seq * 7 + id) & 31);
        for (let i = 8; intact && i < length; i++) intact = b[o + i] === ((seq + i) & 0xff);
        if (type !== 1 || !intact || seq !== next[id]) {
          failure ||= `frame from ${id}: type ${type}, seq ${seq}, expected ${next[id]}, length ${length}`;
        }
        next[id]++;
      });
      if (n === 0) {
        if (performance.now() > deadline) failure = `timed out at ${next.join('/')}`;
        else await consumer.waitForDataAsync(100);
      }
    }
    if (failure) {
      for (const t of threads) t.stop();
      throw new Error(failure);
    }
    const results = await Promise.all(threads.map((t) => t.done));
    for (const t of threads) t.stop();
    check(
      results.every((r) => r === 'done'),
      `workers: ${results.join(', ')}`,
    );
    check(
      next.every((n) => n === FRAMES),
      `received ${next.join('/')}`,
    );
  },
};
