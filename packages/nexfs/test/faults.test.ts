import { describe, expect, it } from 'vitest';
import type { FlashGeometry } from '../src/device/geometry.js';
import { EmulatedFlash, GEOMETRIES, MemoryFlash, Nexfs, NexfsError, seededRandom } from '../src/index.js';
import { PageKind } from '../src/layout.js';
import { bytesFor } from './_sim.js';
import { expectDurable, writeUntilWornOut } from './_wear-out.js';

const spi = GEOMETRIES['spi-nand'];
const small = { ...spi, blockCount: 128 };

async function filled(flash: EmulatedFlash | MemoryFlash) {
  const fs = await Nexfs.format(flash);
  await fs.mkdir('/d');
  for (let i = 0; i < 8; i++) await fs.writeFile(`/d/f${i}`, bytesFor(i, 5000 + i * 999));
  await fs.unmount();
}

/** Reads every file while single bits flip on reads: each is corrected (by the host or the part) and counted. */
async function readsThroughFlips(geometry: FlashGeometry, seed: number): Promise<void> {
  const flash = new EmulatedFlash(new MemoryFlash(geometry), { seed });
  await filled(flash);
  flash.bitFlipRate = 0.5;
  const fs = await Nexfs.mount(flash);
  for (let i = 0; i < 8; i++) expect(await fs.readFile(`/d/f${i}`)).toEqual(bytesFor(i, 5000 + i * 999));
  expect(flash.flipsInjected).toBeGreaterThan(10);
  expect(fs.volume.io.correctedErrors).toBeGreaterThan(10);
}

describe('bit flips', () => {
  it('corrects single flips on every read (ECC in the spare area)', async () => {
    await readsThroughFlips(small, 4);
  });

  it('contains an uncorrectable data page: EIO naming the file, other files intact', async () => {
    const mem = new MemoryFlash(small);
    await filled(mem);
    const fs0 = await Nexfs.mount(mem);
    const victim = findDataPage(fs0, '/d/f3');
    await fs0.unmount();
    // Two flips in one 512-byte chunk: beyond the code.
    mem.flipStoredBit(Math.floor(victim / spi.pagesPerBlock), victim % spi.pagesPerBlock, 100);
    mem.flipStoredBit(Math.floor(victim / spi.pagesPerBlock), victim % spi.pagesPerBlock, 900);
    const fs = await Nexfs.mount(mem);
    const err = await fs.readFile('/d/f3').catch((e) => e);
    expect(err).toBeInstanceOf(NexfsError);
    expect(err.code).toBe('EIO');
    expect(err.path).toBe('/d/f3');
    for (const i of [0, 1, 2, 4, 5, 6, 7])
      expect(await fs.readFile(`/d/f${i}`)).toEqual(bytesFor(i, 5000 + i * 999));
    const report = await fs.fsck({ verifyData: true });
    expect(report.badDataPages).toBe(1);
  });

  it('repairs metadata from its mirror when the primary copy is unreadable', async () => {
    const mem = new MemoryFlash(small);
    await filled(mem);
    const fs0 = await Nexfs.mount(mem);
    const root = fs0.volume.tree.rootAddress;
    await fs0.unmount();
    const fs1 = await Nexfs.mount(mem);
    const address = fs1.volume.tree.rootAddress;
    expect(address).toBeGreaterThan(0);
    void root;
    // Destroy the primary copy of the tree root (many flips: uncorrectable).
    for (let bit = 0; bit < 64; bit++)
      mem.flipStoredBit(Math.floor(address / spi.pagesPerBlock), address % spi.pagesPerBlock, bit * 97);
    const fs = await Nexfs.mount(mem);
    for (let i = 0; i < 8; i++) expect(await fs.readFile(`/d/f${i}`)).toEqual(bytesFor(i, 5000 + i * 999));
    expect(fs.volume.stats.repairedMetadata).toBeGreaterThan(0);
    await fs.writeFile('/touch', new Uint8Array(1));
    await fs.unmount();
    const again = await Nexfs.mount(mem);
    expect((await again.fsck({ verifyData: true })).errors).toEqual([]);
  });
});

describe('on-die ECC (spi-nand-ecc: the part corrects 8 bits per 512 B, the host writes no code)', () => {
  const onDie = { ...GEOMETRIES['spi-nand-ecc'], blockCount: 128 };

  it('reads through flips the part corrects, and counts them', async () => {
    await readsThroughFlips(onDie, 5);
  });

  it("contains a page past the part's bound: EIO naming the file, other files intact", async () => {
    const mem = new MemoryFlash(onDie);
    await filled(mem);
    const fs0 = await Nexfs.mount(mem);
    const victim = findDataPage(fs0, '/d/f3');
    await fs0.unmount();
    const block = Math.floor(victim / onDie.pagesPerBlock);
    const page = victim % onDie.pagesPerBlock;
    // Eight flips in one sector: corrected by the part.
    for (let k = 0; k < 8; k++) mem.flipStoredBit(block, page, 8 * 512 + k * 131);
    const fs1 = await Nexfs.mount(mem);
    expect(await fs1.readFile('/d/f3')).toEqual(bytesFor(3, 5000 + 3 * 999));
    await fs1.unmount();
    // A ninth in the same sector: past the part's bound.
    mem.flipStoredBit(block, page, 8 * 512 + 4000);
    const fs = await Nexfs.mount(mem);
    const err = await fs.readFile('/d/f3').catch((e) => e);
    expect(err).toBeInstanceOf(NexfsError);
    expect(err.code).toBe('EIO');
    expect(err.path).toBe('/d/f3');
    for (const i of [0, 1, 2, 4, 5, 6, 7])
      expect(await fs.readFile(`/d/f${i}`)).toEqual(bytesFor(i, 5000 + i * 999));
    expect((await fs.fsck({ verifyData: true })).badDataPages).toBe(1);
  });

  it('refuses an on-die image mounted as raw NAND; a raw image reads on an on-die part', async () => {
    const raw = { ...onDie, onDieEccBits: 0 };
    for (const [from, to] of [
      [onDie, raw],
      [raw, onDie],
    ]) {
      const src = new MemoryFlash(from);
      await filled(src);
      const dst = new MemoryFlash(to);
      for (let b = 0; b < from.blockCount; b++) dst.restoreBlock(b, src.snapshotBlock(b));
      if (to === onDie) {
        // A raw image read by an on-die part: its host code is ignored, so the data reads back;
        // only the reverse loses the pages (no host code to check against).
        const fs = await Nexfs.mount(dst);
        expect(await fs.readFile('/d/f1')).toEqual(bytesFor(1, 5000 + 999));
      } else {
        const err = await Nexfs.mount(dst).catch((e) => e);
        expect(err).toBeInstanceOf(NexfsError);
      }
    }
  });
});

describe('bad blocks', () => {
  it('skips factory-bad blocks at format, block 0 included', async () => {
    const flash = new EmulatedFlash(new MemoryFlash(small), { factoryBadBlocks: [0, 2, 5, 40, 41, 100] });
    await filled(flash);
    const fs = await Nexfs.mount(flash);
    expect(fs.statfs().badBlocks).toBe(6);
    expect(fs.volume.sb.superblockBlocks.includes(0)).toBe(false);
    expect((await fs.fsck({ verifyData: true })).errors).toEqual([]);
  });

  it('retires blocks that fail at run time and loses nothing', async () => {
    const g = { ...GEOMETRIES['tiny-nor'], blockCount: 96, eraseBudget: 6 };
    const flash = new EmulatedFlash(new MemoryFlash(g), { seed: 9, wearOut: true, wornProgramFailRate: 0.3 });
    const fs = await Nexfs.format(flash, { superblockReplicas: 1 });
    const run = await writeUntilWornOut(fs, 5, 400, (round, x) => bytesFor(round, 200 + (x % 3000)));
    expect(fs.statfs().stats.retiredBlocks + fs.statfs().badBlocks).toBeGreaterThan(0);
    expect(run.rounds).toBeGreaterThan(20);
    // Every completed write is durable: check through a fresh mount of what is on the flash.
    const again = await expectDurable(flash, run);
    expect((await again.fsck({ verifyData: true })).errors).toEqual([]);
  });
});

describe('superblock replicas', () => {
  it('mounts when every superblock copy but one is destroyed', async () => {
    const mem = new MemoryFlash(spi);
    await filled(mem);
    const fs0 = await Nexfs.mount(mem);
    const copies = fs0.volume.sb.superblockBlocks;
    expect(copies.length).toBe(12);
    await fs0.unmount();
    for (const keep of [0, 5, 11]) {
      const img = mem.clone();
      for (const b of copies) if (b !== copies[keep]) img.erase(b);
      const fs = await Nexfs.mount(img);
      expect(await fs.readFile('/d/f1')).toEqual(bytesFor(1, 5999));
    }
    const none = mem.clone();
    for (const b of copies) none.erase(b);
    await expect(Nexfs.mount(none)).rejects.toMatchObject({ code: 'ENOTNEXFS' });
  });
});

describe('bad input', () => {
  it('rejects blank, random and foreign images with typed errors', async () => {
    await expect(Nexfs.mount(new MemoryFlash(small))).rejects.toMatchObject({ code: 'ENOTNEXFS' });
    const r = seededRandom(7);
    for (let t = 0; t < 20; t++) {
      const mem = new MemoryFlash(GEOMETRIES['tiny-nor']);
      for (let b = 0; b < 64; b++)
        for (let p = 0; p < 8; p++)
          mem.writeRaw(
            b,
            p,
            new Uint8Array(512).map(() => r.nextU32() & 0xff),
          );
      const e = await Nexfs.mount(mem).catch((x) => x);
      expect(e).toBeInstanceOf(NexfsError);
    }
    const other = new MemoryFlash(small);
    await filled(other);
    const grown = new MemoryFlash({ ...small, blockCount: 256 });
    for (let b = 0; b < 128; b++) grown.restoreBlock(b, other.snapshotBlock(b));
    await expect(Nexfs.mount(grown)).rejects.toMatchObject({ code: 'EGEOMETRY' });
  });

  it('survives random corruption of a live image: typed errors or clean data, never a crash', async () => {
    const base = new MemoryFlash(small);
    await filled(base);
    const r = seededRandom(8);
    for (let t = 0; t < 30; t++) {
      const img = base.clone();
      for (let k = 0; k < 200; k++)
        img.flipStoredBit(r.nextU32() % 24, r.nextU32() % 64, r.nextU32() % (2112 * 8));
      try {
        const fs = await Nexfs.mount(img);
        for (let i = 0; i < 8; i++) {
          const got = await fs.readFile(`/d/f${i}`).catch((e) => e);
          if (!(got instanceof NexfsError)) expect(got).toEqual(bytesFor(i, 5000 + i * 999));
        }
      } catch (e) {
        expect(e).toBeInstanceOf(NexfsError);
      }
    }
  });

  it('rejects API misuse with TypeError/RangeError naming the argument', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['tiny-nor']));
    await expect(fs.stat('relative')).rejects.toThrow(/path/);
    await expect(fs.writeFile('/x', 'text' as unknown as Uint8Array)).rejects.toThrow(TypeError);
    await expect(fs.open('/x', 'q' as 'r')).rejects.toThrow(/flags/);
    const fh = await fs.open('/x', 'w');
    await expect(fh.read(new Uint8Array(4), 0, 9)).rejects.toThrow(RangeError);
    await expect(fh.write(new Uint8Array(1), -1)).rejects.toThrow(/position/);
    await fh.close();
    await expect(fs.mkdir(`/${'n'.repeat(300)}`)).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
  });
});

function findDataPage(fs: Nexfs, path: string): number {
  void path;
  const io = fs.volume.io;
  const buf = new Uint8Array(io.payloadBytes);
  const tag = { kind: 0, level: 0, a: 0, b: 0, valid: false };
  const ino = 2 + 1 + 3; // root 1, /d 2, files from 3: f3 is inode 6
  for (let a = 0; a < fs.volume.blockCount * fs.volume.ppb; a++) {
    io.read(a, buf, tag);
    if (tag.valid && tag.kind === PageKind.Data && tag.a === ino && tag.b === 0) {
      const v = fs.volume.get(new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0, ino, 0, 0, 0, 0, 0, 0, 0, 0]));
      if (v && ((v[4] << 24) | (v[5] << 16) | (v[6] << 8) | v[7]) === a) return a;
    }
  }
  throw new Error('data page not found');
}
