/**
 * A tour of nexfs: format a raw SPI NAND image, write real files, cut the power in the middle of
 * a write, remount, and read everything back. Then content addressing on the volume: two
 * consecutive releases of a real package (TypeScript 5.9.2 and 5.9.3, installed as development
 * dependencies) stored as deduplicated chunks,
 * a snapshot, a flipped bit caught by scrub and repaired, a rollback, and a CAR export read back.
 *
 *   npm start   (from packages/nexfs)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { CarReader } from '@ipld/car';
import { u64 } from '../src/_bytes.js';
import { EmulatedFlash, GEOMETRIES, MemoryFlash, Nexfs, PowerCutError } from '../src/index.js';
import { frameRunKey } from '../src/records.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const g = GEOMETRIES['spi-nand'];
console.log(
  `device: SPI NAND, ${g.pageSizeBytes} B pages + ${g.spareBytesPerPage} B spare, ${g.pagesPerBlock} pages/block, ${g.blockCount} blocks (${(g.blockCount * g.pagesPerBlock * g.pageSizeBytes) >> 20} MiB), factory-bad blocks 7 and 300`,
);
const flash = new EmulatedFlash(new MemoryFlash(g), { seed: 2026, factoryBadBlocks: [7, 300] });

let fs = await Nexfs.format(flash);
console.log(
  `formatted: superblock copies in blocks ${fs.volume.sb.superblockBlocks.join(', ')}; root register ring ${fs.volume.sb.registerBlocks.join(', ')}`,
);

await fs.mkdir('/etc');
await fs.writeFile('/etc/hostname', enc.encode('nexus-node-1\n'));
await fs.writeFile('/etc/motd', enc.encode('Welcome to Nexus. This file lives on raw NAND.\n'));
const firmware = new Uint8Array(3 << 20);
for (let i = 0; i < firmware.length; i++) firmware[i] = (i * 2654435761) >>> 24;
await fs.writeFile('/firmware.bin', firmware);
const log = await fs.open('/log.txt', 'a');
for (let i = 0; i < 100; i++) {
  await log.write(enc.encode(`boot ${i}: ok\n`));
  if (i % 10 === 9) await log.sync();
}
await log.close();
console.log(`wrote /etc/hostname, /etc/motd, /firmware.bin (3 MiB), /log.txt (100 lines, fsync every 10)`);
console.log(
  `device so far: ${flash.counters.programs} page programs, ${flash.counters.erases} block erases, ${flash.counters.reads} page reads`,
);

// Cut the power 200 device operations into replacing the firmware with a new image.
const next = firmware.map((b) => b ^ 0x5a);
flash.cutPowerAfter(200, 'torn', true);
try {
  await fs.writeFile('/firmware.bin', next);
  console.log('the write finished before the cut');
} catch (e) {
  if (!(e instanceof PowerCutError)) throw e;
  console.log(
    `power cut at device operation ${e.operation}, in the middle of rewriting /firmware.bin (torn page, unsynced pages persisted out of order)`,
  );
}
flash.restorePower();

const t = performance.now();
flash.resetCounters();
fs = await Nexfs.mount(flash);
console.log(
  `remounted in ${(performance.now() - t).toFixed(1)} ms with ${flash.counters.reads} page reads (no scan)`,
);
const back = await fs.readFile('/firmware.bin');
const old = back.every((b, i) => b === firmware[i]);
const fresh = back.every((b, i) => b === next[i]);
console.log(
  `/firmware.bin after the cut: ${old ? 'the old image, intact' : fresh ? 'the new image, intact' : 'MIXED (a bug)'}`,
);
console.log(`/etc/hostname: ${dec.decode(await fs.readFile('/etc/hostname')).trim()}`);
console.log(
  `/log.txt: ${
    dec
      .decode(await fs.readFile('/log.txt'))
      .trim()
      .split('\n').length
  } lines`,
);
console.log(`readdir /: ${(await fs.readdir('/')).join(', ')}`);
const report = await fs.fsck({ verifyData: true });
console.log(
  `fsck: ${report.errors.length === 0 ? 'clean' : report.errors.join('; ')} (${report.files} files, ${report.directories} directories, ${report.nodes} B-tree nodes, ${report.dataPages} data pages checked)`,
);
const s = fs.statfs();
console.log(
  `statfs: ${s.freeBlocks} free blocks of ${s.blocks}, ${s.badBlocks} bad, ${s.stats.checkpoints} checkpoints, ${s.stats.journalPages} journal pages`,
);
await fs.unmount();
if (!(old || fresh) || report.errors.length > 0) throw new Error('tour failed');

// ---------------------------------------------------------------------------------------------
// Part 2: content addressing on the volume.
console.log('\n--- content addressing ---');
// Two consecutive releases of a large package no one here wrote: 5.9.2 is a development
// dependency of this package (under an alias), 5.9.3 is the workspace's compiler.
const releaseDirs = [
  new URL('../node_modules/typescript-5.9.2/', import.meta.url),
  new URL('../../../node_modules/typescript/', import.meta.url),
];
const releases = releaseDirs.map(
  (dir) => `typescript@${JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')).version}`,
);
if (releases[0] === releases[1])
  throw new Error(`tour: expected two TypeScript releases, found ${releases[0]}`);
const files = (dir: URL, prefix = ''): [string, URL][] => {
  const out: [string, URL][] = [];
  for (const name of readdirSync(dir).sort()) {
    const url = new URL(encodeURIComponent(name), dir);
    if (statSync(url).isDirectory()) out.push(...files(new URL(`${url.href}/`), `${prefix}/${name}`));
    else out.push([`${prefix}/${name}`, url]);
  }
  return out;
};
const cflash = new MemoryFlash(g);
const cfs = await Nexfs.format(cflash, { content: { layout: 'chunked' } });
let logical = 0;
let count = 0;
const t0 = performance.now();
for (const [i, release] of releases.entries()) {
  const root = `/${release.replace('@', '-')}`;
  for (const [path, url] of files(releaseDirs[i])) {
    const dirs = `${root}${path}`.split('/').slice(0, -1).join('/');
    await cfs.mkdir(dirs, { recursive: true });
    const bytes = new Uint8Array(readFileSync(url));
    await cfs.writeFile(`${root}${path}`, bytes);
    logical += bytes.length;
    count++;
  }
}
const writeMs = performance.now() - t0;
let stored = 0;
cfs.content.scanChunks((_name, frameBytes) => {
  stored += frameBytes;
});
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
console.log(
  `stored ${releases.join(' and ')}: ${count} files, ${mib(logical)} logical in ${mib(stored)} of chunk frames: dedup ratio ${(logical / stored).toFixed(2)}x (${cfs.content.store.stats.chunks} distinct chunks; ${(logical / 2 ** 20 / (writeMs / 1000)).toFixed(0)} MB/s through the filesystem)`,
);
const snap = await cfs.snapshot('two releases');
console.log(
  `snapshot ${snap.id} '${snap.label}': root ${snap.root} covers ${snap.files} files in ${snap.directories} directories`,
);

// A redundant copy of every block, as an exported CAR holds it, then a flipped bit on the flash.
const car = await cfs.exportCar(snap.id);
const reader = await CarReader.fromBytes(car);
const redundant = new Map<string, Uint8Array>();
let carBlocks = 0;
for await (const block of reader.blocks()) {
  carBlocks++;
  redundant.set(
    [...block.cid.multihash.digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
    block.bytes,
  );
}
console.log(
  `CAR export of snapshot ${snap.id}: ${mib(car.length)}, read back with @ipld/car: ${carBlocks} blocks, root ${(await reader.getRoots())[0]}`,
);
const frames = new Map<string, Uint8Array>();
for (const key of cfs.content.store.blocks.keys()) {
  const frame = cfs.content.store.blocks.get(key);
  if (frame !== undefined && redundant.has(key)) frames.set(key, frame);
}
const victim = cfs.volume.get(frameRunKey(7, 0)); // chunk 7's first run of frame pages
if (victim === undefined) throw new Error('tour: chunk 7 is missing');
const address = u64(victim, 0);
for (let bit = 0; bit < 48; bit += 8)
  cflash.flipStoredBit(Math.floor(address / g.pagesPerBlock), address % g.pagesPerBlock, 200 * 8 + bit);
console.log(`flipped 6 bits in flash page ${address} (a chunk's first page; beyond ECC)`);
let last = 0;
const scrub = await cfs.scrub({
  onProgress: (p) => {
    const pct = Math.floor((100 * p.done) / p.total);
    if (pct >= last + 25) {
      last = pct - (pct % 25);
      console.log(`  scrub ${last}%`);
    }
  },
}).done;
console.log(
  `scrub: ${mib(scrub.bytesChecked)} checked, ${scrub.errors.length} error(s) (${scrub.errors.map((e) => `${e.area} ${e.code}`).join(', ')}); lost: ${scrub.lostPaths.slice(0, 3).join(', ')}${scrub.lostPaths.length > 3 ? ', ...' : ''}`,
);
const repair = await cfs.scrub({ redundant: { get: (key) => frames.get(key) } }).done;
console.log(
  `scrub with the CAR's blocks as the redundant copy: ${repair.repaired} repaired, ${repair.errors.length - repair.repaired} left`,
);

// Damage the live tree, then return to the snapshot in one atomic step.
const first = `/${releases[1].replace('@', '-')}`;
await cfs.unlink(`${first}/package.json`);
await cfs.writeFile(`${first}/README.md`, enc.encode('overwritten'));
console.log(`changed since the snapshot: ${JSON.stringify(await cfs.diff(snap.id))}`);
await cfs.rollback(snap.id);
const diff = await cfs.diff(snap.id);
console.log(
  `after rollback to snapshot ${snap.id}: ${diff.added.length + diff.removed.length + diff.changed.length} differences; package.json is back (${(await cfs.readFile(`${first}/package.json`)).length} bytes)`,
);
const verified = await cfs.verifySnapshot(snap.id);
console.log(
  `verify snapshot ${snap.id} from flash: ${verified.nodes} nodes and ${verified.chunks} chunks re-hashed up to the root`,
);
const gc = await cfs.collectGarbage();
console.log(`collect: ${gc.kept} chunks kept, ${gc.removed} removed (${mib(gc.freedBytes)})`);
const check = await cfs.fsck();
console.log(`fsck: ${check.errors.length === 0 ? 'clean' : check.errors.slice(0, 3).join('; ')}`);
await cfs.unmount();
if (repair.repaired !== 1 || check.errors.length > 0 || diff.changed.length > 0)
  throw new Error('tour failed');
