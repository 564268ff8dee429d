import { describe, expect, it } from 'vitest';
import { noneCodec, rleCodec } from '../../src/content/codec';
import { ChunkFramer, FRAME_HEADER_BYTES, readFrameHeader } from '../../src/content/frame';
import { createHasher } from '../../src/content/hash';
import { loadZstdEngine, zstdCodec, zstdDecode, zstdFrameContentSize } from '../../src/content/zstd';
import { errorCode, prng, sameBytes, sanityBuffer, vectorBytes } from './_helpers';

const engine = await loadZstdEngine();
const framer = new ChunkFramer(
  { check: await createHasher('xxh3-64'), name: await createHasher('blake3-256') },
  engine,
);
const pureFramer = new ChunkFramer({
  check: await createHasher('xxh3-64'),
  name: await createHasher('blake3-256'),
});
const text = new TextEncoder().encode(
  'Identical chunks across files, directories and snapshots are stored once. '.repeat(400),
);
const inputs: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['one byte', new Uint8Array([7])],
  ['zeros 64 KiB', new Uint8Array(65536)],
  ['text', text],
  ['jpeg (incompressible)', vectorBytes('fastcdc/SekienAkashita.jpg')],
  ['prng 256 KiB', sanityBuffer(262144)],
];

describe('codecs round trip', () => {
  it.each(inputs)('none and rle: %s', (_n, data) => {
    expect(sameBytes(noneCodec.decode(noneCodec.encode(data), data.length), data)).toBe(true);
    expect(sameBytes(rleCodec.decode(rleCodec.encode(data), data.length), data)).toBe(true);
  });

  it('rle worst case grows by at most 1/128 + 2; runs compress', () => {
    const r = prng(9);
    for (let t = 0; t < 300; t++) {
      const n = Math.floor(r() * 2000);
      const alphabet = 1 + Math.floor(r() * 4);
      const data = Uint8Array.from({ length: n }, () => (r() < 0.7 ? 0 : Math.floor(r() * alphabet)));
      const enc = rleCodec.encode(data);
      expect(enc.length).toBeLessThanOrEqual(n + Math.ceil(n / 128) + 2);
      expect(sameBytes(rleCodec.decode(enc, n), data)).toBe(true);
    }
    expect(rleCodec.encode(new Uint8Array(1000)).length).toBe(16);
  });

  it('rle rejects truncation and overruns with typed errors', () => {
    const enc = rleCodec.encode(text);
    expect(errorCode(() => rleCodec.decode(enc.subarray(0, enc.length - 1), text.length))).toBe('ETRUNCATED');
    expect(errorCode(() => rleCodec.decode(enc, text.length - 1))).toBe('EFORMAT');
    expect(errorCode(() => rleCodec.decode(new Uint8Array([0x85]), 8))).toBe('ETRUNCATED');
    expect(() => rleCodec.decode(enc, -1)).toThrow(RangeError);
  });

  it.each([1, 3, 19, 22])('zstd level %i: WASM encode, WASM and pure-JS decode agree', (level) => {
    const codec = zstdCodec(level, engine);
    for (const [, data] of inputs) {
      if (level >= 19 && data.length > 70_000) continue; // 2-3 MB/s at these levels: keep CI short
      const enc = codec.encode(data);
      expect(zstdFrameContentSize(enc)).toBe(data.length);
      expect(sameBytes(codec.decode(enc, data.length), data)).toBe(true);
      expect(sameBytes(zstdDecode(enc, data.length), data)).toBe(true);
    }
  });

  it('zstd rejects levels out of range and wrong lengths, naming the field', () => {
    expect(() => zstdCodec(0)).toThrow(/level/);
    expect(() => zstdCodec(23)).toThrow(/level/);
    expect(() => zstdCodec(2.5)).toThrow(RangeError);
    const enc = zstdCodec(3, engine).encode(text);
    expect(errorCode(() => zstdCodec(3, engine).decode(enc, text.length + 1))).toBe('EFORMAT');
    expect(errorCode(() => zstdDecode(enc, text.length + 1))).toBe('EFORMAT');
    expect(errorCode(() => zstdDecode(new Uint8Array([1, 2, 3, 4, 5, 6]), 3))).toBe('EFORMAT');
    expect(errorCode(() => zstdCodec(3).encode(text))).toBe('EUNSUPPORTED');
  });
});

describe('chunk frames', () => {
  it('round trip every codec; incompressible data falls back to none', () => {
    for (const codec of [noneCodec, rleCodec, zstdCodec(1, engine), zstdCodec(19, engine)]) {
      for (const [, data] of inputs) {
        if (codec.level >= 19 && data.length > 70_000) continue;
        const { name, frame } = framer.encode(data, codec);
        expect(sameBytes(framer.decode(frame, name), data)).toBe(true);
        expect(sameBytes(pureFramer.decode(frame, name), data)).toBe(true);
        expect(frame.length).toBeLessThanOrEqual(data.length + FRAME_HEADER_BYTES);
      }
    }
    const noise = inputs[5][1];
    expect(readFrameHeader(framer.encode(noise, zstdCodec(3, engine)).frame).codecId).toBe(0);
    expect(readFrameHeader(framer.encode(text, zstdCodec(3, engine)).frame).level).toBe(3);
  });

  it('every single-bit flip of a frame is caught before decoding (ECHECKSUM or a header error)', () => {
    const { name, frame } = framer.encode(text.subarray(0, 3000), zstdCodec(3, engine));
    let flips = 0;
    for (let bit = 0; bit < frame.length * 8; bit++) {
      const bad = frame.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      const code = errorCode(() => framer.decode(bad, name));
      expect(['ECHECKSUM', 'EFORMAT', 'ETRUNCATED', 'ELIMIT', 'EUNSUPPORTED']).toContain(code);
      if (bit >= FRAME_HEADER_BYTES * 8) expect(code).toBe('ECHECKSUM');
      flips++;
    }
    console.log(`frame bit flips caught: ${flips}`);
  });

  it('a frame whose plaintext does not match its name is ECHECKSUM', () => {
    const a = framer.encode(text, rleCodec);
    const b = framer.encode(new Uint8Array(10), rleCodec);
    expect(errorCode(() => framer.decode(a.frame, b.name))).toBe('ECHECKSUM');
  });
});
