import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../../src/content/cbor';
import { Cid, CODEC_DAG_CBOR } from '../../src/content/cid';
import { FastCdc } from '../../src/content/fastcdc';
import {
  decodeSnapshotRecord,
  encodeSnapshotRecord,
  SNAPSHOT_FIELDS,
  SNAPSHOT_RECORD_BYTES,
} from '../../src/content/snapshot';
import { MemoryBlockStore, nameKey } from '../../src/content/store';
import {
  commitTree,
  decodeNode,
  diffTrees,
  type FileEntry,
  listTree,
  reachable,
  readTreeFile,
  storeFile,
  verifyTree,
} from '../../src/content/tree';
import { newStore } from './_fixture';
import { errorCode, prng, sameBytes, sanityBuffer } from './_helpers';

const cdc = new FastCdc({ minSize: 1024, avgSize: 4096, maxSize: 16384 });
const enc = new TextEncoder();

function sampleTree() {
  const { blocks, store } = newStore();
  const big = sanityBuffer(300_000);
  const files = new Map<string, FileEntry>([
    ['/readme.md', storeFile(store, cdc, enc.encode('# nexfs\n'))],
    ['/bin/tool', storeFile(store, cdc, big)],
    ['/bin/tool-copy', storeFile(store, cdc, big)],
    ['/etc/conf/a.json', storeFile(store, cdc, enc.encode('{"a":1}'))],
    ['/empty', storeFile(store, cdc, new Uint8Array(0))],
  ]);
  return { blocks, store, files, big, commit: commitTree(store, files) };
}

describe('chunk store', () => {
  it('stores identical chunks once; refcounts release them; get verifies', () => {
    const { blocks, store } = newStore();
    const a = store.put(enc.encode('hello'));
    const b = store.put(enc.encode('hello'));
    expect(nameKey(a)).toBe(nameKey(b));
    expect(store.stats).toMatchObject({ chunks: 1, dedupHits: 1, logicalBytes: 10 });
    expect(store.refCount(a)).toBe(2);
    expect(store.release(a)).toBe(false);
    expect(new TextDecoder().decode(store.get(a))).toBe('hello');
    expect(store.release(a)).toBe(true);
    expect(errorCode(() => store.get(a))).toBe('ENOENT');
    expect(errorCode(() => store.release(a))).toBe('ENOENT');
    expect(blocks.size).toBe(0);
  });

  it('a flipped bit in any stored block is found by get() and by scrub()', () => {
    const { blocks, store } = sampleTree();
    expect(store.scrub().errors).toEqual([]);
    const keys = [...blocks.keys()];
    const r = prng(5);
    let caught = 0;
    for (const key of keys) {
      const frame = blocks.get(key)!;
      const bit = Math.floor(r() * frame.length * 8);
      frame[bit >> 3] ^= 1 << (bit & 7);
      const report = store.scrub();
      expect(report.errors.map((e) => e.key)).toEqual([key]);
      expect(
        errorCode(() => store.get(Uint8Array.from(key.match(/../g)!.map((h) => Number.parseInt(h, 16))))),
      ).not.toBe('no error');
      frame[bit >> 3] ^= 1 << (bit & 7);
      caught++;
    }
    expect(store.scrub().errors).toEqual([]);
    console.log(`scrub bit flips caught: ${caught}`);
  });

  it('scrub repairs from a redundant copy, reports what it cannot, and runs step by step', () => {
    const { blocks, store } = sampleTree();
    const mirror = new MemoryBlockStore();
    for (const key of blocks.keys()) mirror.put(key, blocks.get(key)!.slice());
    const keys = [...blocks.keys()];
    blocks.get(keys[0])![30] ^= 4; // repairable: the mirror is good
    blocks.get(keys[1])![30] ^= 4;
    mirror.get(keys[1])![31] ^= 4; // not repairable: both copies bad
    const steps = store.scrubSteps({ redundant: mirror });
    let progress = 0;
    let step = steps.next();
    while (!step.done) {
      expect(step.value.blocksChecked).toBe(++progress);
      step = steps.next();
    }
    expect(step.value.blocksTotal).toBe(keys.length);
    expect(step.value.repaired).toEqual([keys[0]]);
    expect(step.value.errors.map((e) => e.key)).toEqual([keys[1]]);
    const again = store.scrub();
    expect(again.errors.map((e) => e.key)).toEqual([keys[1]]);
    expect(again.repaired).toEqual([]);
  });

  it('mark-and-sweep keeps what a root reaches and frees the rest; interrupted sweeps lose nothing live', () => {
    const { blocks, store, commit } = sampleTree();
    const other = storeFile(store, cdc, sanityBuffer(50_000).reverse());
    const second = commitTree(store, new Map([['/only', other]]));
    const live = [...reachable(store, commit.root)].map((c) => c.digest);
    const before = blocks.size;
    // A sweep cut short: deletes only some unmarked blocks, then the store is re-opened.
    const liveKeys = new Set(live.map(nameKey));
    let deleted = 0;
    for (const key of [...blocks.keys()]) if (!liveKeys.has(key) && deleted++ < 2) blocks.delete(key);
    expect(verifyTree(store, commit.root).chunks).toBeGreaterThan(0);
    const report = store.collect(live);
    expect(report.kept).toBe(liveKeys.size);
    expect(report.kept + report.removed + 2).toBe(before);
    expect(verifyTree(store, commit.root).nodes).toBeGreaterThan(0);
    expect(errorCode(() => verifyTree(store, second.root))).toBe('ENOENT');
  });
});

describe('Merkle tree commitments', () => {
  it('commits, lists, reads back every file; identical content shares chunks and nodes', () => {
    const { store, commit, big } = sampleTree();
    expect(commit).toMatchObject({ files: 5, directories: 4 });
    expect([...listTree(store, commit.root).keys()]).toEqual([
      '/bin/tool',
      '/bin/tool-copy',
      '/empty',
      '/etc/conf/a.json',
      '/readme.md',
    ]);
    expect(sameBytes(readTreeFile(store, commit.root, '/bin/tool-copy'), big)).toBe(true);
    expect(readTreeFile(store, commit.root, '/empty').length).toBe(0);
    expect(errorCode(() => readTreeFile(store, commit.root, '/nope'))).toBe('ENOENT');
    // Same tree committed again: same root, nothing new stored.
    const stored = store.stats.storedBytes;
    const { files } = sampleTree();
    expect(commitTree(store, files).root.equals(commit.root)).toBe(true);
    expect(store.stats.storedBytes).toBe(stored);
  });

  it('the root changes with any byte of any file, and with any rename', () => {
    const { store, files, commit } = sampleTree();
    const changed = new Map(files);
    const conf = sanityBuffer(7);
    changed.set('/etc/conf/a.json', storeFile(store, cdc, conf));
    const c2 = commitTree(store, changed);
    expect(c2.root.equals(commit.root)).toBe(false);
    const renamed = new Map(files);
    renamed.set('/README.md', renamed.get('/readme.md')!);
    renamed.delete('/readme.md');
    const c3 = commitTree(store, renamed);
    expect(c3.root.equals(commit.root)).toBe(false);
    expect(diffTrees(store, commit.root, c2.root)).toEqual({
      added: [],
      removed: [],
      changed: ['/etc/conf/a.json'],
    });
    expect(diffTrees(store, commit.root, c3.root)).toEqual({
      added: ['/README.md'],
      removed: ['/readme.md'],
      changed: [],
    });
    expect(diffTrees(store, commit.root, commit.root)).toEqual({ added: [], removed: [], changed: [] });
  });

  it('verify fails on every tampered byte of every node (recomputes from storage)', () => {
    const { blocks, store, commit } = sampleTree();
    const report = verifyTree(store, commit.root);
    expect(report).toMatchObject({ nodes: 8 });
    let tampered = 0;
    for (const cid of reachable(store, commit.root)) {
      if (cid.codec !== CODEC_DAG_CBOR) continue;
      const frame = blocks.get(cid.key)!;
      for (let i = 0; i < frame.length; i += 3) {
        frame[i] ^= 0x40;
        expect(errorCode(() => verifyTree(store, commit.root))).not.toBe('no error');
        frame[i] ^= 0x40;
        tampered++;
      }
    }
    console.log(`tampered node bytes detected: ${tampered}`);
  });

  it('decodeNode rejects non-canonical or off-schema nodes', () => {
    const cid = new Cid(CODEC_DAG_CBOR, new Uint8Array(32));
    expect(
      errorCode(() =>
        decodeNode(
          encodeCbor({
            type: 'dir',
            entries: [
              { name: 'b', cid },
              { name: 'a', cid },
            ],
          }),
        ),
      ),
    ).toBe('EFORMAT');
    expect(errorCode(() => decodeNode(encodeCbor({ type: 'dir', entries: [{ name: '..', cid }] })))).toBe(
      'EFORMAT',
    );
    expect(errorCode(() => decodeNode(encodeCbor({ type: 'file', size: 3, chunks: [], lengths: [] })))).toBe(
      'EFORMAT',
    );
    expect(errorCode(() => decodeNode(encodeCbor({ type: 'link', entries: [] })))).toBe('EFORMAT');
    expect(errorCode(() => decodeNode(new Uint8Array([0xa1, 0x61, 0x61, 0x01, 0x00])))).toBe('EFORMAT');
  });
});

describe('snapshot record', () => {
  const root = new Cid(CODEC_DAG_CBOR, sanityBuffer(32));
  const record = {
    id: 7n,
    parentId: 6n,
    createdMs: 1_790_000_000_000,
    root,
    logicalBytes: 123_456_789,
    files: 10_000,
    directories: 321,
    label: 'before upgrade',
  };

  it('is 128 bytes and round-trips', () => {
    const bytes = encodeSnapshotRecord(record);
    expect(bytes.length).toBe(SNAPSHOT_RECORD_BYTES);
    const back = decodeSnapshotRecord(bytes);
    expect(back.root.equals(root)).toBe(true);
    expect({ ...back, root: undefined }).toEqual({ ...record, root: undefined });
  });

  it('every single-bit flip is rejected', () => {
    const bytes = encodeSnapshotRecord(record);
    for (let bit = 0; bit < 128 * 8; bit++) {
      const bad = bytes.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      expect(errorCode(() => decodeSnapshotRecord(bad))).not.toBe('no error');
    }
  });

  it('rejects bad arguments naming the field', () => {
    expect(() => encodeSnapshotRecord({ ...record, id: 0n })).toThrow(/id/);
    expect(() => encodeSnapshotRecord({ ...record, label: 'x'.repeat(33) })).toThrow(/label/);
    expect(() => encodeSnapshotRecord({ ...record, files: -1 })).toThrow(/files/);
    expect(errorCode(() => decodeSnapshotRecord(new Uint8Array(127)))).toBe('ETRUNCATED');
  });

  it('field offsets equal the SPEC.md table', () => {
    const spec = readFileSync(new URL('../../SPEC.md', import.meta.url), 'utf8');
    const section = spec.slice(spec.indexOf('### Snapshot record'));
    for (const [field, offset] of Object.entries(SNAPSHOT_FIELDS)) {
      expect(section).toMatch(new RegExp(`\\|\\s*${offset}\\s*\\|\\s*\\d+\\s*\\|\\s*\`${field}\``));
    }
  });
});
