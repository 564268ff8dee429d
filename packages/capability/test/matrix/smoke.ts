/**
 * Runtime-matrix smoke suite: runs against the BUILT package in Node 20, Node 24, Deno, Bun and
 * Chromium. Vectors are inline (RFC 8032 §7.1 TEST 2, the RFC 6962 8-leaf test tree roots) so the
 * suite needs no file access.
 */
import {
  Algebra,
  Authority,
  attenuateToken,
  CapabilityError,
  decodeToken,
  detectEd25519,
  encodeToken,
  Ledger,
  ManualClock,
  MerkleTree,
  mintToken,
  nobleEd25519,
  probeEd25519,
  proveHolder,
  RevocationList,
  replayLedger,
  revocationIds,
  seededRandom,
  sha256Hasher,
  TokenVerifier,
  VerbHierarchy,
  verifyConsistency,
  verifyInclusion,
} from '@nexus/capability';
import type { SmokeSuite } from '../../../../tools/matrix/smoke.js';

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
async function code(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    if (error instanceof CapabilityError) return error.code;
    throw error;
  }
}

const RFC8032_TEST2 = {
  secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  message: '72',
  signature:
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
};
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const algebra = new Algebra(new VerbHierarchy({ 'fs.admin': ['fs.read', 'fs.write'] }));

export const smoke: SmokeSuite = {
  'Ed25519: automatic backend and noble both reproduce RFC 8032 TEST 2': async (ctx) => {
    const chosen = await detectEd25519();
    for (const backend of [chosen, nobleEd25519]) {
      const key = await backend.signingKey(hex(RFC8032_TEST2.secretKey));
      assert(toHex(key.publicKey) === RFC8032_TEST2.publicKey, `${backend.name}: public key`);
      const signature = await key.sign(hex(RFC8032_TEST2.message));
      assert(toHex(signature) === RFC8032_TEST2.signature, `${backend.name}: signature`);
      assert(
        await backend.verify(key.publicKey, hex(RFC8032_TEST2.message), signature),
        `${backend.name}: verify`,
      );
      signature[63] ^= 0x80;
      assert(
        !(await backend.verify(key.publicKey, hex(RFC8032_TEST2.message), signature)),
        `${backend.name}: S ≥ L refused`,
      );
    }
    assert((await probeEd25519(undefined)).name === 'noble', 'fallback without SubtleCrypto');
    const hasWebCrypto = typeof globalThis.crypto?.subtle?.importKey === 'function';
    if (ctx.runtime !== 'chromium')
      assert(!hasWebCrypto || chosen.name === 'webcrypto', `${ctx.runtime}: expected WebCrypto Ed25519`);
  },

  'token chain: mint, attenuate, verify, holder binding, widening and revocation': async () => {
    const random = seededRandom(11);
    const clock = new ManualClock(1_000_000);
    const backend = await detectEd25519();
    const root = await backend.signingKey(random.fill(new Uint8Array(32)));
    const a = await backend.signingKey(random.fill(new Uint8Array(32)));
    const b = await backend.signingKey(random.fill(new Uint8Array(32)));
    const options = { algebra, clock, random };
    const t1 = await mintToken(root, { verb: 'fs.admin', scope: '/etc' }, a.publicKey, options);
    const t2 = await attenuateToken(
      t1,
      a,
      { verb: 'fs.read', scope: '/etc/nexus', ttlMs: 60_000 },
      b.publicKey,
      options,
    );
    assert(toHex(encodeToken(decodeToken(t2))) === toHex(t2), 'canonical encoding');
    const revocations = new RevocationList();
    const verifier = new TokenVerifier({ algebra, roots: [root.publicKey], clock, revocations, backend });
    const challenge = random.fill(new Uint8Array(16));
    const verified = await verifier.verify(t2, { challenge, proof: await proveHolder(t2, b, challenge) });
    verifier.authorize(verified, { verb: 'fs.read', path: '/etc/nexus/notes/a.txt', atMs: clock.nowMs() });
    assert(
      (await code(() =>
        verifier.authorize(verified, { verb: 'fs.read', path: '/etc/nexus2', atMs: clock.nowMs() }),
      )) === 'DENIED',
      'segment scope',
    );
    assert(
      (await code(() => verifier.verify(t2, { challenge, proof: new Uint8Array(64) }))) === 'WRONG_HOLDER',
      'holder binding',
    );
    assert(
      (await code(() =>
        attenuateToken(t2, b, { verb: 'fs.write', scope: '/etc/nexus' }, b.publicKey, options),
      )) === 'WIDENED',
      'widening refused',
    );
    revocations.revoke(revocationIds(t2)[0]);
    assert((await code(() => verifier.verify(t2))) === 'REVOKED', 'revoked ancestor');
    clock.advance(10 * 60_000);
    assert(
      (await code(() => new TokenVerifier({ algebra, roots: [root.publicKey], clock }).verify(t1))) ===
        'EXPIRED',
      'expiry',
    );
  },

  'Merkle: RFC 6962 test-tree roots, inclusion and consistency proofs': () => {
    const tree = new MerkleTree(sha256Hasher);
    assert(toHex(tree.root()) === CT_ROOTS[0], 'empty root');
    for (let i = 0; i < CT_LEAVES.length; i++) {
      tree.appendData(hex(CT_LEAVES[i]));
      assert(toHex(tree.root()) === CT_ROOTS[i + 1], `root of size ${i + 1}`);
    }
    for (let size = 1; size <= 8; size++) {
      for (let index = 0; index < size; index++) {
        verifyInclusion(
          sha256Hasher,
          index,
          size,
          tree.leafHash(index),
          tree.inclusionProof(index, size),
          tree.root(size),
        );
      }
      for (let size1 = 1; size1 <= size; size1++) {
        verifyConsistency(
          sha256Hasher,
          size1,
          size,
          tree.consistencyProof(size1, size),
          tree.root(size1),
          tree.root(size),
        );
      }
    }
  },

  'CSpace, derivation tree and the ledger replay': async () => {
    const clock = new ManualClock(0);
    const backend = await detectEd25519();
    const key = await backend.signingKey(seededRandom(3).fill(new Uint8Array(32)));
    const ledger = new Ledger({
      origin: 'nexus.example/smoke',
      signer: { name: 'nexus.example/smoke', key },
    });
    const authority = new Authority({ algebra, clock, audit: ledger.sink });
    authority.grantRoot({ verb: 'fs.admin', scope: '/', notAfterMs: 1e9 });
    const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.admin', scope: '/srv', notAfterMs: 1e9 }] });
    const b = authority.createCSpace('b');
    const slot = a.derive(0, b, { verb: 'fs.read', scope: '/srv/www', notAfterMs: 1e8 });
    assert(b.allows('fs.read', '/srv/www/index.html') && !b.allows('fs.read', '/srv/www/../etc'), 'lookup');
    assert(
      (await code(() => b.derive(slot, b, { verb: 'fs.admin', scope: '/srv', notAfterMs: 1e8 }))) ===
        'WIDENED',
      'escalation',
    );
    assert(a.revoke(0) === 2 && b.size === 0, 'recursive revoke');
    await ledger.checkpoint();
    const verifier = { name: 'nexus.example/smoke', publicKey: key.publicKey };
    const report = await replayLedger(ledger.entries(), ledger.checkpoints, {
      origin: 'nexus.example/smoke',
      verifier,
      backend,
    });
    assert(report.entries === ledger.size && report.uncheckpointed === 0, 'replay');
    const dropped = ledger.entries().filter((_, i) => i !== 1);
    assert(
      (await code(() =>
        replayLedger(dropped, ledger.checkpoints, { origin: 'nexus.example/smoke', verifier, backend }),
      )) === 'LEDGER_TAMPERED',
      'tamper',
    );
  },
};
