import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  ByteWriter,
  createRingBuffer,
  FrameConsumer,
  FrameProducer,
  frames,
  PipeReader,
  PipeWriter,
  readableStream,
  writableStream,
} from '../src/index.js';
import { nodeReadable, nodeWritable } from '../src/node/index.js';

const payloads = Array.from({ length: 300 }, (_, i) => new Uint8Array(i % 97).fill(i & 0xff));

describe.each([true, false])('adapters (shared: %s)', (shared) => {
  it('async iterator yields every frame, then ends when the producer closes', async () => {
    const sab = createRingBuffer({ kind: 'mpsc', capacityBytes: 1024, shared });
    const producer = new FrameProducer(sab);
    const sending = (async () => {
      for (const p of payloads) await producer.putAsync(p, 3);
      producer.close();
    })();
    const got: Uint8Array[] = [];
    for await (const { type, payload } of frames(new FrameConsumer(sab))) {
      expect(type).toBe(3);
      got.push(payload);
    }
    await sending;
    expect(got).toEqual(payloads);
  });

  it('WHATWG streams: writable into a frame ring, readable out of it', async () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024, shared });
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of payloads) controller.enqueue(p);
        controller.close();
      },
    });
    const piping = source.pipeTo(writableStream(new FrameProducer(sab)));
    const got: Uint8Array[] = [];
    const reader = readableStream(new FrameConsumer(sab)).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      got.push(value);
    }
    await piping;
    expect(got).toEqual(payloads);
  });

  it('pipe read(n)/write(bytes) and byte-ring streams carry a byte stream', async () => {
    const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 256, shared });
    const writer = new PipeWriter(sab);
    const reader = new PipeReader(sab);
    const data = new Uint8Array(5000).map((_, i) => i);
    const sending = writer.write(data).then(() => writer.close());
    const got: number[] = [];
    for (let chunk = await reader.read(64); chunk !== null; chunk = await reader.read(64)) {
      expect(chunk.length).toBeLessThanOrEqual(64);
      got.push(...chunk);
    }
    await sending;
    expect(new Uint8Array(got)).toEqual(data);

    const ring = createRingBuffer({ kind: 'bytes', capacityBytes: 256, shared });
    const piping = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(data);
        c.close();
      },
    }).pipeTo(writableStream(new ByteWriter(ring)));
    const out: number[] = [];
    const r = readableStream(new ByteReader(ring)).getReader();
    for (let x = await r.read(); !x.done; x = await r.read()) out.push(...x.value);
    await piping;
    expect(new Uint8Array(out)).toEqual(data);
  });
});

describe('Node streams (./node)', () => {
  it('pipeline from a Readable through a ring into a Writable', async () => {
    const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 512 });
    const data = Buffer.alloc(20_000).map((_, i) => i * 3);
    const got: Buffer[] = [];
    await Promise.all([
      pipeline(
        Readable.from([data.subarray(0, 7000), data.subarray(7000)]),
        nodeWritable(new ByteWriter(sab)),
      ),
      (async () => {
        for await (const chunk of nodeReadable(new ByteReader(sab))) got.push(chunk as Buffer);
      })(),
    ]);
    expect(Buffer.concat(got)).toEqual(data);
  });

  it('frame ring through Node streams keeps frame boundaries', async () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
    const got: Uint8Array[] = [];
    await Promise.all([
      pipeline(Readable.from(payloads.filter((p) => p.length > 0)), nodeWritable(new FrameProducer(sab), 4)),
      (async () => {
        for await (const chunk of nodeReadable(new FrameConsumer(sab)))
          got.push(new Uint8Array(chunk as Uint8Array));
      })(),
    ]);
    expect(got).toEqual(payloads.filter((p) => p.length > 0));
  });
});

describe('dead-producer recovery through the iterator', () => {
  it('frames({ deadProducerTimeoutMs }) pads over a claim that never commits and delivers what follows', async () => {
    const sab = createRingBuffer({ kind: 'mpsc', capacityBytes: 1024 });
    const dead = new FrameProducer(sab);
    dead.tryClaim(20, 1); // never committed: this producer "died"
    const live = new FrameProducer(sab);
    live.offer(new Uint8Array([42]), 6);
    live.close();
    const got: number[] = [];
    for await (const { type, payload } of frames(new FrameConsumer(sab), {
      deadProducerTimeoutMs: 20,
      idleTimeoutMs: 2000,
    })) {
      got.push(type, payload[0]);
    }
    expect(got).toEqual([6, 42]);
  });

  it('frames({ idleTimeoutMs }) gives up with ETIMEDOUT when nothing arrives', async () => {
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1024 });
    const iterator = frames(new FrameConsumer(sab), { idleTimeoutMs: 20 });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
