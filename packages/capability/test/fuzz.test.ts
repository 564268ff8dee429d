/**
 * Decoder fuzzing: valid seeds (tokens, link bodies, ledger entries, checkpoints, signed notes,
 * proofs) mutated by bit flips, byte overwrites, truncation, insertion, deletion, duplication and
 * splicing. Every decoder must either accept or throw a CapabilityError: never another error, never
 * hang. A failing input is printed with its seed.
 */
import { describe, expect, it } from 'vitest';
import {
  attenuateToken,
  CapabilityError,
  decodeEntry,
  decodeLinkBody,
  decodeToken,
  encodeEntry,
  encodeToken,
  formatCheckpoint,
  MerkleTree,
  mintToken,
  nobleEd25519,
  noteVerifierKey,
  openNote,
  parseCheckpoint,
  parseNoteVerifierKey,
  seededRandom,
  signNote,
  TokenVerifier,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';
import { algebra, makeWorld } from './_fixtures.js';

const rng = seededRandom(0xfacade);
const int = (n: number) => rng.nextU32() % n;

function mutate(seed: Uint8Array, other: Uint8Array): Uint8Array {
  const bytes = seed.slice();
  const kind = int(8);
  if (bytes.length === 0) return Uint8Array.of(int(256));
  const at = int(bytes.length);
  switch (kind) {
    case 0:
      bytes[at] ^= 1 << int(8);
      return bytes;
    case 1:
      bytes[at] = [0, 0xff, 0x7f, 0x80, 1][int(5)];
      return bytes;
    case 2:
      return bytes.subarray(0, at);
    case 3: {
      const out = new Uint8Array(bytes.length + 1);
      out.set(bytes.subarray(0, at));
      out[at] = int(256);
      out.set(bytes.subarray(at), at + 1);
      return out;
    }
    case 4: {
      const out = new Uint8Array(bytes.length - 1);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + 1), at);
      return out;
    }
    case 5: {
      const length = 1 + int(Math.min(16, bytes.length - at));
      const out = new Uint8Array(bytes.length + length);
      out.set(bytes.subarray(0, at + length));
      out.set(bytes.subarray(at, at + length), at + length);
      out.set(bytes.subarray(at + length), at + 2 * length);
      return out;
    }
    case 6: {
      const cut = int(other.length + 1);
      const out = new Uint8Array(at + other.length - cut);
      out.set(bytes.subarray(0, at));
      out.set(other.subarray(cut), at);
      return out;
    }
    default: {
      // Several flips at once.
      for (let i = 0; i < 4; i++) bytes[int(bytes.length)] ^= 1 << int(8);
      return bytes;
    }
  }
}

function typedOnly(fn: () => unknown, what: string, input: Uint8Array): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof CapabilityError) return;
    throw new Error(`${what}: untyped ${String(error)} for input ${Buffer.from(input).toString('hex')}`);
  }
}

const decoder = new TextDecoder();

describe('decoder fuzzing', () => {
  it('every decoder returns a value or a typed error on 10^5+ mutated inputs', async () => {
    const world = await makeWorld(3);
    let token = await mintToken(
      world.root,
      {
        verb: 'fs.admin',
        scope: '/etc',
        caveats: [
          { kind: 'oneOf', key: 'host', values: ['a', 'b'] },
          { kind: 'max', key: 'bytes', limit: 9 },
        ],
      },
      world.keys[0].publicKey,
      world.options,
    );
    token = await attenuateToken(
      token,
      world.keys[0],
      {
        verb: 'fs.read',
        scope: '/etc/nexus',
        caveats: [
          { kind: 'oneOf', key: 'host', values: ['a'] },
          { kind: 'max', key: 'bytes', limit: 3 },
        ],
      },
      world.keys[1].publicKey,
      world.options,
    );
    token = await attenuateToken(
      token,
      world.keys[1],
      {
        verb: 'fs.read',
        scope: '/etc/nexus/notes',
        caveats: [
          { kind: 'oneOf', key: 'host', values: ['a'] },
          { kind: 'max', key: 'bytes', limit: 1 },
        ],
      },
      world.keys[2].publicKey,
      world.options,
    );
    const decoded = decodeToken(token);
    const body = decoded.links[1].bodyBytes;
    const entry = encodeEntry({
      seq: 3,
      kind: 'escalation',
      subject: 'fiber-1',
      detail: 'asked fs.admin / é',
      atMs: 12345,
    });
    const signer = { name: 'nexus.example/ledger', key: world.root };
    const checkpointText = formatCheckpoint({
      origin: 'nexus.example/ledger',
      size: 12,
      rootHash: new Uint8Array(32).fill(7),
      extensions: ['ext one'],
    });
    const note = new TextEncoder().encode(await signNote(checkpointText, [signer]));
    const verifierKey = new TextEncoder().encode(noteVerifierKey(signer.name, world.root.publicKey));
    const tree = new MerkleTree();
    for (let i = 0; i < 13; i++) tree.appendData(Uint8Array.of(i));
    const inclusion = tree.inclusionProof(5, 13);
    const consistency = tree.consistencyProof(6, 13);
    const flat = (proof: Uint8Array[]) => {
      const out = new Uint8Array(proof.length * 32);
      for (let i = 0; i < proof.length; i++) out.set(proof[i], i * 32);
      return out;
    };
    const unflat = (bytes: Uint8Array) => {
      const out: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += 32) out.push(bytes.subarray(i, Math.min(bytes.length, i + 32)));
      return out;
    };
    const cases: { what: string; seed: Uint8Array; run: (input: Uint8Array) => unknown; count: number }[] = [
      { what: 'decodeToken', seed: token, run: (b) => encodeToken(decodeToken(b)), count: 30_000 },
      { what: 'decodeLinkBody', seed: body, run: (b) => decodeLinkBody(b), count: 20_000 },
      { what: 'decodeEntry', seed: entry, run: (b) => decodeEntry(b), count: 15_000 },
      {
        what: 'parseCheckpoint',
        seed: new TextEncoder().encode(checkpointText),
        run: (b) => parseCheckpoint(decoder.decode(b)),
        count: 15_000,
      },
      {
        what: 'parseNoteVerifierKey',
        seed: verifierKey,
        run: (b) => parseNoteVerifierKey(decoder.decode(b)),
        count: 5_000,
      },
      {
        what: 'verifyInclusion',
        seed: flat(inclusion),
        run: (b) => verifyInclusion(tree.hasher, 5, 13, tree.leafHash(5), unflat(b), tree.root(13)),
        count: 10_000,
      },
      {
        what: 'verifyConsistency',
        seed: flat(consistency),
        run: (b) => verifyConsistency(tree.hasher, 6, 13, unflat(b), tree.root(6), tree.root(13)),
        count: 10_000,
      },
    ];
    let total = 0;
    for (const c of cases) {
      for (let i = 0; i < c.count; i++) {
        const input = mutate(c.seed, cases[int(cases.length)].seed);
        typedOnly(() => c.run(input), c.what, input);
        total++;
      }
    }
    // Signature-checking paths are slower: fewer, still typed-only.
    const verifier = new TokenVerifier({
      algebra,
      roots: [world.root.publicKey],
      clock: world.clock,
      cacheEntries: 0,
    });
    for (let i = 0; i < 1_500; i++) {
      const input = mutate(token, body);
      try {
        await verifier.verify(input);
      } catch (error) {
        if (!(error instanceof CapabilityError))
          throw new Error(`verify: untyped ${String(error)} for ${Buffer.from(input).toString('hex')}`);
      }
      total++;
    }
    for (let i = 0; i < 1_500; i++) {
      const input = mutate(note, verifierKey);
      try {
        await openNote(input, [{ name: signer.name, publicKey: world.root.publicKey }], nobleEd25519);
      } catch (error) {
        if (!(error instanceof CapabilityError))
          throw new Error(`openNote: untyped ${String(error)} for ${Buffer.from(input).toString('hex')}`);
      }
      total++;
    }
    console.log(`fuzzed inputs: ${total}`);
    expect(total).toBeGreaterThanOrEqual(100_000);
  });
});
