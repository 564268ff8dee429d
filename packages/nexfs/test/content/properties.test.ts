import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CborValue, decodeCbor, encodeCbor } from '../../src/content/cbor';
import { CdcStream } from '../../src/content/cdc-stream';
import { Cid, CODEC_DAG_CBOR, CODEC_RAW } from '../../src/content/cid';
import { noneCodec, rleCodec } from '../../src/content/codec';
import { FastCdc } from '../../src/content/fastcdc';
import { loadZstdEngine, zstdCodec } from '../../src/content/zstd';
import { framer } from './_fixture';
import { sameBytes } from './_helpers';

const engine = await loadZstdEngine();
const cdc = new FastCdc({ minSize: 64, avgSize: 256, maxSize: 1024 });

describe('properties (fast-check)', () => {
  it('streaming cuts equal in-memory cuts for any data and any write sizes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 6000 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 10 }),
        (data, sizes) => {
          const want = [...cdc.boundaries(data)].map((c) => [c.offset, c.length, c.hash]);
          const got: [number, number, bigint][] = [];
          const s = new CdcStream(cdc);
          const sink = (b: Uint8Array, offset: number, hash: bigint) => got.push([offset, b.length, hash]);
          let pos = 0;
          for (let i = 0; pos < data.length; i++) {
            const n = sizes[i % sizes.length];
            s.write(data.subarray(pos, pos + n), sink);
            pos += n;
          }
          s.end(sink);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('frames round-trip for any data with any codec', () => {
    const codecs = [noneCodec, rleCodec, zstdCodec(1, engine), zstdCodec(9, engine)];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.integer({ min: 0, max: 3 }), (data, c) => {
        const { name, frame } = framer.encode(data, codecs[c]);
        expect(sameBytes(framer.decode(frame, name), data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('DAG-CBOR values round-trip and re-encode to the same bytes', () => {
    const leaf = fc.oneof(
      fc.nat(),
      fc.string(),
      fc.uint8Array({ maxLength: 40 }),
      fc
        .tuple(fc.boolean(), fc.uint8Array({ minLength: 32, maxLength: 32 }))
        .map(([raw, d]) => new Cid(raw ? CODEC_RAW : CODEC_DAG_CBOR, d)),
    );
    const value = fc.letrec<{ v: CborValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCbor(v);
        const back = decodeCbor(bytes);
        expect(sameBytes(encodeCbor(back), bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
