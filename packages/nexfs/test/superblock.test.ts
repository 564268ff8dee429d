import { describe, expect, it } from 'vitest';
import { GEOMETRIES, MemoryFlash, Nexfs, type NexfsError } from '../src/index.js';
import { PageIO } from '../src/layout.js';
import { decodeSuperblock, encodeSuperblock, SB, type Superblock } from '../src/records.js';
import { SuperblockCopies, scanSuperblocks } from '../src/superblock.js';
import { bytesFor } from './_sim.js';

const tiny = GEOMETRIES['tiny-nor'];
const spi = { ...GEOMETRIES['spi-nand'], blockCount: 256 };

/** Writes `sb` at its generation to every listed copy behind the volume's back. */
function forge(mem: MemoryFlash, sb: Superblock): void {
  const io = new PageIO(mem);
  const copies = new SuperblockCopies(
    io,
    (b) => mem.erase(b),
    () => {},
  );
  for (const [b, st] of scanSuperblocks(io).copies) copies.state.set(b, st);
  for (const b of sb.superblockBlocks) expect(copies.writeCopy(b, sb)).toBe(true);
}

describe('rewritable superblock', () => {
  it('changes feature flags at run time: a new generation every remount sees', async () => {
    const mem = new MemoryFlash(spi);
    const fs = await Nexfs.format(mem);
    await fs.writeFile('/keep', bytesFor(1, 3000));
    const g0 = fs.volume.sb.generation;
    expect(fs.volume.sb.incompatFlags).toBe(0);
    expect(fs.volume.sb.compatFlags).toBe(0);
    fs.volume.setFeatures(0, 0x8000_0001);
    expect(fs.volume.sb.generation).toBe(g0 + 1);
    fs.volume.setFeatures(0, 0x8000_0001); // unchanged: no rewrite
    expect(fs.volume.sb.generation).toBe(g0 + 1);
    await fs.unmount();
    const again = await Nexfs.mount(mem);
    expect(again.volume.sb.compatFlags).toBe(0x8000_0001);
    expect(again.volume.sb.generation).toBe(g0 + 1);
    expect(await again.readFile('/keep')).toEqual(bytesFor(1, 3000));
    expect(() => again.volume.setFeatures(2, 0)).toThrow(RangeError); // bit 1: not known (bit 0 is frameRuns)
    expect(() => again.volume.setFeatures(-1, 0)).toThrow(RangeError);
    expect(() => again.volume.setFeatures(0, 2 ** 32)).toThrow(RangeError);
  });

  it('survives many rewrites (each erases and rewrites every copy block)', async () => {
    const mem = new MemoryFlash(tiny);
    const fs = await Nexfs.format(mem, { superblockReplicas: 1 });
    for (let i = 1; i <= 41; i++) fs.volume.setFeatures(0, i);
    await fs.unmount();
    const again = await Nexfs.mount(mem);
    expect(again.volume.sb.compatFlags).toBe(41);
    expect((await again.fsck()).errors).toEqual([]);
  });

  it('mounts the newest generation when copies disagree, and a read-write mount completes them', async () => {
    const mem = new MemoryFlash(spi);
    const fs = await Nexfs.format(mem);
    await fs.unmount();
    const io = new PageIO(mem);
    const sb = scanSuperblocks(io).sb;
    // A rewrite cut after its second copy: two copies at g + 1, the rest at g.
    const next = { ...sb, generation: sb.generation + 1, compatFlags: 7 };
    const copies = new SuperblockCopies(
      io,
      (b) => mem.erase(b),
      () => {},
    );
    for (const [b, st] of scanSuperblocks(io).copies) copies.state.set(b, st);
    copies.writeCopy(sb.superblockBlocks[3], next);
    copies.writeCopy(sb.superblockBlocks[0], next);
    const ro = await Nexfs.mount(mem.clone(), { readOnly: true });
    expect(ro.volume.sb.compatFlags).toBe(7);
    const rw = await Nexfs.mount(mem);
    expect(rw.volume.sb.compatFlags).toBe(7);
    await rw.unmount();
    const after = scanSuperblocks(new PageIO(mem));
    for (const b of sb.superblockBlocks) expect(after.copies.get(b)?.generation).toBe(next.generation);
  });

  it('rejects an unknown incompatible feature bit and a newer format version with typed errors', async () => {
    const mem = new MemoryFlash(spi);
    const fs = await Nexfs.format(mem);
    await fs.writeFile('/a', bytesFor(2, 100));
    await fs.unmount();
    const sb = scanSuperblocks(new PageIO(mem)).sb;
    const feature = mem.clone();
    forge(feature, { ...sb, generation: sb.generation + 1, incompatFlags: 0x4000_0000 });
    await expect(Nexfs.mount(feature)).rejects.toMatchObject({ code: 'EFEATURE' });
    const compat = mem.clone();
    forge(compat, { ...sb, generation: sb.generation + 1, compatFlags: 0xffff_ffff });
    expect(await (await Nexfs.mount(compat)).readFile('/a')).toEqual(bytesFor(2, 100));
    const newer = mem.clone();
    forge(newer, { ...sb, generation: sb.generation + 1, formatVersion: 2 });
    const e = (await Nexfs.mount(newer).catch((x) => x)) as NexfsError;
    expect(e.code).toBe('ENOTNEXFS');
    expect(e.message).toContain('format version 2');
  });

  it('a reformat starts above any generation an earlier format left behind', async () => {
    const mem = new MemoryFlash(spi);
    const fs = await Nexfs.format(mem);
    for (let i = 0; i < 5; i++) fs.volume.setFeatures(0, i + 1);
    const old = fs.volume.sb.generation;
    await fs.unmount();
    // Move a stale copy somewhere the next format will not overwrite (block 9, in the window).
    const stale = scanSuperblocks(new PageIO(mem)).sb;
    const body = encodeSuperblock({ ...stale, generation: old + 100 });
    expect(decodeSuperblock(body)?.generation).toBe(old + 100);
    mem.erase(9);
    forge(mem, { ...stale, generation: old + 100, superblockBlocks: [9] });
    const fresh = await Nexfs.format(mem);
    expect(fresh.volume.sb.generation).toBeGreaterThan(old + 100);
    await fresh.writeFile('/new', bytesFor(3, 10));
    await fresh.unmount();
    const again = await Nexfs.mount(mem);
    expect(await again.readdir('/')).toEqual(['new']);
    expect(again.volume.sb.uuid).toEqual(fresh.volume.sb.uuid);
  });

  it('keeps the field layout of SPEC.md (generation and flags after the block lists)', () => {
    expect([SB.generation, SB.incompatFlags, SB.compatFlags, SB.bytes]).toEqual([224, 232, 236, 256]);
  });
});
