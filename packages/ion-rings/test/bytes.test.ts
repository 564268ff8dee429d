import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, createRingBuffer, RingError } from '../src/index.js';

describe.each([true, false])('byte ring (shared: %s)', (shared) => {
  it('moves a random byte stream intact through partial writes and reads across the 2^32 wrap', () => {
    let bytesMoved = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 700 })), { maxLength: 200 }),
        fc.integer({ min: 0, max: 8191 }),
        (ops, start) => {
          const sab = createRingBuffer({
            kind: 'bytes',
            capacityBytes: 512,
            shared,
            initialPosition: (0xffff_f000 + start) >>> 0,
          });
          const writer = new ByteWriter(sab);
          const reader = new ByteReader(sab);
          let written = 0;
          let read = 0;
          for (const [isWrite, n] of ops) {
            if (isWrite) {
              const src = new Uint8Array(n);
              for (let i = 0; i < n; i++) src[i] = (written + i) * 13;
              const w = writer.write(src, n % 3 !== 0);
              if (n % 3 === 0) writer.publish();
              expect(w).toBe(Math.min(n, 512 - (written - read)));
              written += w;
            } else {
              const dst = new Uint8Array(n);
              const r = reader.read(dst);
              expect(r).toBe(Math.min(n, written - read));
              for (let i = 0; i < r; i++) expect(dst[i]).toBe(((read + i) * 13) & 0xff);
              read += r;
            }
          }
          bytesMoved += read;
        },
      ),
      { numRuns: 300, seed: 81 },
    );
    console.log(`byte ring bytes checked (shared: ${shared}): ${bytesMoved}`);
  });

  it('readSome/writeAll wait for each other and end the stream on close', async () => {
    const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 256, shared });
    const writer = new ByteWriter(sab);
    const reader = new ByteReader(sab);
    const data = new Uint8Array(10_000).map((_, i) => i * 7);
    const sending = writer.writeAll(data).then(() => writer.close());
    const received: number[] = [];
    for (;;) {
      const chunk = await reader.readSome(100);
      if (chunk === null) break;
      received.push(...chunk);
    }
    await sending;
    expect(new Uint8Array(received)).toEqual(data);
  });
});

it('blocking on a plain ArrayBuffer is refused with EWOULDBLOCK, not a deadlock', () => {
  const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 256, shared: false });
  expect(() => new ByteReader(sab).readSomeSync(4, 10)).toThrow(
    expect.objectContaining({ code: 'EWOULDBLOCK' }),
  );
});

it('a closed reader makes writeAll fail with ECLOSED', async () => {
  const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 256 });
  const writer = new ByteWriter(sab);
  new ByteReader(sab).close();
  await expect(writer.writeAll(new Uint8Array(1000))).rejects.toBeInstanceOf(RingError);
});

it('readSome times out with ETIMEDOUT', async () => {
  const sab = createRingBuffer({ kind: 'bytes', capacityBytes: 256 });
  await expect(new ByteReader(sab).readSome(4, 20)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  expect(() => new ByteReader(sab).readSomeSync(4, 20)).toThrow(
    expect.objectContaining({ code: 'ETIMEDOUT' }),
  );
});
