import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { u64 } from '../../src/_bytes.js';
import { decodeExtent, extentKey } from '../../src/content-records.js';
import {
  ContentError,
  FastCdc,
  GEOMETRIES,
  MemoryFlash,
  NEXFS_CDC_DEFAULTS,
  Nexfs,
  NexfsError,
} from '../../src/index.js';
import { frameRunKey } from '../../src/records.js';
import { pseudo, SMALL } from './_volume.js';

describe('chunked files on flash', () => {
  it('round-trips, deduplicates across files and survives a remount', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    const data = pseudo(200_000, 1);
    await fs.writeFile('/a.bin', data);
    const chunksAfterA = fs.content.store.stats.chunks;
    await fs.mkdir('/copy');
    await fs.writeFile('/copy/b.bin', data);
    expect(fs.content.store.stats.chunks).toBe(chunksAfterA);
    expect((await fs.stat('/a.bin')).content).toEqual({
      layout: 'chunked',
      checksum: 'blake3-256',
      compression: 'none',
      level: 0,
    });
    await fs.unmount();
    const again = await Nexfs.mount(flash);
    expect(await again.readFile('/a.bin')).toEqual(data);
    expect(await again.readFile('/copy/b.bin')).toEqual(data);
    expect((await again.fsck({ verifyData: true })).errors).toEqual([]);
  });

  for (const checksum of ['blake3-256', 'blake3-128', 'xxh3-64'] as const)
    for (const compression of ['none', 'rle', 'zstd'] as const)
      it(`stores checksum ${checksum} with ${compression} per inode`, async () => {
        const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
        const fs = await Nexfs.format(flash, { content: SMALL });
        const data = new TextEncoder().encode('nexfs '.repeat(20_000));
        const level = compression === 'zstd' ? 9 : undefined;
        await fs.writeFile('/f', data, { layout: 'chunked', checksum, compression, level });
        await fs.unmount();
        const again = await Nexfs.mount(flash);
        expect(await again.readFile('/f')).toEqual(data);
        expect((await again.stat('/f')).content).toEqual({
          layout: 'chunked',
          checksum,
          compression,
          level: level ?? 0,
        });
      });

  it('rejects a bad level or layout with a typed error and changes nothing', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']));
    await expect(fs.writeFile('/x', new Uint8Array(10), { compression: 'zstd', level: 23 })).rejects.toThrow(
      RangeError,
    );
    await expect(fs.writeFile('/x', new Uint8Array(10), { compression: 'zstd', level: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(fs.writeFile('/x', new Uint8Array(10), { layout: 'tree' as never })).rejects.toThrow(
      TypeError,
    );
    expect(await fs.readdir('/')).toEqual([]);
  });

  it('matches a plain array model under random writes, truncates, syncs and remounts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant('write' as const),
              at: fc.nat(60_000),
              len: fc.integer({ min: 1, max: 20_000 }),
              seed: fc.nat(),
            }),
            fc.record({ op: fc.constant('truncate' as const), size: fc.nat(70_000) }),
            fc.record({ op: fc.constant('sync' as const) }),
            fc.record({ op: fc.constant('remount' as const) }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        async (ops) => {
          const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
          let fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
          let model = new Uint8Array(0);
          let fh = await fs.open('/f', 'w+');
          for (const o of ops) {
            if (o.op === 'write') {
              const data = pseudo(o.len, o.seed);
              await fh.write(data, o.at);
              const next = new Uint8Array(Math.max(model.length, o.at + o.len));
              next.set(model);
              next.set(data, o.at);
              model = next;
            } else if (o.op === 'truncate') {
              await fh.truncate(o.size);
              const next = new Uint8Array(o.size);
              next.set(model.subarray(0, Math.min(o.size, model.length)));
              model = next;
            } else if (o.op === 'sync') {
              await fh.sync();
            } else {
              await fh.close();
              await fs.unmount();
              fs = await Nexfs.mount(flash);
              fh = await fs.open('/f', 'r+');
            }
            const back = new Uint8Array(model.length);
            expect(await fh.read(back, 0, back.length, 0)).toBe(model.length);
            expect(back).toEqual(model);
          }
          await fh.close();
          expect((await fs.fsck({ verifyData: true })).errors).toEqual([]);
        },
      ),
      { numRuns: 15, seed: 4 },
    );
  });

  it('appends in small pieces chunk the stream once (boundaries as a one-shot write)', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    const data = pseudo(150_000, 9);
    await fs.writeFile('/whole', data);
    const chunks = fs.content.store.stats.chunks;
    const fh = await fs.open('/pieces', 'w');
    for (let at = 0; at < data.length; at += 1000) await fh.write(data.subarray(at, at + 1000));
    await fh.close();
    // Same cut points: every chunk but possibly the last is shared with /whole.
    expect(fs.content.store.stats.chunks).toBeLessThanOrEqual(chunks + 1);
    expect(await fs.readFile('/pieces')).toEqual(data);
  });

  it('cuts a file written in pieces where a one-shot chunker over its bytes cuts (pending tail joined to large writes)', async () => {
    // Large writes after a pending tail cut the tail's chunks with just enough of the new bytes
    // and then cut straight from the caller's bytes; the boundaries must be the one-shot ones.
    const cutsOf = async (fs: Nexfs, path: string) => {
      const { ino } = await fs.stat(path);
      const offsets: number[] = [];
      fs.volume.tree.scan(extentKey(ino, 0), extentKey(ino + 1, 0), (k, v) => {
        const e = decodeExtent(k, v);
        if (e !== null) offsets.push(e.offset, e.length);
        return undefined;
      });
      return offsets;
    };
    const cases = [
      {
        chunking: SMALL.chunking,
        n: 400_000,
        sizes: [1000, 40_000, 7, 70_000, 33_000, 5000, 100_000, 32_769],
      },
      { chunking: undefined, n: 3_500_000, sizes: [700_000, 3, 1_300_000, 600_000] },
    ];
    for (const { chunking, n, sizes } of cases) {
      const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), {
        content: { ...(chunking ? { chunking } : {}), layout: 'chunked' },
      });
      const data = pseudo(n, 21);
      const cdc = new FastCdc(
        chunking ? { minSize: 1024, avgSize: 4096, maxSize: 16384 } : NEXFS_CDC_DEFAULTS,
      );
      const want = [...cdc.boundaries(data)].flatMap((c) => [c.offset, c.length]);
      await fs.writeFile('/whole', data); // 1 MiB atomic pieces: the later ones meet a tail
      expect(await cutsOf(fs, '/whole')).toEqual(want);
      const fh = await fs.open('/pieces', 'w');
      for (let at = 0, i = 0; at < n; i++) {
        const m = Math.min(n - at, sizes[i % sizes.length]);
        await fh.write(data.subarray(at, at + m));
        at += m;
      }
      await fh.close();
      expect(await cutsOf(fs, '/pieces')).toEqual(want);
      // Compared as one buffer: an element-wise deep equality of 3.5 MB takes seconds.
      expect(Buffer.compare(await fs.readFile('/pieces'), data)).toBe(0);
    }
  });

  it('reports flipped bits in a chunk as a typed error naming the file', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    await fs.writeFile('/victim', pseudo(30_000, 3));
    // Several bits in one ECC chunk: beyond single-bit correction, so the read must fail typed.
    const v = fs.volume.get(frameRunKey(0, 0));
    expect(v).toBeDefined();
    const address = u64(v!, 0);
    const ppb = flash.geometry.pagesPerBlock;
    for (let bit = 0; bit < 64; bit += 8)
      flash.flipStoredBit(Math.floor(address / ppb), address % ppb, 800 + bit);
    const error = await fs.readFile('/victim').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NexfsError);
    expect((error as NexfsError).path).toBe('/victim');
    expect(['EIO', 'ECHECKSUM']).toContain((error as NexfsError).code);
    expect(new ContentError('ECHECKSUM', 'x')).toBeInstanceOf(NexfsError);
  });
  it('recompresses a file copy-on-write and keeps its bytes', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    const data = new TextEncoder().encode('compressible text, '.repeat(10_000));
    await fs.writeFile('/t', data);
    const frameBytes = () => {
      let n = 0;
      fs.content.scanChunks((_name, bytes) => {
        n += bytes;
      });
      return n;
    };
    const before = frameBytes();
    const rewritten = await fs.setCompression('/t', { compression: 'zstd', level: 19 });
    expect(rewritten).toBeGreaterThan(0);
    expect(frameBytes()).toBeLessThan(before / 4);
    expect((await fs.stat('/t')).content).toMatchObject({ compression: 'zstd', level: 19 });
    await expect(fs.setCompression('/t', { compression: 'zstd', level: 30 })).rejects.toThrow(RangeError);
    await fs.unmount();
    const again = await Nexfs.mount(flash);
    expect(await again.readFile('/t')).toEqual(data);
    expect((await again.fsck({ verifyData: true })).errors).toEqual([]);
  });
});
