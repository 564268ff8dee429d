/**
 * One-way throughput between two threads (main thread produces, a worker consumes): ion-rings
 * against ringbuf.js, MessageChannel and postMessage, for 16- and 256-byte messages (batched and
 * unbatched) and 4 KiB / 64 KiB frames. Each operation sends a burst and waits until the
 * consumer has counted all of it.
 */
import { spawnSync } from 'node:child_process';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { compare, sized } from '@nexus/bench';
import { RingBuffer } from 'ringbuf.js';
import { ByteWriter, createRingBuffer, FrameProducer } from '../src/index.js';
import { machineNote } from './_machine.js';
import { spawn } from './workers/spawn.js';

const RECEIVED = 0;
const STOP = 1;
const BATCH = 64;
/**
 * Turns per contender (`compare`'s `turns`: 300 ms each, in an order that rotates). Timed one
 * after another, contenders could land in different states of the shared machine (the host
 * moves its two virtual CPUs between physical cores, and how fast a cache line crosses between
 * them changes with that; tools/bench/src/turns.ts).
 */
const TURNS = 5;

/**
 * The contender whose turn it is: every sink runs from the start of a row, one contender is
 * timed at a time, and an idle sink sleeps on this word while another holds it (workers/sinks.ts,
 * "Turns"). A peer's operation takes the turn first (a no-op after its first).
 */
const turn = new Int32Array(new SharedArrayBuffer(4));
let nextId = 1;

function takeTurn(id: number): void {
  if (Atomics.load(turn, 0) === id) return;
  Atomics.store(turn, 0, id);
  Atomics.notify(turn, 0);
}

function controlWords(): { sab: SharedArrayBuffer; i32: Int32Array } {
  const sab = new SharedArrayBuffer(16);
  return { sab, i32: new Int32Array(sab) };
}

function waitReceived(control: Int32Array, target: number): void {
  while (Atomics.load(control, RECEIVED) < target) {}
}

async function waitReceivedAsync(control: Int32Array, target: number): Promise<void> {
  while (Atomics.load(control, RECEIVED) < target) await new Promise((r) => setImmediate(r));
}

interface Peer {
  run(): unknown;
  close(): Promise<void>;
}

/** Ring capacity for a message size: 1 MiB, or room for 128 frames of the large sizes. */
function ringBytes(messageBytes: number): number {
  return Math.max(1 << 20, 2 ** Math.ceil(Math.log2((messageBytes + 8) * 128)));
}

/**
 * The framed message ring. Batched: `offerRecords` copies 64 records from one contiguous block
 * (as ringbuf.js pushes one block), or `offerBatch` takes 64 separate payload arrays.
 */
async function ionPeer(
  messageBytes: number,
  burst: number,
  batched: boolean,
  api: 'records' | 'arrays' = 'records',
): Promise<Peer> {
  const ring = createRingBuffer({
    kind: 'spsc',
    capacityBytes: ringBytes(messageBytes),
  }) as SharedArrayBuffer;
  const control = controlWords();
  const id = nextId++;
  const worker = await spawn('ionSink', { ring, control: control.sab, turn: turn.buffer, id }); // default spin, then park
  const producer = new FrameProducer(ring);
  const message = new Uint8Array(messageBytes).fill(7);
  const batch = new Array<Uint8Array>(BATCH).fill(message);
  const block = new Uint8Array(messageBytes * BATCH).fill(7);
  let target = 0;
  return {
    run() {
      takeTurn(id);
      target += burst;
      if (batched && api === 'records') {
        for (let sent = 0; sent < burst; ) {
          const n = Math.min(BATCH, burst - sent);
          if (producer.offerRecords(block, messageBytes, n, 1)) sent += n;
          else producer.waitForSpace(n * (messageBytes + 8), 1000);
        }
      } else if (batched) {
        for (let sent = 0; sent < burst; ) {
          const n = producer.offerBatch(batch, 1, 0, Math.min(BATCH, burst - sent));
          if (n === 0) producer.waitForSpace(messageBytes, 1000);
          sent += n;
        }
      } else {
        for (let i = 0; i < burst; i++) {
          while (!producer.offer(message, 1)) producer.waitForSpace(messageBytes, 1000);
        }
      }
      waitReceived(control.i32, target);
    },
    async close() {
      Atomics.store(control.i32, STOP, 1);
      await worker.terminate();
    },
  };
}

/**
 * The unframed byte ring doing what the ringbuf.js contender does: batched, one write of the
 * 64-message block; unbatched, one write per message; the reader takes what is there (up to
 * 64 KiB) and counts whole messages.
 */
async function bytePeer(messageBytes: number, burst: number, batched: boolean): Promise<Peer> {
  const ring = createRingBuffer({
    kind: 'bytes',
    capacityBytes: ringBytes(messageBytes),
  }) as SharedArrayBuffer;
  const control = controlWords();
  const id = nextId++;
  const worker = await spawn('byteSink', { ring, control: control.sab, messageBytes, turn: turn.buffer, id });
  const writer = new ByteWriter(ring);
  const message = new Uint8Array(messageBytes).fill(7);
  const block = new Uint8Array(messageBytes * BATCH).fill(7);
  const blocks = [
    new Uint8Array(0),
    ...Array.from({ length: BATCH }, (_, i) => block.subarray(0, (i + 1) * messageBytes)),
  ];
  let target = 0;
  return {
    run() {
      takeTurn(id);
      target += burst;
      if (batched) {
        for (let sent = 0; sent < burst; ) {
          const count = Math.min(BATCH, burst - sent);
          if (writer.availableWrite >= count * messageBytes) {
            writer.write(blocks[count]);
            sent += count;
          }
        }
      } else {
        for (let i = 0; i < burst; ) {
          if (writer.availableWrite >= messageBytes) {
            writer.write(message);
            i++;
          }
        }
      }
      waitReceived(control.i32, target);
    },
    async close() {
      Atomics.store(control.i32, STOP, 1);
      await worker.terminate();
    },
  };
}

async function ringbufPeer(messageBytes: number, burst: number, batched: boolean): Promise<Peer> {
  const ring = RingBuffer.getStorageForCapacity(ringBytes(messageBytes), Uint8Array);
  const control = controlWords();
  const id = nextId++;
  const worker = await spawn('ringbufSink', {
    ring,
    control: control.sab,
    messageBytes,
    turn: turn.buffer,
    id,
  });
  const rb = new RingBuffer(ring, Uint8Array);
  const message = new Uint8Array(messageBytes).fill(7);
  const block = new Uint8Array(messageBytes * BATCH).fill(7);
  let target = 0;
  return {
    run() {
      takeTurn(id);
      target += burst;
      if (batched) {
        for (let sent = 0; sent < burst; ) {
          const count = Math.min(BATCH, burst - sent);
          if (rb.available_write() >= count * messageBytes) {
            rb.push(block, count * messageBytes);
            sent += count;
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
      waitReceived(control.i32, target);
    },
    async close() {
      Atomics.store(control.i32, STOP, 1);
      await worker.terminate();
    },
  };
}

async function portPeer(messageBytes: number, burst: number, channel: boolean): Promise<Peer> {
  const control = controlWords();
  let worker: Worker;
  let send: (m: Uint8Array) => void;
  if (channel) {
    const { port1, port2 } = new MessageChannel();
    worker = await spawn('portSink', { port: port2, control: control.sab }, [port2]);
    send = (m) => port1.postMessage(m);
  } else {
    worker = await spawn('portSink', { control: control.sab });
    send = (m) => worker.postMessage(m);
  }
  const message = new Uint8Array(messageBytes).fill(7);
  let target = 0;
  return {
    async run() {
      target += burst;
      for (let i = 0; i < burst; i++) send(message);
      await waitReceivedAsync(control.i32, target);
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Rows to run: `ION_ROWS=16b-batched,4k` runs those only (ids below); all by default. */
const only = (process.env.ION_ROWS ?? '').split(',').filter(Boolean);
/** `ION_PORTS=0` leaves out the two port contenders (seconds per row) while tuning the rings. */
const withPorts = process.env.ION_PORTS !== '0';

async function row(
  id: string,
  title: string,
  messageBytes: number,
  batched: boolean,
  bytesRate: boolean,
): Promise<void> {
  if (only.length > 0 && !only.includes(id)) return;
  const burst = sized(bytesRate ? Math.max(64, (64 << 20) / messageBytes / 8) : 200_000, 100);
  const portBurst = sized(bytesRate ? Math.max(16, (8 << 20) / messageBytes / 8) : 20_000, 20);
  const ion = await ionPeer(messageBytes, burst, batched);
  const arrays = batched ? await ionPeer(messageBytes, burst, batched, 'arrays') : null;
  const bytes = await bytePeer(messageBytes, burst, batched);
  const ringbuf = await ringbufPeer(messageBytes, burst, batched);
  const channel = withPorts ? await portPeer(messageBytes, portBurst, true) : null;
  const post = withPorts ? await portPeer(messageBytes, portBurst, false) : null;
  // Port contenders move fewer messages per operation: scale them to the same unit with the
  // rate computed per message, by repeating their burst to the ring's burst size.
  const repeat = Math.max(1, Math.round(burst / portBurst));
  const unit = bytesRate ? { bytesPerOp: burst * messageBytes } : { itemsPerOp: burst };
  await compare(
    title,
    [
      {
        name: batched ? 'ion-rings message ring, offerRecords' : 'ion-rings message ring',
        ours: true,
        fn: () => ion.run(),
      },
      ...(arrays ? [{ name: 'ion-rings message ring, offerBatch', fn: () => arrays.run() }] : []),
      { name: 'ion-rings byte ring (unframed)', fn: () => bytes.run() },
      { name: 'ringbuf.js 0.4.0 (unframed)', fn: () => ringbuf.run() },
      ...(channel && post
        ? [
            {
              name: 'MessageChannel',
              fn: async () => {
                for (let i = 0; i < repeat; i++) await channel.run();
              },
            },
            {
              name: 'postMessage (worker)',
              fn: async () => {
                for (let i = 0; i < repeat; i++) await post.run();
              },
            },
          ]
        : []),
    ],
    {
      ...unit,
      timeMs: 1500,
      minSamples: 5,
      turns: TURNS,
      note: `${burst} messages of ${messageBytes} B per operation, main thread -> worker; ${
        batched
          ? `batched: one publication per ${BATCH} messages. Message ring: offerRecords copies ${BATCH} records from one ${BATCH * messageBytes} B block into one record block (one frame header and one 8 B block header for the ${BATCH} messages, each handed to the reader's handler on its own); offerBatch copies ${BATCH} separate arrays into ${BATCH} frames (a header each). Byte ring and ringbuf.js: one ${BATCH * messageBytes} B write of the block, no framing`
          : 'unbatched: one publication per message'
      }. The message ring's reader validates every frame and block header and reads each message in place; the byte ring's and ringbuf.js's readers copy up to 64 KiB out per read and count whole messages; ports structured-clone each message. Ring capacity ${ringBytes(messageBytes) >> 10} KiB. Contenders timed in ${TURNS} turns each, in an order that rotates; the median pools every turn's operations, and the × column is the median of the ${TURNS} turn-by-turn ratios (each turn's median against the message ring's in the same round of turns). ${machineNote()}`,
    },
  );
  for (const p of [ion, arrays, bytes, ringbuf, channel, post]) await p?.close();
}

const ROWS = ['16b-batched', '16b', '256b-batched', '256b', '4k', '64k'];

if (only.length === 0) {
  // Each row in a process of its own: run one after another in one process, the rows left the
  // next row's contenders slower in the producer thread (256 B unbatched after the 16 B
  // unbatched row: message ring 17.9M -> 3.4M msgs/s, byte ring 12.4M -> 3.0M, ringbuf.js
  // 6.8M -> 3.7M, alike at load 2), so a row's figures depended on which rows ran before it.
  for (const id of ROWS) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1] as string], {
      stdio: 'inherit',
      env: { ...process.env, ION_ROWS: id },
    });
    if (child.status !== 0) throw new Error(`throughput row ${id}: exited with ${child.status}`);
  }
} else {
  await row('16b-batched', '16 B messages, batched (msgs/s)', 16, true, false);
  await row('16b', '16 B messages, unbatched (msgs/s)', 16, false, false);
  await row('256b-batched', '256 B messages, batched (msgs/s)', 256, true, false);
  await row('256b', '256 B messages, unbatched (msgs/s)', 256, false, false);
  await row('4k', '4 KiB frames (MB/s)', 4096, false, true);
  await row('64k', '64 KiB frames (MB/s)', 65_536, false, true);
}
