/**
 * Rollback commits by one root-register append: the device operations of a rollback end with that
 * append, no journal page is written, and a rebuild that fails midway leaves the flash (and this
 * mount's view of it) in the old state.
 */
import { describe, expect, it } from 'vitest';
import { GEOMETRIES, Nexfs, NexfsError } from '../../src/index.js';
import { inodeKey } from '../../src/records.js';
import { RecordingFlash } from '../_sim.js';
import { pseudo, SMALL } from './_volume.js';

async function tree(fs: Nexfs, dir = '/'): Promise<Map<string, Uint8Array | null>> {
  const out = new Map<string, Uint8Array | null>();
  for (const name of await fs.readdir(dir)) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
    if ((await fs.stat(path)).isDirectory()) {
      out.set(path, null);
      for (const [k, v] of await tree(fs, path)) out.set(k, v);
    } else out.set(path, await fs.readFile(path));
  }
  return out;
}

async function populated(files: number) {
  const flash = new RecordingFlash(GEOMETRIES['spi-nand']);
  const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' }, rebuildDirtyNodes: 8 });
  for (let d = 0; d < 4; d++) {
    await fs.mkdir(`/d${d}`);
    for (let f = 0; f < files / 4; f++)
      await fs.writeFile(`/d${d}/f${f}`, pseudo(200 + ((d * 31 + f * 17) % 3000), d * 1000 + f), {
        layout: f % 3 === 0 ? 'pages' : 'chunked',
      });
  }
  return { flash, fs };
}

describe('rollback by one root-register append', () => {
  it('ends with the register append, writes no journal page, and flushes its tree in between', async () => {
    const { flash, fs } = await populated(120);
    const before = await tree(fs);
    await fs.snapshot('s');
    for (let f = 0; f < 25; f++) await fs.unlink(`/d1/f${f}`);
    await fs.writeFile('/d0/f3', pseudo(9000, 77));
    await fs.mkdir('/new');
    fs.volume.commit();
    const journalPages = fs.volume.stats.journalPages;
    const checkpoints = fs.volume.stats.checkpoints;
    flash.recording = true;
    await fs.rollback(1);
    flash.recording = false;
    expect(fs.volume.rebuilds).toBe(1);
    expect(fs.volume.stats.journalPages).toBe(journalPages);
    // The checkpoint that empties the journal, and the one whose register append commits.
    expect(fs.volume.stats.checkpoints).toBe(checkpoints + 2);
    const ring = new Set(fs.volume.sb.registerBlocks);
    const writes = flash.log.filter((op) => op.k === 'w');
    const inRing = writes.filter((op) => op.k === 'w' && ring.has(op.block));
    expect(inRing).toHaveLength(4); // two records, each a mirrored page pair
    expect(writes.slice(-2).every((op) => op.k === 'w' && ring.has(op.block))).toBe(true);
    // The new tree went to flash in several flushes (rebuildDirtyNodes 8) before the append.
    const firstRecord = writes.indexOf(inRing[1]);
    const lastRecord = writes.indexOf(inRing[2]);
    expect(lastRecord - firstRecord).toBeGreaterThan(16);
    expect(await tree(fs)).toEqual(before);
    expect((await fs.fsck({ verifyData: true })).errors).toEqual([]);
    await fs.unmount();
    const again = await Nexfs.mount(flash);
    expect(await tree(again)).toEqual(before);
  });

  it('a rebuild that fails midway leaves the old state on flash and in this mount, which turns read-only', async () => {
    const { flash, fs } = await populated(20);
    const before = await tree(fs);
    const volume = fs.volume;
    expect(() =>
      volume.rebuild(() => {
        volume.del(inodeKey(2));
        for (let i = 0; i < 100; i++) volume.put(inodeKey(1000 + i), new Uint8Array(32));
        throw new Error('failed midway');
      }),
    ).toThrow('failed midway');
    expect(await tree(fs)).toEqual(before);
    const err = await fs.writeFile('/x', pseudo(10, 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NexfsError);
    expect((err as NexfsError).code).toBe('EROFS');
    const again = await Nexfs.mount(flash);
    expect(await tree(again)).toEqual(before);
    expect((await again.fsck({ verifyData: true })).errors).toEqual([]);
    await again.writeFile('/x', pseudo(10, 1));
  });

  it('a register append that fails leaves the old state on flash and in this mount', async () => {
    const { flash, fs } = await populated(20);
    const before = await tree(fs);
    await fs.snapshot('s');
    await fs.unlink('/d1/f1');
    const after = await tree(fs);
    const ring = (fs.volume as unknown as { register: { write: (body: Uint8Array) => void } }).register;
    const write = ring.write.bind(ring);
    let calls = 0;
    ring.write = (body) => {
      // The rollback's first checkpoint commits; its second (the rollback's own append) fails.
      if (++calls === 2) throw new NexfsError('EIO', 'every root register block failed');
      write(body);
    };
    const err = await fs.rollback(1).catch((e: unknown) => e);
    expect((err as NexfsError).code).toBe('EIO');
    expect(await tree(fs)).toEqual(after);
    expect(fs.volume.readOnly).toBe(true);
    const again = await Nexfs.mount(flash);
    expect(await tree(again)).toEqual(after);
    expect((await again.fsck({ verifyData: true })).errors).toEqual([]);
    await again.rollback(1);
    expect(await tree(again)).toEqual(before);
  });
});
