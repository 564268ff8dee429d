/**
 * Simulation helpers shared by the power-loss runner and the model tests: a recording flash part,
 * a reference model of a directory tree, operation scripts, and a state digest of a live volume.
 */
import { crc32c } from '../src/_crc32.js';
import type { FlashGeometry } from '../src/device/geometry.js';
import { MemoryFlash } from '../src/device/memory.js';
import type { FileHandle, Nexfs } from '../src/fs.js';
import { type Random, randomInt, seededRandom } from '../src/random.js';

/** One device effect, as recorded below the fault injector. */
export type LogOp =
  | { k: 'w'; block: number; page: number; data: Uint8Array; spare: Uint8Array | undefined }
  | { k: 'e'; block: number }
  | { k: 'p'; block: number; page: number }
  | { k: 'b'; block: number }
  | { k: 's' };

/** A RAM part that logs every raw effect (programs, erases, barriers, bad marks). */
export class RecordingFlash extends MemoryFlash {
  log: LogOp[] = [];
  recording = false;
  override writeRaw(block: number, page: number, data: Uint8Array, spare?: Uint8Array): void {
    if (this.recording) this.log.push({ k: 'w', block, page, data: data.slice(), spare: spare?.slice() });
    super.writeRaw(block, page, data, spare);
  }
  override erase(block: number): boolean {
    if (this.recording) this.log.push({ k: 'e', block });
    return super.erase(block);
  }
  override erasePageRaw(block: number, page: number): void {
    if (this.recording) this.log.push({ k: 'p', block, page });
    super.erasePageRaw(block, page);
  }
  override markBad(block: number): void {
    if (this.recording) this.log.push({ k: 'b', block });
    super.markBad(block);
  }
  override sync(): void {
    if (this.recording) this.log.push({ k: 's' });
  }
}

/** Applies a logged effect to a part, bypassing the program rules (the effect already happened). */
export function applyLogOp(flash: MemoryFlash, op: LogOp): void {
  if (op.k === 'w') flash.writeRaw(op.block, op.page, op.data, op.spare);
  else if (op.k === 'e') flash.erase(op.block);
  else if (op.k === 'p') flash.erasePageRaw(op.block, op.page);
  else if (op.k === 'b') flash.markBad(op.block);
}

/** A file-tree operation the scripts are made of. */
export type Op =
  | { op: 'mkdir'; path: string }
  | { op: 'rmdir'; path: string }
  | { op: 'writeFile'; path: string; size: number; seed: number }
  | { op: 'open'; path: string; flags: 'w' | 'a' | 'r+' }
  | { op: 'write'; path: string; at: number; size: number; seed: number }
  | { op: 'append'; path: string; size: number; seed: number }
  | { op: 'sync'; path: string }
  | { op: 'close'; path: string }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'rename'; from: string; to: string }
  | { op: 'unlink'; path: string }
  /** Rewrites the superblock with new compatible feature flags. */
  | { op: 'features'; compat: number };

/** True for operations whose completion makes everything before them durable. */
export function isSyncOp(op: Op): boolean {
  return op.op !== 'open' && op.op !== 'write' && op.op !== 'append';
}

/** Deterministic bytes for (seed, size). */
export function bytesFor(seed: number, size: number): Uint8Array {
  const r = seededRandom(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const v = r.nextU32();
    out[i] = v;
    if (i + 1 < size) out[i + 1] = v >>> 8;
    if (i + 2 < size) out[i + 2] = v >>> 16;
    if (i + 3 < size) out[i + 3] = v >>> 24;
  }
  return out;
}

/** The reference model: paths to contents (null for directories). */
export class Model {
  entries = new Map<string, Uint8Array | null>([['/', null]]);
  /** Compatible feature flags in the superblock. */
  compat = 0;
  clone(): Model {
    const m = new Model();
    m.compat = this.compat;
    m.entries = new Map([...this.entries].map(([k, v]) => [k, v === null ? null : v.slice()]));
    return m;
  }
  apply(op: Op): void {
    const e = this.entries;
    switch (op.op) {
      case 'mkdir':
        e.set(op.path, null);
        break;
      case 'rmdir':
      case 'unlink':
        e.delete(op.path);
        break;
      case 'writeFile':
        e.set(op.path, bytesFor(op.seed, op.size));
        break;
      case 'open':
        if (op.flags === 'w' || !e.has(op.path)) e.set(op.path, new Uint8Array(0));
        break;
      case 'write': {
        const old = e.get(op.path)!;
        const end = Math.max(old.length, op.at + op.size);
        const n = new Uint8Array(end);
        n.set(old);
        n.set(bytesFor(op.seed, op.size), op.at);
        e.set(op.path, n);
        break;
      }
      case 'append': {
        const old = e.get(op.path)!;
        const n = new Uint8Array(old.length + op.size);
        n.set(old);
        n.set(bytesFor(op.seed, op.size), old.length);
        e.set(op.path, n);
        break;
      }
      case 'truncate': {
        const old = e.get(op.path)!;
        const n = new Uint8Array(op.size);
        n.set(old.subarray(0, Math.min(old.length, op.size)));
        e.set(op.path, n);
        break;
      }
      case 'rename': {
        const moved: [string, Uint8Array | null][] = [];
        for (const [k, v] of e) if (k === op.from || k.startsWith(`${op.from}/`)) moved.push([k, v]);
        for (const [k] of moved) e.delete(k);
        for (const [k, v] of moved) e.set(op.to + k.slice(op.from.length), v);
        break;
      }
      case 'features':
        this.compat = op.compat;
        break;
      case 'sync':
      case 'close':
        break;
    }
  }
  digest(): string {
    return `${digestEntries([...this.entries].filter(([k]) => k !== '/'))}${featureDigest(this.compat)}`;
  }
}

function digestEntries(entries: [string, Uint8Array | null][]): string {
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const parts: string[] = [];
  for (const [k, v] of entries)
    parts.push(v === null ? `${k}/` : `${k}:${v.length}:${crc32c(v).toString(16)}`);
  return parts.join('|');
}

/** Feature flags join the digest only when set, so scripts without them digest as before. */
function featureDigest(compat: number): string {
  return compat === 0 ? '' : `#compat:${compat}`;
}

const TMP_PREFIX = '.nexfs-tmp-';

/** Digest of a mounted volume's whole tree (temporary files of writeFile left out). */
export async function digestVolume(fs: Nexfs): Promise<string> {
  const entries: [string, Uint8Array | null][] = [];
  const walk = async (dir: string) => {
    for (const name of await fs.readdir(dir)) {
      if (name.startsWith(TMP_PREFIX)) continue;
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      const st = await fs.stat(path);
      if (st.isDirectory()) {
        entries.push([path, null]);
        await walk(path);
      } else entries.push([path, await fs.readFile(path)]);
    }
  };
  await walk('/');
  return `${digestEntries(entries)}${featureDigest(fs.volume.sb.compatFlags)}`;
}

/** Runs operations against a volume, keeping handles open between them. */
export class Runner {
  readonly handles = new Map<string, FileHandle>();
  constructor(readonly fs: Nexfs) {}
  private async handle(path: string): Promise<FileHandle> {
    let h = this.handles.get(path);
    if (!h) {
      h = await this.fs.open(path, 'r+');
      this.handles.set(path, h);
    }
    return h;
  }
  async run(op: Op): Promise<void> {
    const fs = this.fs;
    switch (op.op) {
      case 'mkdir':
        return fs.mkdir(op.path);
      case 'rmdir':
        return fs.rmdir(op.path);
      case 'unlink':
        await this.closeIfOpen(op.path);
        return fs.unlink(op.path);
      case 'writeFile':
        await this.closeIfOpen(op.path);
        return fs.writeFile(op.path, bytesFor(op.seed, op.size));
      case 'open': {
        await this.closeIfOpen(op.path);
        this.handles.set(
          op.path,
          await fs.open(op.path, op.flags === 'r+' ? 'r+' : op.flags === 'a' ? 'a+' : 'w+'),
        );
        return;
      }
      case 'write':
        await (await this.handle(op.path)).write(bytesFor(op.seed, op.size), op.at);
        return;
      case 'append': {
        const h = await this.handle(op.path);
        await h.write(bytesFor(op.seed, op.size), h.size);
        return;
      }
      case 'sync':
        return (await this.handle(op.path)).sync();
      case 'close':
        return this.closeIfOpen(op.path);
      case 'truncate':
        return (await this.handle(op.path)).truncate(op.size).then(() => this.handles.get(op.path)!.sync());
      case 'rename':
        for (const p of [...this.handles.keys()])
          if (p === op.to || p.startsWith(`${op.to}/`) || p === op.from || p.startsWith(`${op.from}/`))
            await this.closeIfOpen(p);
        return fs.rename(op.from, op.to);
      case 'features':
        fs.volume.setFeatures(fs.volume.sb.incompatFlags, op.compat);
        return;
    }
  }
  private async closeIfOpen(path: string): Promise<void> {
    const h = this.handles.get(path);
    if (h) {
      this.handles.delete(path);
      await h.close();
    }
  }
}

/** A reduced copy of a geometry (same page and block shape, fewer blocks). */
export function shrink(g: FlashGeometry, blockCount: number, eraseBudget = g.eraseBudget): FlashGeometry {
  return { ...g, blockCount, eraseBudget };
}

/** Picks an element. */
export function pick<T>(r: Random, items: readonly T[]): T {
  return items[randomInt(r, items.length)];
}
