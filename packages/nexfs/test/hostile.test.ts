/**
 * Hostile images: real volumes mutated at random (raw bytes, and metadata records rewritten with
 * valid checksums so the decoders see hostile values), truncated parts, foreign bytes and a
 * superblock from a newer version. Mount, fsck, reads and a write must each end with a typed
 * NexfsError or a result; never an untyped exception, an assertion or a runaway loop.
 */
import { describe, expect, it } from 'vitest';
import { crc32c } from '../src/_crc32.js';
import type { FlashGeometry } from '../src/device/geometry.js';
import { eccEncode } from '../src/ecc.js';
import { GEOMETRIES, MemoryFlash, Nexfs, NexfsError, type Random, seededRandom } from '../src/index.js';
import { META_HEADER_BYTES, PageIO, PageKind, SPARE_ECC_OFFSET } from '../src/layout.js';
import { bytesFor } from './_sim.js';

/** Device operations one mount + fsck + reads + write may take before it counts as a runaway. */
const OP_LIMIT = 400_000;

class Runaway extends Error {}

/**
 * Wraps a MemoryFlash: counts operations (past OP_LIMIT every call throws: a hang) and records the
 * blocks written, so that the caller can put them back.
 */
class Guard {
  ops = 0;
  readonly written = new Set<number>();
  markedBad = false;
  constructor(readonly mem: MemoryFlash) {
    const tick = () => {
      if (++this.ops > OP_LIMIT) throw new Runaway(`more than ${OP_LIMIT} device operations`);
    };
    const read = mem.read.bind(mem);
    const program = mem.program.bind(mem);
    const erase = mem.erase.bind(mem);
    const markBad = mem.markBad.bind(mem);
    mem.read = (...a: Parameters<MemoryFlash['read']>) => {
      tick();
      return read(...a);
    };
    mem.program = (...a: Parameters<MemoryFlash['program']>) => {
      tick();
      this.written.add(a[0]);
      return program(...a);
    };
    mem.erase = (...a: Parameters<MemoryFlash['erase']>) => {
      tick();
      this.written.add(a[0]);
      return erase(...a);
    };
    mem.markBad = (b: number) => {
      this.markedBad = true;
      markBad(b);
    };
  }
}

async function buildImage(g: FlashGeometry): Promise<MemoryFlash> {
  const mem = new MemoryFlash(g);
  const fs = await Nexfs.format(mem, {
    superblockReplicas: 1,
    content: { chunking: { minBytes: 256, avgBytes: 1024, maxBytes: 4096 } },
  });
  await fs.mkdir('/d');
  await fs.mkdir('/d/e');
  // A chunked file: its frame runs, chunk index and extents meet the mutations too.
  await fs.writeFile('/d/c', bytesFor(7, 6000), { layout: 'chunked' });
  for (let i = 0; i < 12; i++) await fs.writeFile(`/d/f${i}`, bytesFor(i, 100 + i * 331));
  for (let i = 0; i < 6; i++) await fs.writeFile(`/d/e/g${i}`, bytesFor(50 + i, 40));
  await fs.rename('/d/f0', '/d/e/moved');
  await fs.unlink('/d/f1');
  const h = await fs.open('/log', 'w');
  for (let i = 0; i < 5; i++) await h.write(bytesFor(90 + i, 77), i * 77);
  await h.sync(); // left open: its journal records stay unreplayed on flash
  return mem;
}

/** Walks the tree and reads every file; each step either works or throws a NexfsError. */
async function readAll(fs: Nexfs): Promise<number> {
  let files = 0;
  const walk = async (dir: string, depth: number) => {
    if (depth > 8) return;
    const names = await fs.readdir(dir);
    for (const name of names.slice(0, 64)) {
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      try {
        const st = await fs.stat(path);
        if (st.isDirectory()) await walk(path, depth + 1);
        else if (st.size <= 1 << 20) {
          await fs.readFile(path);
          files++;
        }
      } catch (e) {
        if (!(e instanceof NexfsError)) throw e;
      }
    }
  };
  try {
    await walk('/', 0);
  } catch (e) {
    if (!(e instanceof NexfsError)) throw e;
  }
  return files;
}

interface Tally {
  images: number;
  mounted: number;
  fsckClean: number;
  /** Clean volumes also mounted read-write and written to. */
  written: number;
  fsckDamaged: number;
  rejected: Map<string, number>;
}

/**
 * Mounts a hostile image and exercises it: a typed rejection, or fsck; a clean volume takes a
 * write, a damaged one is served read-only and refuses every mutation with EROFS.
 */
async function exercise(guard: Guard, t: Tally, what: string, deep: boolean): Promise<void> {
  t.images++;
  guard.ops = 0;
  const dev = guard.mem;
  try {
    const fs = await Nexfs.mount(dev, { readOnly: true });
    t.mounted++;
    const report = await fs.fsck();
    if (deep || report.errors.length > 0) await readAll(fs);
    if (report.errors.length > 0) {
      t.fsckDamaged++;
      const e = await fs.writeFile('/new', bytesFor(1, 10)).catch((x) => x);
      expect(e, what).toBeInstanceOf(NexfsError);
      expect((e as NexfsError).code, what).toBe('EROFS');
      return;
    }
    t.fsckClean++;
    if (!deep) return;
    t.written++;
    const rw = await Nexfs.mount(dev);
    await rw.writeFile('/new', bytesFor(2, 300));
    await rw.unlink('/d/e/g0').catch((e) => {
      if (!(e instanceof NexfsError)) throw e;
    });
    await rw.unmount();
  } catch (e) {
    if (e instanceof Runaway || !(e instanceof NexfsError)) {
      throw new Error(`${what}: ${(e as Error).stack ?? e}`);
    }
    t.rejected.set(e.code, (t.rejected.get(e.code) ?? 0) + 1);
  }
}

/** Every page of the image that is not erased: [block, page]. */
function programmedPages(mem: MemoryFlash): [number, number][] {
  const g = mem.geometry;
  const data = new Uint8Array(g.pageSizeBytes);
  const spare = g.spareBytesPerPage > 0 ? new Uint8Array(g.spareBytesPerPage) : undefined;
  const out: [number, number][] = [];
  for (let b = 0; b < g.blockCount; b++)
    for (let p = 0; p < g.pagesPerBlock; p++) {
      mem.read(b, p, data, spare);
      if (!data.every((x) => x === 0xff) || (spare !== undefined && !spare.every((x) => x === 0xff)))
        out.push([b, p]);
    }
  return out;
}

/** Every programmed metadata page pair of the image: [block, page] of the primary. */
function metadataPairs(mem: MemoryFlash): [number, number][] {
  const io = new PageIO(mem);
  const g = mem.geometry;
  const buf = new Uint8Array(io.payloadBytes);
  const tag = { kind: 0, level: 0, a: 0, b: 0, valid: false };
  const out: [number, number][] = [];
  for (let b = 0; b < g.blockCount; b++)
    for (let p = 0; p < g.pagesPerBlock; p += 2) {
      io.read(b * g.pagesPerBlock + p, buf, tag);
      if (tag.valid && tag.kind >= PageKind.Node && tag.kind <= PageKind.Superblock) out.push([b, p]);
    }
  return out;
}

/** Rewrites a page's payload bytes on the part, with a fresh ECC on NAND (so it reads as written). */
function overwritePayload(mem: MemoryFlash, block: number, page: number, payload: Uint8Array): void {
  const g = mem.geometry;
  const data = new Uint8Array(g.pageSizeBytes);
  const spare = g.spareBytesPerPage > 0 ? new Uint8Array(g.spareBytesPerPage) : undefined;
  mem.read(block, page, data, spare);
  data.set(payload);
  if (spare) eccEncode(data, spare, SPARE_ECC_OFFSET);
  mem.erasePageRaw(block, page);
  mem.writeRaw(block, page, data, spare);
}

/**
 * A metadata record with hostile values and a valid checksum: a few body bytes set at random (or
 * a length field), the CRC recomputed, written to both copies so the mirror cannot save it.
 */
function forgeRecord(mem: MemoryFlash, r: Random, block: number, page: number): void {
  const io = new PageIO(mem);
  const buf = new Uint8Array(io.payloadBytes);
  io.read(block * mem.geometry.pagesPerBlock + page, buf);
  const n = Math.min(
    buf[4] | (buf[5] << 8) | (buf[6] << 16) | (buf[7] << 24),
    io.payloadBytes - META_HEADER_BYTES,
  );
  const view = new DataView(buf.buffer);
  const edits = 1 + (r.nextU32() % 4);
  for (let k = 0; k < edits; k++) {
    const at = META_HEADER_BYTES + (r.nextU32() % Math.max(1, n));
    const mode = r.nextU32() % 4;
    if (mode === 0) buf[at] = r.nextU32() & 0xff;
    else if (mode === 1) buf[at] = 0xff;
    else if (mode === 2) buf[at] ^= 1 << (r.nextU32() % 8);
    else if (at + 4 <= buf.length)
      view.setUint32(at, r.nextU32() % 3 === 0 ? 0xffffffff : r.nextU32() % 4096, true);
  }
  const body = buf.subarray(0, META_HEADER_BYTES + n);
  view.setUint32(8, 0, true);
  const crc = crc32c(body);
  view.setUint32(8, crc, true);
  overwritePayload(mem, block, page, buf);
  overwritePayload(mem, block, page + 1, buf);
}

describe('hostile images', () => {
  it('random mutations of real images: typed errors, or a volume that fscks clean or mounts read-only', {
    timeout: 600_000,
  }, async () => {
    const tally: Tally = {
      images: 0,
      mounted: 0,
      fsckClean: 0,
      written: 0,
      fsckDamaged: 0,
      rejected: new Map(),
    };
    const geometries: [string, FlashGeometry, number][] = [
      ['tiny-nor', GEOMETRIES['tiny-nor'], 6000],
      ['spi-nand/48', { ...GEOMETRIES['spi-nand'], blockCount: 48 }, 4000],
    ];
    for (const [name, g, rounds] of geometries) {
      const pristine = await buildImage(g);
      const meta = metadataPairs(pristine);
      const programmed = programmedPages(pristine);
      let guard = new Guard(pristine.clone());
      const r = seededRandom(name.length * 7919);
      for (let t = 0; t < rounds; t++) {
        const work = guard.mem;
        const touched = new Set<number>();
        const how: string[] = [];
        if (t % 3 === 0) {
          // Raw damage: bits flipped in programmed pages (retention errors; ECC and checksums see
          // most of it). Erased pages are left alone: a bit stuck in an erased cell shows up as a
          // program failure on a real part (program verify), which faults.test.ts covers.
          for (let k = 0; k <= r.nextU32() % 6; k++) {
            const [b, page] = programmed[r.nextU32() % programmed.length];
            touched.add(b);
            const bits = (g.pageSizeBytes + g.spareBytesPerPage) * 8;
            for (let j = 0; j < 1 + (r.nextU32() % 3); j++) {
              const bit = r.nextU32() % bits;
              work.flipStoredBit(b, page, bit);
              how.push(`bit ${bit} of block ${b} page ${page}`);
            }
          }
        } else if (t % 10 === 1) {
          // Foreign bytes: a whole written block replaced with random bytes.
          const [b] = programmed[r.nextU32() % programmed.length];
          touched.add(b);
          const page = new Uint8Array(g.pageSizeBytes);
          const spare = g.spareBytesPerPage > 0 ? new Uint8Array(g.spareBytesPerPage) : undefined;
          for (let p = 0; p < g.pagesPerBlock; p++) {
            for (let i = 0; i < page.length; i++) page[i] = r.nextU32() & 0xff;
            if (spare) for (let i = 0; i < spare.length; i++) spare[i] = r.nextU32() & 0xff;
            work.erasePageRaw(b, p);
            work.writeRaw(b, p, page, spare);
          }
          how.push(`foreign bytes in block ${b}`);
        } else {
          // Hostile records with valid checksums: the decoders themselves must hold.
          for (let k = 0; k < 1 + (t % 2); k++) {
            const [b, p] = meta[r.nextU32() % meta.length];
            touched.add(b);
            forgeRecord(work, r, b, p);
            how.push(`record at block ${b} page ${p}`);
          }
        }
        guard.written.clear();
        // Every 16th image is also read whole and, when it fscks clean, written to.
        await exercise(guard, tally, `${name} image ${t} (${how.join(', ')})`, t % 16 === 0);
        // Each image starts from the real volume: put back what the round changed.
        if (guard.markedBad) guard = new Guard(pristine.clone());
        else for (const b of [...touched, ...guard.written]) work.restoreBlock(b, pristine.snapshotBlock(b));
      }
    }
    // Truncated parts: the image copied onto a part with fewer blocks, or with its tail erased.
    {
      const g = GEOMETRIES['tiny-nor'];
      const pristine = await buildImage(g);
      for (let keep = 16; keep < g.blockCount; keep++) {
        const shorter = new MemoryFlash({ ...g, blockCount: keep });
        for (let b = 0; b < keep; b++) shorter.restoreBlock(b, pristine.snapshotBlock(b));
        await exercise(new Guard(shorter), tally, `tiny-nor cut to ${keep} blocks`, false);
        const tail = pristine.clone();
        for (let b = keep; b < g.blockCount; b++) tail.erase(b);
        await exercise(new Guard(tail), tally, `tiny-nor with blocks ${keep}.. erased`, true);
      }
    }
    const rejected = [...tally.rejected].map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(
      `corrupt images mounted: ${tally.mounted} of ${tally.images} (${tally.fsckClean} fsck clean (${tally.written} of them also written to), ${tally.fsckDamaged} damaged and served read-only; rejected: ${rejected})`,
    );
    expect(tally.images).toBeGreaterThanOrEqual(10_000);
    expect(tally.rejected.get('EGEOMETRY')).toBeGreaterThan(0);
    expect(tally.mounted).toBeGreaterThan(0);
    expect(tally.fsckDamaged).toBeGreaterThan(0);
  });
});
