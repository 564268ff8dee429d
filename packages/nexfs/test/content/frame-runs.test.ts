import { describe, expect, it } from 'vitest';
import { u16, u64 } from '../../src/_bytes.js';
import { CHUNK_INO_BASE, chunkKey, encodeChunkRef } from '../../src/content-records.js';
import { fsckVolume } from '../../src/fsck.js';
import { EmulatedFlash, GEOMETRIES, MemoryFlash, Nexfs, NexfsError } from '../../src/index.js';
import { decodeFrameRun, FRAMERUN, frameRunKey, IncompatBits, KeyKind, pageKey } from '../../src/records.js';
import { expectDurable, writeUntilWornOut } from '../_wear-out.js';
import { pseudo, SMALL } from './_volume.js';

/** Every frame run of the volume, decoded, in key order. */
function runsOf(fs: Nexfs) {
  const out: NonNullable<ReturnType<typeof decodeFrameRun>>[] = [];
  fs.volume.tree.scan(new Uint8Array([KeyKind.FrameRun]), new Uint8Array([KeyKind.FrameRun + 1]), (k, v) => {
    const run = decodeFrameRun(k, v, fs.volume.ppb);
    expect(run).not.toBeNull();
    out.push(run!);
    return true;
  });
  return out;
}

/** Keys of page-map entries in the chunk space (the layout before frame runs). */
function framePageMaps(fs: Nexfs): number {
  let n = 0;
  fs.volume.tree.scan(pageKey(CHUNK_INO_BASE, 0), new Uint8Array([KeyKind.Page + 1]), () => {
    n++;
    return true;
  });
  return n;
}

describe('chunk frames as runs of pages', () => {
  it('sets the frameRuns incompatible bit with the first frame, keeps it over remounts, and a volume without chunks stays without it', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: SMALL });
    await fs.writeFile('/pages', pseudo(20_000, 1));
    await fs.unmount();
    let again = await Nexfs.mount(flash);
    expect(again.volume.sb.incompatFlags).toBe(0);
    await again.writeFile('/chunked', pseudo(50_000, 2), { layout: 'chunked' });
    expect(again.volume.sb.incompatFlags & IncompatBits.frameRuns).toBe(IncompatBits.frameRuns);
    await again.unmount();
    again = await Nexfs.mount(flash, { readOnly: true });
    expect(again.volume.sb.incompatFlags).toBe(IncompatBits.frameRuns);
    expect(await again.readFile('/chunked')).toEqual(pseudo(50_000, 2));
    expect(framePageMaps(again)).toBe(0);
  });

  it('refuses a volume whose frames are page-mapped (the layout before frame runs) with EFORMAT naming the reason, read-only too', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash);
    await fs.writeFile('/a', pseudo(5_000, 3));
    // What the earlier writer stored: frame pages under page-map entries of pseudo-inode
    // 2^48 + chunk number, a chunk index entry, and no frameRuns bit.
    const frame = pseudo(100, 4);
    fs.volume.writeDataPage(CHUNK_INO_BASE, 0, frame, frame.length);
    fs.volume.put(
      chunkKey(new Uint8Array(32).fill(7)),
      encodeChunkRef({ chunkNo: 0, frameBytes: 100, plainBytes: 76 }),
    );
    fs.volume.commit();
    await fs.unmount();
    for (const readOnly of [false, true]) {
      const e = await Nexfs.mount(flash, { readOnly }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(NexfsError);
      expect((e as NexfsError).code).toBe('EFORMAT');
      expect((e as NexfsError).message).toMatch(/before frame runs/);
    }
  });

  it('maps a frame with one key per run (one or two per chunk), not one entry per page, journaled in the write call', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { layout: 'chunked' } });
    await fs.writeFile('/big', pseudo(4 << 20, 5));
    let chunks = 0;
    let pages = 0;
    fs.content.scanChunks((_n, bytes) => {
      chunks++;
      pages += Math.ceil(bytes / fs.volume.io.payloadBytes);
    });
    const runs = runsOf(fs);
    expect(chunks).toBeGreaterThan(40);
    // A 2 KiB-page, 64-page block holds 128 KiB: a 64 KiB-average frame crosses at most one block end.
    expect(runs.length).toBeLessThanOrEqual(2 * chunks);
    expect(runs.reduce((n, r) => n + r.pages, 0)).toBe(pages);
    expect(framePageMaps(fs)).toBe(0);
    expect(fsckVolume(fs.volume, { verifyData: true }).errors).toEqual([]);
    console.log(`frame runs: ${runs.length} for ${chunks} chunks, ${pages} pages`);
  });

  it('garbage collection moves whole runs and replaces their keys: bytes, snapshots and fsck intact', async () => {
    const g = { ...GEOMETRIES['spi-nand'], blockCount: 48 };
    const fs = await Nexfs.format(new MemoryFlash(g), {
      superblockReplicas: 0,
      content: { ...SMALL, layout: 'chunked' },
    });
    const keep = pseudo(300_000, 6);
    await fs.writeFile('/keep', keep);
    const snap = await fs.snapshot('keep');
    // Small kept files between rewritten ones: blocks end up partly live, so the collector must
    // move live runs out of them.
    for (let i = 0; i < 60; i++) {
      await fs.writeFile(`/small${i}`, pseudo(6_000, 1000 + i));
      await fs.writeFile(`/churn${i % 2}`, pseudo(150_000, 200 + i));
    }
    expect(fs.volume.stats.gcPagesMoved).toBeGreaterThan(0);
    expect(await fs.readFile('/keep')).toEqual(keep);
    for (let i = 0; i < 60; i++) expect(await fs.readFile(`/small${i}`)).toEqual(pseudo(6_000, 1000 + i));
    await fs.verifySnapshot(snap.id);
    for (const r of runsOf(fs)) {
      expect(Math.floor(r.address / fs.volume.ppb)).toBe(
        Math.floor((r.address + r.pages - 1) / fs.volume.ppb),
      );
    }
    expect(fsckVolume(fs.volume, { verifyData: true }).errors).toEqual([]);
    await fs.unmount();
  });

  it('static wear levelling moves cold frame runs whole to worn blocks', async () => {
    const g = { ...GEOMETRIES['spi-nand'], blockCount: 48, pagesPerBlock: 16 };
    const fs = await Nexfs.format(new MemoryFlash(g), {
      superblockReplicas: 0,
      wearLevelGap: 2,
      content: { ...SMALL, layout: 'chunked' },
    });
    const cold = pseudo(60_000, 40);
    await fs.writeFile('/cold', cold);
    const before = new Map(runsOf(fs).map((r) => [`${r.chunkNo}/${r.firstPage}`, r.address]));
    // Rewrites until passes over the blocks have left the cold file's blocks settled and worn less.
    for (let i = 0; i < 400 && fs.volume.stats.staticMoves < 3; i++)
      await fs.writeFile('/hot', pseudo(20_000, 300 + i));
    expect(fs.volume.stats.staticMoves).toBeGreaterThanOrEqual(3);
    expect(fs.volume.stats.frameRunsMoved).toBeGreaterThan(0);
    // The cold file's runs (written first) moved: its full blocks by static wear levelling, the block
    // it shares with hot data possibly by collection.
    const moved = runsOf(fs).filter((r) => {
      const was = before.get(`${r.chunkNo}/${r.firstPage}`);
      return was !== undefined && was !== r.address;
    });
    expect(moved.length).toBeGreaterThan(0);
    expect(await fs.readFile('/cold')).toEqual(cold);
    expect(fsckVolume(fs.volume, { verifyData: true }).errors).toEqual([]);
    console.log(
      `static wear levelling: ${fs.volume.stats.staticMoves} moves, ${fs.volume.stats.frameRunsMoved} frame runs moved`,
    );
  });

  it('frames survive blocks that fail at run time (runs split and relocated), with fsck clean', async () => {
    const g = { ...GEOMETRIES['tiny-nor'], blockCount: 96, eraseBudget: 6 };
    const flash = new EmulatedFlash(new MemoryFlash(g), { seed: 9, wearOut: true, wornProgramFailRate: 0.3 });
    const fs = await Nexfs.format(flash, {
      superblockReplicas: 1,
      content: { chunking: { minBytes: 256, avgBytes: 1024, maxBytes: 4096 }, layout: 'chunked' },
    });
    const run = await writeUntilWornOut(fs, 5, 300, (round, x) => pseudo(500 + (x % 6000), round));
    expect(fs.statfs().stats.retiredBlocks + fs.statfs().badBlocks).toBeGreaterThan(0);
    const again = await expectDurable(flash, run);
    expect(fsckVolume(again.volume, { verifyData: true }).errors).toEqual([]);
  });

  it('fsck reports a run that leaves a hole in its frame', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), {
      content: { ...SMALL, layout: 'chunked' },
    });
    await fs.writeFile('/f', pseudo(20_000, 8));
    const runs = runsOf(fs);
    const last = runs.find((r) => r.firstPage > 0) ?? runs[runs.length - 1];
    const key = frameRunKey(last.chunkNo, last.firstPage);
    const v = fs.volume.get(key)!;
    expect(u64(v, FRAMERUN.address)).toBe(last.address);
    expect(u16(v, FRAMERUN.pages)).toBe(last.pages);
    fs.volume.del(key);
    const errors = fsckVolume(fs.volume).errors;
    expect(errors.some((e) => /runs cover|expected/.test(e))).toBe(true);
    const e = await fs.readFile('/f').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(NexfsError);
  });
});
