import { describe, expect, it } from 'vitest';
import { u64 } from '../../src/_bytes.js';
import { fsckVolume } from '../../src/fsck.js';
import { GEOMETRIES, MemoryBlockStore, MemoryFlash, Nexfs, type NexfsError } from '../../src/index.js';
import { frameRunKey, pageKey } from '../../src/records.js';
import { pseudo, SMALL } from './_volume.js';

/** Flips enough bits in one ECC chunk of a page that ECC cannot correct them. */
function smash(flash: MemoryFlash, address: number, at = 64): void {
  const ppb = flash.geometry.pagesPerBlock;
  for (let bit = 0; bit < 48; bit += 8)
    flash.flipStoredBit(Math.floor(address / ppb), address % ppb, at * 8 + bit);
}

async function volume() {
  const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
  const fs = await Nexfs.format(flash, { content: SMALL });
  await fs.mkdir('/d');
  await fs.writeFile('/d/chunked', pseudo(40_000, 1), { layout: 'chunked' });
  await fs.writeFile('/d/pages', pseudo(9_000, 2));
  await fs.snapshot('s');
  await fs.unmount();
  return { flash, fs: await Nexfs.mount(flash) };
}

describe('volume scrub', () => {
  it('a clean volume scrubs clean, with progress, pause and resume', async () => {
    const { fs } = await volume();
    const seen: number[] = [];
    const task = fs.scrub({ unitsPerSlice: 4, onProgress: (p) => seen.push(p.done) });
    task.pause();
    await new Promise((r) => setTimeout(r, 20));
    const pausedAt = task.progress.done;
    await new Promise((r) => setTimeout(r, 20));
    expect(task.progress.done).toBe(pausedAt);
    expect(task.paused).toBe(true);
    task.resume();
    const report = await task.done;
    expect(report.errors).toEqual([]);
    expect(report.lostPaths).toEqual([]);
    expect(report.done).toBe(report.total);
    expect(report.chunks).toBeGreaterThan(10);
    expect(report.metadataPairs).toBeGreaterThan(5);
    expect(report.dataPages).toBeGreaterThan(3);
    expect(report.bytesChecked).toBeGreaterThan(50_000);
    expect(seen.length).toBeGreaterThan(3);
    console.log(`scrub: ${report.bytesChecked} bytes checked, ${report.done} units`);
  });

  it('finds a flipped chunk, names the file and the snapshot, and repairs it from a redundant copy', async () => {
    const { flash, fs } = await volume();
    // Keep a redundant copy of every chunk frame (as another volume or a CAR would hold them).
    const mirror = new MemoryBlockStore();
    for (const key of fs.content.store.blocks.keys()) mirror.put(key, fs.content.store.blocks.get(key)!);
    const v = fs.volume.get(frameRunKey(0, 0))!;
    smash(flash, u64(v, 0));
    const found = await fs.scrub().done;
    expect(found.errors.length).toBe(1);
    expect(found.errors[0]).toMatchObject({ area: 'chunk', repaired: false });
    expect(found.lostPaths.some((p) => p === '/d/chunked' || p === '/d/pages')).toBe(true);
    expect(found.lostPaths).toContain('snapshot 1');
    const fixed = await fs.scrub({ redundant: mirror }).done;
    expect(fixed.repaired).toBe(1);
    const clean = await fs.scrub().done;
    expect(clean.errors).toEqual([]);
    expect(await fs.readFile('/d/chunked')).toEqual(pseudo(40_000, 1));
    await fs.verifySnapshot(1);
  });

  it('finds a flipped data page of a page-map file and names it', async () => {
    const { flash, fs } = await volume();
    const ino = (await fs.stat('/d/pages')).ino;
    smash(flash, u64(fs.volume.get(pageKey(ino, 1))!, 0));
    const report = await fs.scrub().done;
    expect(report.errors).toMatchObject([{ area: 'data', code: 'EIO', repaired: false }]);
    expect(report.lostPaths).toEqual(['/d/pages']);
  });

  it('repairs a B-tree node copy from its mirror, and reports superblock and table copies', async () => {
    const { flash, fs } = await volume();
    const nodes: number[] = [];
    fs.volume.tree.walk((address) => {
      if (address > 0) nodes.push(address);
    });
    smash(flash, nodes[0]); // primary copy of a node
    smash(flash, fs.volume.sb.superblockBlocks[1] * flash.geometry.pagesPerBlock + 1); // mirror of a copy
    smash(flash, fs.volume.tableAddresses[0]);
    const report = await fs.scrub().done;
    const byArea = Object.fromEntries(report.errors.map((e) => [e.area, e]));
    expect(byArea.node).toMatchObject({ code: 'EMIRROR', repaired: true });
    expect(byArea.superblock).toMatchObject({ code: 'EMIRROR' });
    expect(byArea['block-table']).toMatchObject({ code: 'EMIRROR' });
    expect(report.lostPaths).toEqual([]);
    // The node was rewritten: a second scrub no longer sees it.
    const again = await fs.scrub().done;
    expect(again.errors.filter((e) => e.area === 'node')).toEqual([]);
    expect(await fs.readFile('/d/pages')).toEqual(pseudo(9_000, 2));
  });

  it('finds one flipped bit in a frame page without ECC (NOR) by the name, or by the XXH3-64 of a compressed frame, and repairs it', async () => {
    // Frame pages carry no per-page checksum: on a part without ECC one flipped bit reaches the
    // frame, and the name (uncompressed) or the frame's XXH3-64 (compressed, before decoding) finds it.
    for (const compression of ['none', 'rle'] as const) {
      const flash = new MemoryFlash(GEOMETRIES['nor-4m']);
      const fs = await Nexfs.format(flash, { content: SMALL });
      const data =
        compression === 'none' ? pseudo(30_000, 5) : new TextEncoder().encode('aaaaabbbbbcc'.repeat(3000));
      await fs.writeFile('/f', data, { layout: 'chunked', compression });
      const mirror = new MemoryBlockStore();
      for (const key of fs.content.store.blocks.keys()) mirror.put(key, fs.content.store.blocks.get(key)!);
      const address = u64(fs.volume.get(frameRunKey(0, 0))!, 0);
      const ppb = flash.geometry.pagesPerBlock;
      flash.flipStoredBit(Math.floor(address / ppb), address % ppb, 40 * 8 + 3); // a payload byte
      const found = await fs.scrub().done;
      expect(found.errors, compression).toMatchObject([
        { area: 'chunk', code: 'ECHECKSUM', repaired: false },
      ]);
      expect(found.lostPaths).toEqual(['/f']);
      const e = await fs.readFile('/f').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect((e as NexfsError).code).toBe('ECHECKSUM');
      expect((e as NexfsError).path).toBe('/f');
      const fixed = await fs.scrub({ redundant: mirror }).done;
      expect(fixed.repaired).toBe(1);
      expect(await fs.readFile('/f')).toEqual(data);
      expect(fsckVolume(fs.volume).errors).toEqual([]);
    }
  });

  it('a single flipped bit in a frame page of raw NAND is corrected by ECC and scrubs clean', async () => {
    const { flash, fs } = await volume();
    const address = u64(fs.volume.get(frameRunKey(0, 0))!, 0);
    const ppb = flash.geometry.pagesPerBlock;
    flash.flipStoredBit(Math.floor(address / ppb), address % ppb, 100 * 8 + 1);
    const before = fs.volume.stats.correctedErrors;
    const report = await fs.scrub().done;
    expect(report.errors).toEqual([]);
    expect(fs.volume.stats.correctedErrors).toBeGreaterThan(before);
    expect(await fs.readFile('/d/chunked')).toEqual(pseudo(40_000, 1));
  });
});
