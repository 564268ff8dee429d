/**
 * Ledger figures: appends, checkpoint signing, inclusion proofs at 2^20 leaves (SHA-256 and BLAKE3).
 *
 * Run: pnpm --filter @nexus/capability bench
 */
import { compare, sized } from '@nexus/bench';
import {
  blake3Hasher,
  detectEd25519,
  Ledger,
  MerkleTree,
  seededRandom,
  sha256Hasher,
  verifyInclusion,
} from '../src/index.js';

const random = seededRandom(2026);

const backend = await detectEd25519();
{
  const ledgerKey = await backend.signingKey(random.fill(new Uint8Array(32)));
  const ledger = new Ledger({
    origin: 'nexus.example/ledger',
    signer: { name: 'nexus.example/ledger', key: ledgerKey },
  });
  let t = 0;
  await compare(
    'ledger append (encode + SHA-256 leaf + tree update), 1000 per sample',
    [
      {
        name: 'nexus Ledger.append',
        ours: true,
        fn: () => {
          for (let i = 0; i < 1000; i++)
            ledger.append({
              kind: 'deny',
              subject: 'fiber-7',
              detail: 'missing fs.write /etc/nexus/notes/a.txt',
              atMs: t++,
            });
        },
      },
    ],
    { itemsPerOp: 1000, note: 'Goal ≥ 50,000 appends/s.' },
  );
  await compare('checkpoint signing (C2SP signed note, Ed25519)', [
    { name: `nexus Ledger.checkpoint (${backend.name})`, ours: true, fn: () => ledger.checkpoint() },
  ]);

  const leaves = sized(2 ** 20, 2 ** 10);
  const trees = [new MerkleTree(sha256Hasher), new MerkleTree(blake3Hasher)];
  const leaf = new Uint8Array(64);
  const view = new DataView(leaf.buffer);
  const buildStart = performance.now();
  for (let i = 0; i < leaves; i++) {
    view.setUint32(0, i);
    trees[0].appendData(leaf);
  }
  const buildMs = performance.now() - buildStart;
  for (let i = 0; i < leaves; i++) {
    view.setUint32(0, i);
    trees[1].appendData(leaf);
  }
  const proofs = [0, 1].map((k) => {
    const index = leaves - 12345 > 0 ? leaves - 12345 : leaves >> 1;
    return {
      index,
      leafHash: trees[k].leafHash(index),
      proof: trees[k].inclusionProof(index),
      root: trees[k].root(),
    };
  });
  await compare(
    `inclusion-proof verification at ${leaves.toLocaleString('en')} leaves`,
    trees.map((tree, k) => ({
      name: `RFC 9162 tree, ${tree.hasher.name}`,
      ours: k === 0,
      fn: () =>
        verifyInclusion(
          tree.hasher,
          proofs[k].index,
          leaves,
          proofs[k].leafHash,
          proofs[k].proof,
          proofs[k].root,
        ),
    })),
    {
      note: `Proof length ${proofs[0].proof.length} hashes. Goal ≤ 50 µs. Building the SHA-256 tree took ${buildMs.toFixed(0)} ms (${((leaves / buildMs) * 1000).toFixed(0)} leaves/s).`,
    },
  );
}
