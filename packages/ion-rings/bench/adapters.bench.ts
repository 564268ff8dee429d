/**
 * The cost of each adapter over the raw ring, in one thread: the producer fills the ring with
 * 10,000 frames of 64 bytes, then the consumer drains them through the API under test.
 */
import { compare, sized } from '@nexus/bench';
import {
  ByteReader,
  ByteWriter,
  createRingBuffer,
  FrameConsumer,
  FrameProducer,
  frames,
  PipeReader,
  readableStream,
} from '../src/index.js';
import { machineNote } from './_machine.js';

const N = sized(10_000, 100);
const PAYLOAD = new Uint8Array(64).fill(5);

function frameRing() {
  const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 20 });
  return { producer: new FrameProducer(sab), consumer: new FrameConsumer(sab) };
}

function fill(producer: FrameProducer): void {
  for (let i = 0; i < N; i++) producer.offer(PAYLOAD, 1);
}

let sink = 0;
const raw = frameRing();
const flyweight = frameRing();
const iterated = frameRing();
const iterator = frames(iterated.consumer);
const streamed = frameRing();
const streamReader = readableStream(streamed.consumer).getReader();
const bytesSab = createRingBuffer({ kind: 'bytes', capacityBytes: 1 << 20 });
const byteWriter = new ByteWriter(bytesSab);
const pipe = new PipeReader(bytesSab);
const byteSab2 = createRingBuffer({ kind: 'bytes', capacityBytes: 1 << 20 });
const byteWriter2 = new ByteWriter(byteSab2);
const byteReader2 = new ByteReader(byteSab2);
const scratch = new Uint8Array(64);
const block = new Uint8Array(64 * N).fill(5);

await compare(
  `Adapters over one ring: ${N} frames of 64 B, fill then drain`,
  [
    {
      name: 'raw poll (in place)',
      ours: true,
      fn: () => {
        fill(raw.producer);
        raw.consumer.poll((_t, b, o) => {
          sink += b[o];
        });
      },
    },
    {
      name: 'tryRead + release (in place)',
      fn: () => {
        fill(flyweight.producer);
        for (let f = flyweight.consumer.tryRead(); f !== null; f = flyweight.consumer.tryRead()) {
          sink += f.bytes[f.offset];
          f.release();
        }
      },
    },
    {
      name: 'async iterator frames() (copy)',
      fn: async () => {
        fill(iterated.producer);
        for (let i = 0; i < N; i++) sink += (await iterator.next()).value!.payload[0];
      },
    },
    {
      name: 'WHATWG ReadableStream (copy)',
      fn: async () => {
        fill(streamed.producer);
        for (let i = 0; i < N; i++) sink += (await streamReader.read()).value![0];
      },
    },
    {
      name: 'byte ring read(into) (copy)',
      fn: () => {
        byteWriter2.write(block);
        for (let i = 0; i < N; i++) sink += byteReader2.read(scratch);
      },
    },
    {
      name: 'pipe read(64) (copy, promise)',
      fn: async () => {
        byteWriter.write(block);
        for (let i = 0; i < N; i++) sink += (await pipe.read(64))!.length;
      },
    },
  ],
  {
    itemsPerOp: N,
    note: `Same thread, no waiting: the per-message cost of each API layer. ${machineNote()}`,
  },
);
if (sink === 0) console.log('');
