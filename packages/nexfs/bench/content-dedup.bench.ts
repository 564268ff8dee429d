/**
 * Dedup on real data no one here wrote: ten consecutive releases of the `typescript` npm package
 * (fetched by `npm pack` into a cache outside the repository, then unpacked), written release
 * after release into one store. Stored versus logical bytes for nexfs with FastCDC (16/64/256 KiB),
 * nexfs with fixed 64 KiB blocks, restic and borg on the same directories in the same run.
 *
 * Run: pnpm --filter @nexus/nexfs bench content-dedup   (the first run downloads ~65 MB)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sized, table } from '@nexus/bench';
import {
  ChunkFramer,
  ChunkStore,
  type Codec,
  commitTree,
  createHasher,
  FastCdc,
  type FileEntry,
  loadZstdEngine,
  MemoryBlockStore,
  NEXFS_CDC_DEFAULTS,
  noneCodec,
  storeFile,
  zstdCodec,
} from '../src/index.js';
import { missingTool, noise } from './_content.js';

const VERSIONS = ['5.0.2', '5.0.3', '5.0.4', '5.1.3', '5.1.5', '5.1.6', '5.2.2', '5.3.2', '5.3.3', '5.4.2'];
const cache = join(tmpdir(), 'nexus-nexfs-dedup');
mkdirSync(cache, { recursive: true });

/** Directories of the releases, unpacked (smoke: two small synthetic "releases"). */
function releases(): { name: string; dir: string }[] {
  if (sized(false, true)) {
    const base = noise(3 << 20, 5);
    return ['a', 'b'].map((name, i) => {
      const dir = join(cache, `smoke-${name}`);
      mkdirSync(dir, { recursive: true });
      const copy = base.slice();
      copy.fill(i, 1 << 20, (1 << 20) + 1000);
      spawnSync('sh', ['-c', `cat > ${join(dir, 'data.bin')}`], { input: copy });
      return { name, dir };
    });
  }
  return VERSIONS.map((v) => {
    const tgz = join(cache, `typescript-${v}.tgz`);
    if (!existsSync(tgz)) {
      const r = spawnSync('npm', ['pack', `typescript@${v}`, '--silent'], { cwd: cache, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`npm pack typescript@${v} failed: ${r.stderr}`);
    }
    const dir = join(cache, 'unpacked', v);
    if (!existsSync(join(dir, 'package'))) {
      mkdirSync(dir, { recursive: true });
      const r = spawnSync('tar', ['xzf', tgz, '-C', dir]);
      if (r.status !== 0) throw new Error(`tar xzf ${tgz} failed`);
    }
    return { name: `typescript@${v}`, dir };
  });
}

function walk(dir: string, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, `${prefix}/${name}`));
    else out.push([`${prefix}/${name}`, full]);
  }
  return out;
}

function duBytes(path: string): number {
  const r = spawnSync('du', ['-sb', path], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

const sets = releases();
const framer = new ChunkFramer({
  check: await createHasher('xxh3-64'),
  name: await createHasher('blake3-256'),
});
const engine = await loadZstdEngine();
let logical = 0;
let fileCount = 0;
const contents = sets.map((s) => walk(s.dir));
for (const list of contents)
  for (const [, full] of list) {
    logical += statSync(full).size;
    fileCount++;
  }

const rows: (string | number | null)[][] = [];
const mib = (n: number) => n / 1048576;

function runNexfs(label: string, chunking: string, codec: Codec, fixed: boolean): void {
  const store = new ChunkStore(new MemoryBlockStore(), framer, codec);
  const cdc = new FastCdc(NEXFS_CDC_DEFAULTS);
  const t = performance.now();
  for (const list of contents) {
    const tree = new Map<string, FileEntry>();
    for (const [path, full] of list) {
      const data = new Uint8Array(readFileSync(full));
      if (!fixed) tree.set(path, storeFile(store, cdc, data));
      else {
        const entry: FileEntry = { size: data.length, chunks: [], lengths: [] };
        for (let o = 0; o < data.length; o += 65536) {
          const piece = data.subarray(o, o + 65536);
          entry.chunks.push(store.put(piece));
          entry.lengths.push(piece.length);
        }
        tree.set(path, entry);
      }
    }
    commitTree(store, tree); // one snapshot per release
  }
  const seconds = (performance.now() - t) / 1000;
  const stored = store.stats.storedBytes;
  rows.push([
    label,
    chunking,
    codec.name === 'zstd' ? `zstd ${codec.level}` : 'none',
    mib(logical),
    mib(stored),
    logical / stored,
    seconds,
  ]);
}

runNexfs('nexfs', 'FastCDC 2020 16/64/256 KiB', noneCodec, false);
runNexfs('nexfs', 'fixed 64 KiB', noneCodec, true);
runNexfs('nexfs', 'FastCDC 2020 16/64/256 KiB', zstdCodec(3, engine), false);

const env = {
  ...process.env,
  RESTIC_PASSWORD: 'nexfs-bench',
  BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
  BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
};
const work = mkdtempSync(join(tmpdir(), 'nexfs-dedup-'));
const resticMissing = missingTool('restic', ['version']);
if (resticMissing) rows.push([`restic: skipped (${resticMissing})`, null, null, null, null, null, null]);
else {
  const repo = join(work, 'restic');
  spawnSync('restic', ['init', '--repo', repo], { env });
  const t = performance.now();
  for (const s of sets) {
    const r = spawnSync('restic', ['backup', '--repo', repo, '--quiet', '.'], { cwd: s.dir, env });
    if (r.status !== 0) throw new Error(`restic backup failed: ${r.stderr}`);
  }
  const version = spawnSync('restic', ['version'], { encoding: 'utf8' }).stdout.split(' ')[1];
  rows.push([
    `restic ${version}`,
    'rolling Rabin, 512 KiB..8 MiB',
    'zstd auto',
    mib(logical),
    mib(duBytes(repo)),
    logical / duBytes(repo),
    (performance.now() - t) / 1000,
  ]);
}
const borgMissing = missingTool('borg');
if (borgMissing) rows.push([`borg: skipped (${borgMissing})`, null, null, null, null, null, null]);
else {
  const repo = join(work, 'borg');
  spawnSync('borg', ['init', '--encryption', 'none', repo], { env });
  const t = performance.now();
  sets.forEach((s, i) => {
    const r = spawnSync('borg', ['create', `${repo}::r${i}`, '.'], { cwd: s.dir, env });
    if (r.status !== 0) throw new Error(`borg create failed: ${r.stderr}`);
  });
  const version = spawnSync('borg', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[1];
  rows.push([
    `borg ${version}`,
    'buzhash, 2 MiB target',
    'lz4 (default)',
    mib(logical),
    mib(duBytes(repo)),
    logical / duBytes(repo),
    (performance.now() - t) / 1000,
  ]);
}
rmSync(work, { recursive: true, force: true });
table(
  `dedup: ${sets.length} releases (${sets[0].name} .. ${sets[sets.length - 1].name}), ${fileCount} files, written one after another`,
  ['system', 'chunking', 'compression', 'logical MiB', 'stored MiB', 'logical/stored', 'seconds'],
  rows,
  'nexfs rows store into one in-memory ChunkStore (frames + tree nodes, a snapshot per release); restic and borg repositories are measured with du -sb.',
);
