import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blake3Hasher,
  MerkleTree,
  sha256Hasher,
  verifyConsistency,
  verifyInclusion,
  verifySubtreeConsistency,
  verifySubtreeInclusion,
} from '../src/index.js';

const root = join(import.meta.dirname, 'vectors', 'merkle');

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listJson(path));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

function b64(text: string | null | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(text ?? '', 'base64'));
}

function proofOf(list: string[] | null): Uint8Array[] {
  return (list ?? []).map(b64);
}

interface Probe {
  wantErr: boolean;
  desc: string;
  [key: string]: unknown;
}

function runProbe(kind: string, probe: Probe): void {
  const p = probe as unknown as Record<string, never>;
  switch (kind) {
    case 'inclusion':
      verifyInclusion(sha256Hasher, p.leafIdx, p.treeSize, b64(p.leafHash), proofOf(p.proof), b64(p.root));
      return;
    case 'consistency':
      verifyConsistency(sha256Hasher, p.size1, p.size2, proofOf(p.proof), b64(p.root1), b64(p.root2));
      return;
    case 'subtreeinclusion':
      verifySubtreeInclusion(
        sha256Hasher,
        p.leafIdx,
        p.start,
        p.end,
        b64(p.leafHash),
        proofOf(p.proof),
        b64(p.root),
      );
      return;
    case 'subtreeconsistency':
      verifySubtreeConsistency(
        sha256Hasher,
        p.start,
        p.end,
        p.size,
        proofOf(p.proof),
        b64(p.root1),
        b64(p.root2),
      );
      return;
    default:
      throw new Error(`unknown probe kind ${kind}`);
  }
}

describe('transparency-dev/merkle probes', () => {
  it('every probe succeeds iff wantErr is false', () => {
    const files = listJson(join(root, 'testdata'));
    expect(files.length).toBe(518);
    let passed = 0;
    const failures: string[] = [];
    for (const file of files) {
      const kind = file.slice(join(root, 'testdata').length + 1).split('/')[0];
      const probe = JSON.parse(readFileSync(file, 'utf8')) as Probe;
      let error: unknown = null;
      try {
        runProbe(kind, probe);
      } catch (e) {
        error = e;
      }
      if (error !== null && !(error as { code?: string }).code) throw error;
      if ((error !== null) === probe.wantErr) passed++;
      else
        failures.push(
          `${file.slice(root.length)}: ${probe.desc} (${error === null ? 'accepted' : (error as Error).message})`,
        );
    }
    console.log(`merkle probes: ${passed}/${files.length}`);
    expect(failures).toEqual([]);
  });
});

describe('RFC 6962 known answers', () => {
  const kat = JSON.parse(readFileSync(join(root, 'rfc6962_known_answers.json'), 'utf8'));
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  it('hasher KATs', () => {
    for (const entry of kat.hasherKATs) {
      if (entry.op === 'EmptyRoot') expect(hex(sha256Hasher.empty())).toBe(entry.want);
      else if (entry.op === 'HashLeaf')
        expect(hex(sha256Hasher.leaf(Buffer.from(entry.inputHex, 'hex')))).toBe(entry.want);
      else
        expect(
          hex(sha256Hasher.node(Buffer.from(entry.leftHex, 'hex'), Buffer.from(entry.rightHex, 'hex'))),
        ).toBe(entry.want);
    }
  });
  it('roots of the 8-leaf test tree for sizes 0 to 8, and the golden proofs regenerate', () => {
    const tree = new MerkleTree(sha256Hasher);
    const leaves: string[] = kat.testTree.leafInputsHex;
    const roots: { size: number; root: string }[] = kat.testTree.rootsBySize;
    const rootAt = (n: number) => roots.find((entry) => entry.size === n)?.root;
    expect(hex(tree.root(0))).toBe(rootAt(0));
    for (let i = 0; i < leaves.length; i++) {
      tree.appendData(Buffer.from(leaves[i], 'hex'));
      expect(hex(tree.root())).toBe(rootAt(i + 1));
    }
    for (const golden of kat.inclusionProofs) {
      expect(tree.inclusionProof(golden.leafIndex, golden.treeSize).map(hex)).toEqual(golden.proof);
    }
    for (const golden of kat.consistencyProofs) {
      expect(tree.consistencyProof(golden.size1, golden.size2).map(hex)).toEqual(golden.proof ?? []);
    }
  });
});

describe('BLAKE3 tree variant', () => {
  it('the empty root is BLAKE3 of the empty string (official test vector, input length 0)', () => {
    expect(Buffer.from(blake3Hasher.empty()).toString('hex')).toBe(
      'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    );
  });
  it('proofs from a BLAKE3 tree verify with the BLAKE3 hasher and fail with SHA-256', () => {
    const tree = new MerkleTree(blake3Hasher);
    for (let i = 0; i < 37; i++) tree.appendData(Uint8Array.of(i, i));
    for (let size = 1; size <= 37; size += 4) {
      for (let index = 0; index < size; index += 3) {
        verifyInclusion(
          blake3Hasher,
          index,
          size,
          tree.leafHash(index),
          tree.inclusionProof(index, size),
          tree.root(size),
        );
      }
      verifyConsistency(blake3Hasher, 1, size, tree.consistencyProof(1, size), tree.root(1), tree.root(size));
    }
    expect(() =>
      verifyInclusion(sha256Hasher, 3, 37, tree.leafHash(3), tree.inclusionProof(3, 37), tree.root(37)),
    ).toThrow(/ROOT_MISMATCH/);
  });
});
