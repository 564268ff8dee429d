import { describe, expect, it } from 'vitest';
import { u64 } from '../../src/_bytes.js';
import { GEOMETRIES, MemoryFlash, Nexfs, NexfsError } from '../../src/index.js';
import { frameRunKey } from '../../src/records.js';
import { pseudo, SMALL } from './_volume.js';

const enc = new TextEncoder();

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

async function populated(layout: 'pages' | 'chunked') {
  const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
  const fs = await Nexfs.format(flash, { content: { ...SMALL, layout } });
  await fs.mkdir('/etc');
  await fs.mkdir('/empty');
  await fs.writeFile('/etc/motd', enc.encode('hello flash'));
  await fs.writeFile('/big.bin', pseudo(60_000, 1));
  const fh = await fs.open('/log', 'a');
  await fh.write(enc.encode('line 1\n'));
  await fh.close();
  return { flash, fs };
}

describe('snapshots on the volume', () => {
  for (const layout of ['pages', 'chunked'] as const)
    it(`create, list, read, diff, rollback and delete (${layout} files)`, async () => {
      const { flash, fs } = await populated(layout);
      const before = await tree(fs);
      const s1 = await fs.snapshot('first');
      expect(s1).toMatchObject({ id: 1, parentId: 0, files: 3, directories: 3, label: 'first' });
      expect(s1.root.startsWith('b')).toBe(true);
      // The same tree commits to the same root.
      const s2 = await fs.snapshot('same');
      expect(s2.root).toBe(s1.root);
      expect(s2.parentId).toBe(1);

      await fs.writeFile('/etc/motd', enc.encode('changed'));
      await fs.unlink('/log');
      await fs.writeFile('/new', pseudo(5000, 2));
      await fs.rmdir('/empty');
      expect(await fs.diff(1)).toEqual({ added: ['/new'], removed: ['/log'], changed: ['/etc/motd'] });
      expect(await fs.diff(1, 2)).toEqual({ added: [], removed: [], changed: [] });
      expect(new TextDecoder().decode(await fs.readSnapshotFile(1, '/etc/motd'))).toBe('hello flash');

      await fs.unmount();
      const again = await Nexfs.mount(flash);
      expect((await again.snapshots()).map((s) => s.id)).toEqual([1, 2]);
      await again.rollback(1);
      expect(await tree(again)).toEqual(before);
      await again.unmount();
      const third = await Nexfs.mount(flash);
      expect(await tree(third)).toEqual(before);
      expect((await third.fsck({ verifyData: true })).errors).toEqual([]);
      // Writes after a rollback work on the restored (chunked) files.
      await third.appendFile('/log', enc.encode('line 2\n'));
      expect(new TextDecoder().decode(await third.readFile('/log'))).toBe('line 1\nline 2\n');
      await third.deleteSnapshot(2);
      expect((await third.snapshots()).map((s) => s.id)).toEqual([1]);
      expect((await third.verifySnapshot(1)).chunks).toBeGreaterThan(0);
    });

  it('a snapshot id that does not exist is a typed error and changes nothing', async () => {
    const { fs } = await populated('chunked');
    const before = await tree(fs);
    for (const call of [
      () => fs.rollback(7),
      () => fs.deleteSnapshot(7),
      () => fs.readSnapshotFile(7, '/etc/motd'),
      () => fs.diff(7),
      () => fs.verifySnapshot(7),
    ]) {
      const e = await call().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(NexfsError);
      expect((e as NexfsError).code).toBe('ENOENT');
    }
    expect(await tree(fs)).toEqual(before);
    expect(await fs.snapshots()).toEqual([]);
  });

  it('verify fails on flipped bits under a snapshot, and passes before', async () => {
    const { flash, fs } = await populated('chunked');
    const snap = await fs.snapshot();
    expect((await fs.verifySnapshot(snap.id)).nodes).toBeGreaterThan(3);
    const ppb = flash.geometry.pagesPerBlock;
    // Tamper with the first page of every chunk in turn: verify must fail each time.
    let tampered = 0;
    for (let chunkNo = 0; chunkNo < 6; chunkNo++) {
      const v = fs.volume.get(frameRunKey(chunkNo, 0));
      if (v === undefined) continue;
      const copy = flash.clone();
      const address = u64(v, 0);
      for (let bit = 0; bit < 48; bit += 8)
        copy.flipStoredBit(Math.floor(address / ppb), address % ppb, 64 + bit);
      const victim = await Nexfs.mount(copy, { readOnly: true });
      const e = await victim.verifySnapshot(snap.id).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e, `chunk ${chunkNo}`).toBeInstanceOf(NexfsError);
      tampered++;
    }
    expect(tampered).toBeGreaterThan(3);
  });

  it('collects chunks no tree references, and keeps what snapshots hold', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    const a = pseudo(40_000, 5);
    await fs.writeFile('/a', a);
    const snap = await fs.snapshot('keep a');
    await fs.writeFile('/a', pseudo(40_000, 6));
    const held = await fs.collectGarbage();
    expect(held.removed).toBe(0);
    expect(await fs.readSnapshotFile(snap.id, '/a')).toEqual(a);
    await fs.deleteSnapshot(snap.id);
    const freed = await fs.collectGarbage();
    expect(freed.removed).toBeGreaterThan(5);
    expect(freed.freedBytes).toBeGreaterThan(30_000);
    expect((await fs.fsck({ verifyData: true })).errors).toEqual([]);
    expect((await fs.collectGarbage()).removed).toBe(0);
  });

  it('rewriting a file many times on a small volume reclaims its old chunks by itself', async () => {
    const g = { ...GEOMETRIES['spi-nand'], blockCount: 40 };
    const fs = await Nexfs.format(new MemoryFlash(g), {
      superblockReplicas: 0,
      content: { ...SMALL, layout: 'chunked' },
    });
    // 60 x 100 kB is more than the 40 x 128 KiB part holds: ENOSPC must sweep the old chunks.
    for (let i = 0; i < 60; i++) await fs.writeFile('/f', pseudo(100_000, 100 + i));
    expect(await fs.readFile('/f')).toEqual(pseudo(100_000, 159));
    // Without sweeps the part would hold all 60 versions (about 1,500 chunks); it cannot.
    expect(fs.content.store.stats.chunks).toBeLessThan(1000);
  });
});
