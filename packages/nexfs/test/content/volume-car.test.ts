import { CarReader } from '@ipld/car';
import { describe, expect, it } from 'vitest';
import { GEOMETRIES, MemoryFlash, Nexfs, NexfsError } from '../../src/index.js';
import { pseudo, SMALL } from './_volume.js';

describe('CAR export and import through the volume', () => {
  it('exports a snapshot readable by @ipld/car and imports it into another volume with dedup', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), { content: SMALL });
    await fs.mkdir('/etc');
    await fs.writeFile('/etc/motd', new TextEncoder().encode('hello'));
    await fs.writeFile('/data.bin', pseudo(50_000, 1), { layout: 'chunked' });
    await fs.writeFile('/pages.bin', pseudo(7_000, 2));
    const snap = await fs.snapshot('export');
    const car = await fs.exportCar(snap.id);
    const reader = await CarReader.fromBytes(car);
    expect((await reader.getRoots()).map(String)).toEqual([snap.root]);
    let blocks = 0;
    for await (const b of reader.blocks()) {
      expect(b.cid.multihash.code).toBe(0x1e);
      blocks++;
    }
    expect(blocks).toBeGreaterThan(10);

    const other = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), { content: SMALL });
    await other.writeFile('/already.bin', pseudo(50_000, 1), { layout: 'chunked' });
    const report = await other.importCar(car, '/restored');
    expect(report.files).toBe(3);
    expect(report.existingBlocks).toBeGreaterThan(5);
    expect(await other.readFile('/restored/data.bin')).toEqual(pseudo(50_000, 1));
    expect(await other.readFile('/restored/pages.bin')).toEqual(pseudo(7_000, 2));
    expect(new TextDecoder().decode(await other.readFile('/restored/etc/motd'))).toBe('hello');
    expect((await other.fsck({ verifyData: true })).errors).toEqual([]);
    // The imported tree commits to the same root as the exported snapshot.
    await other.rename('/already.bin', '/x');
    await other.unlink('/x');
    const mirrored = await other.snapshot();
    expect(mirrored.files).toBe(3);
  });

  it('a truncated or corrupt CAR is a typed error and changes nothing', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), { content: SMALL });
    await fs.writeFile('/a', pseudo(20_000, 3), { layout: 'chunked' });
    const car = await fs.exportCar((await fs.snapshot()).id);
    const target = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), { content: SMALL });
    const chunksBefore = target.content.store.stats.chunks;
    const bad = [car.subarray(0, car.length - 7), car.subarray(0, 40), car.slice()];
    bad[2][car.length - 100] ^= 0x40;
    for (const b of bad) {
      const e = await target.importCar(b, '/in').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(NexfsError);
      expect(await target.readdir('/')).toEqual([]);
      expect(target.content.store.stats.chunks).toBe(chunksBefore);
    }
    await target.mkdir('/full');
    await target.writeFile('/full/x', new Uint8Array(1));
    await expect(target.importCar(car, '/full')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
  });
});
