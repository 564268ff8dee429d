import { describe, expect, it } from 'vitest';
import {
  decodeEntry,
  encodeEntry,
  Ledger,
  nobleEd25519,
  noteVerifierKey,
  openNote,
  parseCheckpoint,
  parseNoteVerifierKey,
  replayLedger,
  seededRandom,
  verifyCheckpointConsistency,
  verifyEntryInclusion,
} from '../src/index.js';
import { codeOf } from './_fixtures.js';

async function makeLedger(entries = 40) {
  const random = seededRandom(5);
  const key = await nobleEd25519.signingKey(random.fill(new Uint8Array(32)));
  const signer = { name: 'nexus.example/ledger', key };
  const verifier = { name: signer.name, publicKey: key.publicKey };
  const ledger = new Ledger({ origin: 'nexus.example/ledger', signer });
  for (let i = 0; i < entries; i++) {
    ledger.append({
      kind: i % 3 === 0 ? 'grant' : 'deny',
      subject: `fiber-${i % 4}`,
      detail: `fs.read /data/${i}`,
      atMs: 1000 + i,
    });
    if (i % 10 === 9) await ledger.checkpoint();
  }
  return {
    ledger,
    verifier,
    signerKey: key,
    options: { origin: 'nexus.example/ledger', verifier, backend: nobleEd25519 },
  };
}

describe('ledger', () => {
  it('entries round-trip canonically', () => {
    const entry = {
      seq: 7,
      kind: 'escalation' as const,
      subject: 'fiber-1',
      detail: 'asked fs.admin /',
      atMs: 99,
    };
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
  });

  it('checkpoints are C2SP signed notes and verify', async () => {
    const { ledger, verifier } = await makeLedger();
    const note = ledger.checkpoints[3];
    expect(note.split('\n').slice(0, 2)).toEqual(['nexus.example/ledger', '40']);
    expect(note).toMatch(/\n\n\u2014 nexus\.example\/ledger [A-Za-z0-9+/]+=*\n$/);
    const opened = await openNote(note, [verifier], nobleEd25519);
    expect(parseCheckpoint(opened.text).size).toBe(40);
    const key = noteVerifierKey(verifier.name, verifier.publicKey);
    expect(parseNoteVerifierKey(key).publicKey).toEqual(verifier.publicKey);
  });

  it('a replay of an intact ledger passes', async () => {
    const { ledger, options } = await makeLedger(45);
    const report = await replayLedger(ledger.entries(), ledger.checkpoints, options);
    expect(report).toEqual({ entries: 45, checkpoints: 4, checkpointedSize: 40, uncheckpointed: 5 });
  });

  it('detects a rewritten, a dropped and a reordered entry', async () => {
    const { ledger, options } = await makeLedger();
    const entries = ledger.entries();
    const rewritten = [...entries];
    const original = decodeEntry(entries[12]);
    rewritten[12] = encodeEntry({ ...original, detail: 'fs.read /nothing-to-see' });
    expect(await codeOf(replayLedger(rewritten, ledger.checkpoints, options))).toBe('LEDGER_TAMPERED');
    const dropped = entries.filter((_, i) => i !== 20);
    expect(await codeOf(replayLedger(dropped, ledger.checkpoints, options))).toBe('LEDGER_TAMPERED');
    const droppedTail = entries.slice(0, 35);
    expect(await codeOf(replayLedger(droppedTail, ledger.checkpoints, options))).toBe('LEDGER_TAMPERED');
    const reordered = [...entries];
    [reordered[3], reordered[4]] = [reordered[4], reordered[3]];
    expect(await codeOf(replayLedger(reordered, ledger.checkpoints, options))).toBe('LEDGER_TAMPERED');
    // Reordered with sequence numbers rewritten to match: the checkpoint root catches it.
    const renumbered = [...entries];
    const e3 = decodeEntry(entries[3]);
    const e4 = decodeEntry(entries[4]);
    renumbered[3] = encodeEntry({ ...e4, seq: 3, atMs: e3.atMs });
    renumbered[4] = encodeEntry({ ...e3, seq: 4, atMs: e4.atMs });
    expect(await codeOf(replayLedger(renumbered, ledger.checkpoints, options))).toBe('LEDGER_TAMPERED');
  });

  it('detects forged, foreign and shrinking checkpoints', async () => {
    const { ledger, options } = await makeLedger();
    const forged = ledger.checkpoints[1].replace('\n20\n', '\n21\n');
    expect(await codeOf(replayLedger(ledger.entries(), [forged], options))).toBe('BAD_SIGNATURE');
    const shrinking = [ledger.checkpoints[2], ledger.checkpoints[1]];
    expect(await codeOf(replayLedger(ledger.entries(), shrinking, options))).toBe('LEDGER_TAMPERED');
    const other = await makeLedger();
    const stranger = { ...options, verifier: { name: 'someone.else', publicKey: other.verifier.publicKey } };
    expect(await codeOf(replayLedger(ledger.entries(), ledger.checkpoints, stranger))).toBe('BAD_SIGNATURE');
  });

  it('a light client checks one entry against a checkpoint', async () => {
    const { ledger, options } = await makeLedger();
    const proof = ledger.inclusionProof(17, 40);
    await verifyEntryInclusion(ledger.entryBytes(17), 17, proof, ledger.checkpoints[3], options);
    expect(
      await codeOf(verifyEntryInclusion(ledger.entryBytes(18), 17, proof, ledger.checkpoints[3], options)),
    ).toBe('ROOT_MISMATCH');
  });
});

describe('checkpoint consistency (witness)', () => {
  it('a newer checkpoint extends an older one; a forked log does not', async () => {
    const { ledger, options } = await makeLedger();
    const [, c20, , c40] = ledger.checkpoints;
    const result = await verifyCheckpointConsistency(c20, c40, ledger.consistencyProof(20, 40), options);
    expect([result.older.size, result.newer.size]).toEqual([20, 40]);
    expect(await codeOf(verifyCheckpointConsistency(c40, c20, [], options))).toBe('LEDGER_TAMPERED');
    // A fork: same signer, entry 5 rewritten, re-checkpointed at 40.
    const fork = new Ledger({
      origin: 'nexus.example/ledger',
      signer: { name: options.verifier.name, key: (await makeLedger(0)).signerKey },
    });
    for (let i = 0; i < 40; i++) {
      const entry = ledger.entry(i);
      fork.append(i === 5 ? { ...entry, detail: 'rewritten' } : entry);
    }
    const forked = await fork.checkpoint();
    expect(
      await codeOf(verifyCheckpointConsistency(c20, forked, fork.consistencyProof(20, 40), options)),
    ).toBe('ROOT_MISMATCH');
  });
});
