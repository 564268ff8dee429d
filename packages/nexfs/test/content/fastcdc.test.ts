import { describe, expect, it } from 'vitest';
import { GEAR_HI, GEAR_LO, MASKS, RONOMON_TABLE } from '../../src/content/_gear';
import { CdcStream, chunkStream } from '../../src/content/cdc-stream';
import { FastCdc, type FastCdcOptions } from '../../src/content/fastcdc';
import { createHasher } from '../../src/content/hash';
import { hex, prng, sameBytes, sanityBuffer, vectorBytes, vectorJson } from './_helpers';

interface Table {
  id?: string;
  algorithm: string;
  api?: string;
  input?: string;
  params: { min: number; avg: number; max: number; level: number | null; seed: number | null };
  chunks: { offset: number; length: number; hash?: string; blake3?: string }[];
}

const sekien = vectorBytes('fastcdc/SekienAkashita.jpg');
const expected = vectorJson<{ tables: Table[] }>('fastcdc/expected.json');
const derived = vectorJson<{ tables: Table[] }>('fastcdc/derived_prng4MiB_16k_64k_256k.json');
const gears = vectorJson<{ GEAR: string[]; MASKS: string[]; RONOMON_TABLE: string[] }>(
  'fastcdc/gear_tables.json',
);
const b3 = await createHasher('blake3-256');

function optionsOf(t: Table): FastCdcOptions {
  return {
    minSize: t.params.min,
    avgSize: t.params.avg,
    maxSize: t.params.max,
    level: (t.params.level ?? 1) as 0 | 1 | 2 | 3,
    seed: BigInt(t.params.seed ?? 0),
    version: t.algorithm === 'v2016' ? '2016' : t.algorithm === 'ronomon' ? 'ronomon' : '2020',
  };
}

function checkTable(t: Table, input: Uint8Array): number {
  const cdc = new FastCdc(optionsOf(t));
  expect(cdc.usesWasm).toBe(t.algorithm !== 'ronomon');
  const got = [...cdc.boundaries(input)];
  // The pure-JS scan must give the same chunks and hashes as the WebAssembly kernel.
  const js = [...new FastCdc({ ...optionsOf(t), wasm: false }).boundaries(input)];
  expect(js).toEqual(got);
  expect(got.map((c) => [c.offset, c.length])).toEqual(t.chunks.map((c) => [c.offset, c.length]));
  let digests = 0;
  got.forEach((c, i) => {
    if (t.chunks[i].hash !== undefined) expect(c.hash.toString()).toBe(t.chunks[i].hash);
    const want = t.chunks[i].blake3;
    if (want !== undefined) {
      expect(hex(b3.digest(input.subarray(c.offset, c.offset + c.length)))).toBe(want);
      digests++;
    }
  });
  // The streaming chunker must agree whatever the write sizes.
  const random = prng(t.chunks.length * 7919 + input.length);
  const stream = new CdcStream(cdc);
  const streamed: [number, number, string][] = [];
  const sink = (b: Uint8Array, offset: number, hash: bigint) =>
    streamed.push([offset, b.length, hash.toString()]);
  for (let pos = 0; pos < input.length; ) {
    const n = Math.min(input.length - pos, 1 + Math.floor(random() * 70_000));
    stream.write(input.subarray(pos, pos + n), sink);
    pos += n;
  }
  stream.end(sink);
  expect(streamed).toEqual(got.map((c) => [c.offset, c.length, c.hash.toString()]));
  return digests;
}

describe('FastCDC vectors (fastcdc-rs 4.0.1)', () => {
  it('gear table, ronomon table and masks equal the published tables', () => {
    expect([...RONOMON_TABLE]).toEqual(gears.RONOMON_TABLE.map(Number));
    for (let i = 0; i < 256; i++) {
      const v = BigInt(gears.GEAR[i]);
      expect([GEAR_HI[i], GEAR_LO[i]]).toEqual([Number(v >> 32n), Number(v & 0xffffffffn)]);
    }
    gears.MASKS.forEach((m, i) => {
      const v = BigInt(m);
      expect(MASKS[i]).toEqual([Number(v >> 32n), Number(v & 0xffffffffn)]);
    });
  });

  const gearTables = expected.tables;
  it.each(gearTables.map((t) => [t.id!, t]))('%s', (_id, t) => {
    const input = t.input === 'SekienAkashita.jpg' ? sekien : new Uint8Array(10240);
    checkTable(t, input);
  });

  it('derived 4 MiB tables at the nexfs defaults 16/64/256 KiB (levels 0-3, seed 666, v2016)', () => {
    const input = sanityBuffer(4 * 1024 * 1024);
    let digests = 0;
    let tables = 0;
    for (const t of derived.tables) {
      digests += checkTable(t, input);
      tables++;
    }
    console.log(`fastcdc tables checked: ${tables + gearTables.length}, chunk digests: ${digests}`);
    expect(tables).toBe(7);
  });
});

describe('FastCDC behaviour', () => {
  it('WebAssembly and JS scans agree on random inputs, sizes, levels and seeds', () => {
    const r = prng(77);
    let chunks = 0;
    for (let t = 0; t < 60; t++) {
      const minSize = 64 << Math.floor(r() * 6);
      const avgSize = Math.max(256, minSize * (2 + Math.floor(r() * 6)));
      const maxSize = Math.max(1024, avgSize * (2 + Math.floor(r() * 4)));
      const level = Math.floor(r() * 4) as 0 | 1 | 2 | 3;
      const version = r() < 0.5 ? '2016' : '2020';
      const seed = version === '2020' && r() < 0.5 ? BigInt(Math.floor(r() * 2 ** 32)) * 65537n : 0n;
      const options = { minSize, avgSize, maxSize, level, version, seed } as const;
      const input = sanityBuffer(1 + Math.floor(r() * 300_000));
      const a = [...new FastCdc(options).boundaries(input)];
      const b = [...new FastCdc({ ...options, wasm: false }).boundaries(input)];
      expect(a).toEqual(b);
      chunks += a.length;
    }
    console.log(`fastcdc wasm/js differential chunks: ${chunks}`);
  });

  it('rejects parameters outside the fastcdc-rs limits, naming the argument', () => {
    expect(() => new FastCdc({ minSize: 63, avgSize: 256, maxSize: 1024 })).toThrow(/minSize/);
    expect(() => new FastCdc({ minSize: 64, avgSize: 255, maxSize: 1024 })).toThrow(/avgSize/);
    expect(() => new FastCdc({ minSize: 64, avgSize: 256, maxSize: 1 << 25 })).toThrow(/maxSize/);
    expect(() => new FastCdc({ minSize: 4096, avgSize: 2048, maxSize: 8192 })).toThrow(RangeError);
    expect(() => new FastCdc({ minSize: 64, avgSize: 256, maxSize: 1024, level: 4 as 1 })).toThrow(/level/);
    expect(
      () => new FastCdc({ minSize: 64, avgSize: 256, maxSize: 1024, version: '2016', seed: 1n }),
    ).toThrow(/seed/);
  });

  it('empty input has no chunks; chunks cover the input and respect min/max', () => {
    const cdc = new FastCdc({ minSize: 256, avgSize: 1024, maxSize: 4096 });
    expect([...cdc.boundaries(new Uint8Array(0))]).toEqual([]);
    const input = sanityBuffer(200_000);
    const chunks = [...cdc.boundaries(input)];
    let pos = 0;
    chunks.forEach((c, i) => {
      expect(c.offset).toBe(pos);
      expect(c.length).toBeLessThanOrEqual(4096);
      if (i < chunks.length - 1) expect(c.length).toBeGreaterThanOrEqual(256);
      pos += c.length;
    });
    expect(pos).toBe(input.length);
    const out = new Uint32Array(chunks.length + 5);
    expect(cdc.cutLengths(input, out)).toBe(chunks.length);
    expect([...out.subarray(0, chunks.length)]).toEqual(chunks.map((c) => c.length));
  });

  it('an edit far from a boundary changes only nearby chunks (content-defined, not fixed)', () => {
    const cdc = new FastCdc({ minSize: 1024, avgSize: 4096, maxSize: 16384 });
    const a = sanityBuffer(400_000);
    const b = new Uint8Array(a.length + 7);
    b.set(a.subarray(0, 200_000));
    b.set([1, 2, 3, 4, 5, 6, 7], 200_000);
    b.set(a.subarray(200_000), 200_007);
    const key = (d: Uint8Array) =>
      new Set([...cdc.boundaries(d)].map((c) => hex(b3.digest(d.subarray(c.offset, c.offset + c.length)))));
    const ka = key(a);
    const kb = key(b);
    let shared = 0;
    for (const k of ka) if (kb.has(k)) shared++;
    expect(shared).toBeGreaterThan(ka.size - 4);
  });

  it('async chunkStream over a ReadableStream and an async iterable equals boundaries()', async () => {
    const opts: FastCdcOptions = { minSize: 4096, avgSize: 16384, maxSize: 65535 };
    const want = [...new FastCdc(opts).boundaries(sekien)];
    const rs = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let o = 0; o < sekien.length; o += 10_000) controller.enqueue(sekien.slice(o, o + 10_000));
        controller.close();
      },
    });
    const got = [];
    for await (const c of chunkStream(rs, opts)) {
      expect(sameBytes(c.data, sekien.subarray(c.offset, c.offset + c.length))).toBe(true);
      got.push({ offset: c.offset, length: c.length, hash: c.hash });
    }
    expect(got).toEqual(want);
    async function* gen() {
      for (let o = 0; o < sekien.length; o += 333) yield sekien.subarray(o, o + 333);
    }
    const got2 = [];
    for await (const c of chunkStream(gen(), opts))
      got2.push({ offset: c.offset, length: c.length, hash: c.hash });
    expect(got2).toEqual(want);
  });

  it('streams 64 MiB through a 256 KiB window (bounded memory)', () => {
    const s = new CdcStream({ minSize: 16384, avgSize: 65536, maxSize: 262144 });
    expect(s.windowBytes).toBe(262144);
    const piece = sanityBuffer(1 << 20);
    let total = 0;
    let count = 0;
    const sink = (b: Uint8Array) => {
      total += b.length;
      count++;
    };
    for (let i = 0; i < 64; i++) s.write(piece.subarray(0, (1 << 20) - (i % 3) * 17), sink);
    s.end(sink);
    expect(total).toBe(64 * (1 << 20) - 17 * (21 + 2 * 21));
    expect(count).toBeGreaterThan(500);
  });
});
