import { describe, expect, it } from 'vitest';
import { GEOMETRIES, MemoryFlash, Nexfs } from '../../src/index.js';
import { RecordingFlash } from '../_sim.js';
import { SMALL } from './_volume.js';

const text = new TextEncoder().encode('feature flags live in the superblock. '.repeat(3000));

function frameBytes(fs: Nexfs): number {
  let n = 0;
  fs.content.scanChunks((_name, bytes) => {
    n += bytes;
  });
  return n;
}

describe('content feature flags in the superblock', () => {
  it('compression off stores new chunks uncompressed, survives a remount, and keeps unknown bits', async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    expect(fs.features()).toEqual({ compression: true, dedup: true, backgroundRecompression: true });
    fs.volume.setFeatures(0, 0x8000_0000); // a compatible bit of a newer version
    expect(await fs.setFeatures({ compression: false })).toMatchObject({ compression: false });
    expect(fs.volume.sb.compatFlags >>> 0).toBe(0x8000_0001);
    await fs.writeFile('/plain', text, { compression: 'zstd', level: 19 });
    expect(frameBytes(fs)).toBeGreaterThan(text.length);
    await fs.unmount();
    const again = await Nexfs.mount(flash);
    expect(again.features().compression).toBe(false);
    expect(again.volume.sb.compatFlags >>> 0).toBe(0x8000_0001);
    expect(await again.readFile('/plain')).toEqual(text);
    await again.setFeatures({ compression: true });
    expect(await again.setCompression('/plain', { compression: 'zstd', level: 19 })).toBeGreaterThan(0);
    expect(frameBytes(again)).toBeLessThan(text.length / 4);
  });

  it('background recompression off records the codec for new chunks only', async () => {
    const fs = await Nexfs.format(new MemoryFlash(GEOMETRIES['spi-nand']), {
      content: { ...SMALL, layout: 'chunked' },
    });
    await fs.writeFile('/t', text);
    const before = frameBytes(fs);
    await fs.setFeatures({ backgroundRecompression: false });
    expect(await fs.setCompression('/t', { compression: 'zstd', level: 3 })).toBe(0);
    expect(frameBytes(fs)).toBe(before);
    expect((await fs.stat('/t')).content.compression).toBe('zstd');
    await expect(fs.setFeatures({ dedup: 'no' as never })).rejects.toThrow(TypeError);
  });

  it('dedup off writes a fresh frame of every chunk it stores, replacing the stored one (one frame per name)', async () => {
    const flash = new RecordingFlash(GEOMETRIES['spi-nand']);
    flash.recording = true;
    const programs = () => flash.log.filter((op) => op.k === 'w').length;
    const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
    const chunkCount = () => {
      let n = 0;
      fs.content.scanChunks(() => {
        n++;
      });
      return n;
    };
    await fs.writeFile('/a', text, { compression: 'none' });
    const chunks = chunkCount();
    const next = fs.content.record.nextChunk;
    const stored = frameBytes(fs);
    expect(chunks).toBeGreaterThan(3);
    // Dedup on: the same bytes again store nothing, and the stored (uncompressed) frames stay.
    const first = programs();
    await fs.writeFile('/b', text, { compression: 'zstd', level: 3 });
    expect(fs.content.record.nextChunk).toBe(next);
    expect(frameBytes(fs)).toBe(stored);
    const dedupPrograms = programs() - first;
    // Dedup off: every chunk is encoded and programmed again under its name, with this file's
    // codec; the index still holds one frame per name, so no space is duplicated.
    await fs.setFeatures({ dedup: false });
    const before = programs();
    await fs.writeFile('/c', text, { compression: 'zstd', level: 3 });
    expect(fs.content.record.nextChunk).toBe(next + chunks);
    expect(chunkCount()).toBe(chunks);
    expect(frameBytes(fs)).toBeLessThan(stored / 4);
    // At least one page per stored frame beyond what the deduplicated write programmed.
    expect(programs() - before).toBeGreaterThanOrEqual(dedupPrograms + chunks);
    for (const p of ['/a', '/b', '/c']) expect(await fs.readFile(p)).toEqual(text);
    expect((await fs.fsck({ verifyData: true })).errors).toEqual([]);
  });
});
