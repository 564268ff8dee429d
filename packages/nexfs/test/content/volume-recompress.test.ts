/**
 * Volume-wide background recompression: every chunked file takes the volume's new codec and its
 * chunks are rewritten, in slices, pausable, with progress; the task survives a remount and the
 * `backgroundRecompression` flag stops and restarts it at run time.
 */
import { describe, expect, it } from 'vitest';
import { decodeExtent, extentKey } from '../../src/content-records.js';
import {
  decodeRecompress,
  encodeRecompress,
  RECOMPRESS,
  RECOMPRESS_KEY,
  readRecompress,
} from '../../src/fs-recompress.js';
import { GEOMETRIES, MemoryFlash, Nexfs } from '../../src/index.js';
import { pseudo, SMALL } from './_volume.js';

const enc = new TextEncoder();
const text = (n: number, seed: number) =>
  enc.encode(`record ${seed}: the quick brown fox jumps over the lazy dog. `.repeat(n));

/** Codec id and level of every chunk frame of every chunked file. */
function frameCodecs(fs: Nexfs): Set<string> {
  const out = new Set<string>();
  fs.volume.tree.scan(extentKey(0, 0), new Uint8Array([7]), (k, v) => {
    const e = decodeExtent(k, v);
    if (e === null) return true;
    const frame = fs.content.readFrame(e.name, undefined);
    if (frame !== undefined) out.add(`${frame[3]}/${frame[4]}`);
    return true;
  });
  return out;
}

async function populated() {
  const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
  const fs = await Nexfs.format(flash, { content: { ...SMALL, layout: 'chunked' } });
  const files = new Map<string, Uint8Array>();
  await fs.mkdir('/logs');
  for (let i = 0; i < 12; i++) files.set(`/logs/l${i}`, text(200 + i * 40, i));
  files.set('/random', pseudo(30_000, 3));
  files.set('/paged', text(100, 99));
  for (const [p, d] of files) await fs.writeFile(p, d, p === '/paged' ? { layout: 'pages' } : undefined);
  return { flash, fs, files };
}

async function expectFiles(fs: Nexfs, files: Map<string, Uint8Array>) {
  for (const [p, d] of files) expect(await fs.readFile(p), p).toEqual(d);
}

function frameBytes(fs: Nexfs): number {
  let n = 0;
  fs.content.scanChunks((_name, bytes) => {
    n += bytes;
  });
  return n;
}

describe('volume-wide background recompression', () => {
  it('rewrites every chunked file with the new codec, pausable, with progress', async () => {
    const { fs, files } = await populated();
    expect(frameCodecs(fs)).toEqual(new Set(['0/0']));
    const before = frameBytes(fs);
    // A file open for appending takes the new codec too.
    const fh = await fs.open('/logs/l0', 'a');
    const seen: number[] = [];
    const task = fs.setVolumeCompression(
      { compression: 'zstd', level: 19 },
      { chunksPerSlice: 3, onProgress: (p) => seen.push(p.chunks) },
    );
    expect(task).not.toBeNull();
    if (task === null) return;
    expect(fs.recompression()).toBe(task);
    await new Promise((r) => setTimeout(r, 0));
    task.pause();
    const at = task.progress.chunks;
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
    expect(task.paused).toBe(true);
    expect(task.progress.chunks).toBeLessThanOrEqual(at + 3);
    // The volume stays usable while the task runs.
    const extra = text(50, 1234);
    await fh.write(extra);
    await fh.close();
    files.set('/logs/l0', new Uint8Array([...(files.get('/logs/l0') ?? []), ...extra]));
    task.resume();
    const end = await task.done;
    expect(end.state).toBe('done');
    expect(end.chunksTotal).toBeGreaterThan(12);
    expect(end.rewritten).toBeGreaterThan(12);
    expect(end.bytesAfter).toBeLessThan(end.bytesBefore / 4);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(fs.recompression()).toBeNull();
    expect(readRecompress(fs)).toBeNull();
    // Incompressible chunks stay 'none' (a codec that does not shrink is not stored).
    expect(frameCodecs(fs)).toEqual(new Set(['2/19', '0/0']));
    expect(frameBytes(fs)).toBeLessThan(before);
    expect((await fs.stat('/logs/l3')).content).toMatchObject({ compression: 'zstd', level: 19 });
    expect((await fs.stat('/paged')).content.layout).toBe('pages');
    await fs.writeFile('/new', text(300, 7));
    expect((await fs.stat('/new')).content).toMatchObject({ compression: 'zstd', level: 19 });
    await expectFiles(fs, files);
    expect((await fs.fsck({ verifyData: true })).errors).toEqual([]);
  });

  it('survives a remount: the next read-write mount resumes at the recorded cursor', async () => {
    const { flash, fs, files } = await populated();
    const task = fs.setVolumeCompression({ compression: 'zstd', level: 3 }, { chunksPerSlice: 2 });
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    await fs.unmount();
    const first = await task?.done;
    expect(first?.state).toBe('unmounted');
    const partial = first?.rewritten ?? 0;
    expect(partial).toBeGreaterThan(0);
    // A read-only mount leaves the task alone.
    const ro = await Nexfs.mount(flash, { readOnly: true });
    expect(ro.recompression()).toBeNull();
    expect(readRecompress(ro)?.rewritten).toBe(partial);
    await expectFiles(ro, files);
    const again = await Nexfs.mount(flash);
    const resumed = again.recompression();
    expect(resumed).not.toBeNull();
    const end = await resumed?.done;
    expect(end?.state).toBe('done');
    expect(end?.rewritten).toBeGreaterThan(partial);
    expect(frameCodecs(again)).toEqual(new Set(['2/3', '0/0']));
    await expectFiles(again, files);
    expect((await again.fsck({ verifyData: true })).errors).toEqual([]);
  });

  it('the backgroundRecompression flag stops the task and turning it on resumes it', async () => {
    const { fs, files } = await populated();
    const task = fs.setVolumeCompression({ compression: 'zstd', level: 1 }, { chunksPerSlice: 1 });
    await new Promise((r) => setTimeout(r, 0));
    await fs.setFeatures({ backgroundRecompression: false });
    expect((await task?.done)?.state).toBe('disabled');
    expect(readRecompress(fs)).not.toBeNull();
    await fs.setFeatures({ backgroundRecompression: true });
    const resumed = fs.recompression();
    expect((await resumed?.done)?.state).toBe('done');
    expect(frameCodecs(fs)).toEqual(new Set(['2/1', '0/0']));
    await expectFiles(fs, files);

    // Flag off: the volume codec applies to new chunks only.
    await fs.setFeatures({ backgroundRecompression: false });
    expect(fs.setVolumeCompression({ compression: 'zstd', level: 5 })).toBeNull();
    expect(frameCodecs(fs)).toEqual(new Set(['2/1', '0/0']));
    await fs.writeFile('/fresh', text(400, 8));
    expect((await fs.stat('/fresh')).content).toMatchObject({ compression: 'zstd', level: 5 });
    // A level out of range is a RangeError and changes nothing.
    expect(() => fs.setVolumeCompression({ compression: 'zstd', level: 23 })).toThrow(RangeError);
    expect(fs.content.record.level).toBe(5);
  });
});

describe('SPEC.md recompression task record matches the code', () => {
  it('fields, offsets and the key', async () => {
    const { readFileSync } = await import('node:fs');
    const spec = readFileSync(new URL('../../SPEC.md', import.meta.url), 'utf8');
    const at = spec.indexOf('\n#### Recompression task record\n');
    expect(at).toBeGreaterThan(0);
    const table = spec
      .slice(at)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| field'));
    const fields = new Map(
      table.map((l) => l.split('|').map((c) => c.trim())).map((c) => [c[1], Number(c[2])]),
    );
    for (const [name, offset] of Object.entries(RECOMPRESS))
      if (name !== 'bytes') expect(fields.get(name), name).toBe(offset);
    expect(spec).toContain('| recompression task | 0x05, 0x01 (two bytes)');
    expect([...RECOMPRESS_KEY]).toEqual([0x05, 0x01]);
    const r = { codec: 2, level: 19, cursor: 1234, rewritten: 56 };
    expect(decodeRecompress(encodeRecompress(r))).toEqual(r);
    expect(encodeRecompress(r).length).toBe(RECOMPRESS.bytes);
  });
});
