/**
 * The ledger: an append-only log of capability events in an RFC 9162 Merkle tree, with signed
 * C2SP checkpoints, inclusion and consistency proofs, and a replaying verifier that detects any
 * rewritten, dropped or reordered entry.
 *
 * Each entry is a canonical record (SPEC.md §Ledger entry) carrying its own sequence number, so a
 * reordered or dropped entry is caught at the entry itself; a rewritten entry that keeps its
 * sequence number is caught by the first checkpoint whose root covers it.
 */
import { bytesEqual, Reader, utf8 } from './_bytes.js';
import type { AuditEvent } from './audit.js';
import {
  type Checkpoint,
  formatCheckpoint,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseCheckpoint,
  signNote,
} from './checkpoint.js';
import { detectEd25519, type Ed25519Backend } from './ed25519.js';
import { CapabilityError } from './errors.js';
import { type MerkleHasher, MerkleTree, sha256Hasher, verifyConsistency, verifyInclusion } from './merkle.js';

/** Ledger entry magic, ASCII `NXLE` (SPEC.md §Ledger entry). */
export const ENTRY_MAGIC = Uint8Array.of(0x4e, 0x58, 0x4c, 0x45);
/** Ledger entry format version. */
export const ENTRY_VERSION = 1;
/** Longest subject or detail in an entry, bytes. */
export const MAX_ENTRY_FIELD_BYTES = 4096;
/** The event kinds and their byte codes (SPEC.md §Ledger entry). */
export const ENTRY_KINDS = [
  'grant',
  'attenuate',
  'delegate',
  'revoke',
  'deny',
  'escalation',
  'respawn',
  'pledge',
  'unveil',
  'use',
] as const;

/** One decoded ledger entry. */
export interface LedgerEntry extends AuditEvent {
  /** Position in the ledger, from 0. */
  readonly seq: number;
}

/**
 * Encodes an entry canonically.
 *
 * @example
 * ```ts
 * import { decodeEntry, encodeEntry } from '@nexus/capability';
 * const bytes = encodeEntry({ seq: 0, kind: 'grant', subject: 'root', detail: 'fs.read /etc', atMs: 1 });
 * decodeEntry(bytes).detail; // 'fs.read /etc'
 * ```
 */
export function encodeEntry(entry: LedgerEntry): Uint8Array {
  const kind = ENTRY_KINDS.indexOf(entry.kind);
  if (kind < 0) throw new TypeError(`kind: unknown ${String(entry.kind)}`);
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 0) throw new RangeError('seq: a non-negative integer');
  if (!Number.isSafeInteger(entry.atMs) || entry.atMs < 0)
    throw new RangeError('atMs: a non-negative integer');
  const subject = utf8(entry.subject);
  const detail = utf8(entry.detail);
  if (subject.length > MAX_ENTRY_FIELD_BYTES || detail.length > MAX_ENTRY_FIELD_BYTES) {
    throw new RangeError(`subject and detail: at most ${MAX_ENTRY_FIELD_BYTES} bytes`);
  }
  // One exact-size allocation, fields written in place (SPEC.md §Ledger entry).
  const out = new Uint8Array(26 + subject.length + detail.length);
  const view = new DataView(out.buffer);
  out.set(ENTRY_MAGIC, 0);
  out[4] = ENTRY_VERSION;
  out[5] = kind + 1;
  view.setUint32(6, Math.floor(entry.seq / 0x1_0000_0000));
  view.setUint32(10, entry.seq >>> 0);
  view.setUint32(14, Math.floor(entry.atMs / 0x1_0000_0000));
  view.setUint32(18, entry.atMs >>> 0);
  view.setUint16(22, subject.length);
  out.set(subject, 24);
  view.setUint16(24 + subject.length, detail.length);
  out.set(detail, 26 + subject.length);
  return out;
}

/**
 * Decodes an entry; typed errors for every malformation (`TRUNCATED`, `BAD_MAGIC`,
 * `BAD_VERSION`, `NON_CANONICAL`, `LIMIT_EXCEEDED`, `BAD_UTF8`, `TRAILING_BYTES`).
 *
 * @example
 * ```ts
 * import { decodeEntry } from '@nexus/capability';
 * try {
 *   decodeEntry(new Uint8Array(2));
 * } catch (error) {
 *   console.log(error); // CapabilityError: TRUNCATED
 * }
 * ```
 */
export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  const r = new Reader(bytes, 'ledger entry');
  const magic = r.take(4);
  for (let i = 0; i < 4; i++)
    if (magic[i] !== ENTRY_MAGIC[i]) throw new CapabilityError('BAD_MAGIC', 'not a ledger entry');
  const version = r.u8();
  if (version !== ENTRY_VERSION) throw new CapabilityError('BAD_VERSION', `entry version ${version}`);
  const kindByte = r.u8();
  const kind = ENTRY_KINDS[kindByte - 1];
  if (kind === undefined) throw new CapabilityError('NON_CANONICAL', `entry kind ${kindByte}`);
  const seq = r.u64('seq');
  const atMs = r.u64('atMs');
  const subjectLength = r.u16();
  if (subjectLength > MAX_ENTRY_FIELD_BYTES)
    throw new CapabilityError('LIMIT_EXCEEDED', `subject of ${subjectLength} bytes`);
  const subject = r.text(subjectLength, 'subject');
  const detailLength = r.u16();
  if (detailLength > MAX_ENTRY_FIELD_BYTES)
    throw new CapabilityError('LIMIT_EXCEEDED', `detail of ${detailLength} bytes`);
  const detail = r.text(detailLength, 'detail');
  r.end();
  return { seq, kind, subject, detail, atMs };
}

/** Configuration of a {@link Ledger}. */
export interface LedgerOptions {
  /** The checkpoint origin line: the log's unique name. */
  origin: string;
  /** Checkpoint signer. */
  signer: NoteSigner;
  /** Tree hash (default SHA-256, RFC 9162). */
  hasher?: MerkleHasher;
}

/**
 * An append-only, Merkle-tree-backed event ledger.
 *
 * @example
 * ```ts
 * import { Ledger, type NoteSigner } from '@nexus/capability';
 * async function demo(signer: NoteSigner) {
 *   const ledger = new Ledger({ origin: 'nexus.example/ledger', signer });
 *   ledger.append({ kind: 'grant', subject: 'root', detail: 'fs.read /etc to init', atMs: 0 });
 *   return ledger.checkpoint();
 * }
 * ```
 */
export class Ledger {
  private readonly tree: MerkleTree;
  private readonly records: Uint8Array[] = [];
  private readonly options: LedgerOptions;
  /** Every checkpoint note issued, oldest first. */
  readonly checkpoints: string[] = [];

  constructor(options: LedgerOptions) {
    this.options = options;
    this.tree = new MerkleTree(options.hasher ?? sha256Hasher);
  }

  /** Number of entries. */
  get size(): number {
    return this.records.length;
  }

  /** Appends an event; returns its sequence number. */
  append(event: AuditEvent): number {
    const seq = this.records.length;
    const bytes = encodeEntry({
      seq,
      kind: event.kind,
      subject: event.subject,
      detail: event.detail,
      atMs: event.atMs,
    });
    this.records.push(bytes);
    this.tree.appendData(bytes);
    return seq;
  }

  /** An audit sink writing into this ledger (for the token, CSpace and pledge layers). */
  get sink(): (event: AuditEvent) => void {
    return (event) => {
      this.append(event);
    };
  }

  /** The encoded entry `seq`. */
  entryBytes(seq: number): Uint8Array {
    const bytes = this.records[seq];
    if (bytes === undefined) throw new RangeError(`seq: ${seq} outside [0, ${this.records.length})`);
    return bytes;
  }

  /** All encoded entries, oldest first (copies of the array, not the bytes). */
  entries(): Uint8Array[] {
    return [...this.records];
  }

  /** Decoded entry `seq`. */
  entry(seq: number): LedgerEntry {
    return decodeEntry(this.entryBytes(seq));
  }

  /** Root hash at `size` (default: now). */
  root(size = this.size): Uint8Array {
    return this.tree.root(size);
  }

  /** Signs and records a checkpoint of the current size and root. */
  async checkpoint(extensions: readonly string[] = []): Promise<string> {
    const body = formatCheckpoint({
      origin: this.options.origin,
      size: this.size,
      rootHash: this.tree.root(),
      extensions,
    });
    const note = await signNote(body, [this.options.signer]);
    this.checkpoints.push(note);
    return note;
  }

  /** Inclusion proof of entry `seq` in the tree of `size` entries. */
  inclusionProof(seq: number, size = this.size): Uint8Array[] {
    return this.tree.inclusionProof(seq, size);
  }

  /** Consistency proof from `size1` to `size2` entries. */
  consistencyProof(size1: number, size2 = this.size): Uint8Array[] {
    return this.tree.consistencyProof(size1, size2);
  }
}

/** What a replay established. */
export interface ReplayReport {
  /** Entries read. */
  readonly entries: number;
  /** Checkpoints verified. */
  readonly checkpoints: number;
  /** Entries covered by the last verified checkpoint. */
  readonly checkpointedSize: number;
  /** Entries after the last checkpoint (present, not yet protected by a signature). */
  readonly uncheckpointed: number;
}

/** Input to {@link replayLedger}. */
export interface ReplayOptions {
  /** Expected origin line. */
  origin: string;
  /** The ledger's note verifier key. */
  verifier: NoteVerifier;
  /** Tree hash (default SHA-256). */
  hasher?: MerkleHasher;
  /** Ed25519 backend (default: detected). */
  backend?: Ed25519Backend;
}

function tampered(message: string): never {
  throw new CapabilityError('LEDGER_TAMPERED', message);
}

/**
 * Replays a ledger: decodes every entry, checks sequence numbers and time order, rebuilds the tree,
 * and checks every checkpoint's signature, origin, size and root, and that checkpoints only grow.
 * Any rewritten, dropped or reordered entry fails with `LEDGER_TAMPERED` (or the entry's decoding
 * error), naming where.
 *
 * @example
 * ```ts
 * import { replayLedger, type NoteVerifier } from '@nexus/capability';
 * async function audit(entries: Uint8Array[], checkpoints: string[], verifier: NoteVerifier) {
 *   return replayLedger(entries, checkpoints, { origin: 'nexus.example/ledger', verifier });
 * }
 * ```
 */
export async function replayLedger(
  entries: readonly Uint8Array[],
  checkpoints: readonly string[],
  options: ReplayOptions,
): Promise<ReplayReport> {
  const backend = options.backend ?? (await detectEd25519());
  const tree = new MerkleTree(options.hasher ?? sha256Hasher);
  let lastAtMs = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = decodeEntry(entries[i]);
    if (entry.seq !== i)
      tampered(`entry at position ${i} carries sequence number ${entry.seq} (dropped or reordered)`);
    if (entry.atMs < lastAtMs) tampered(`entry ${i} is older than entry ${i - 1} (reordered)`);
    lastAtMs = entry.atMs;
    tree.appendData(entries[i]);
  }
  let previous: Checkpoint | undefined;
  for (let j = 0; j < checkpoints.length; j++) {
    const opened = await openNote(checkpoints[j], [options.verifier], backend);
    const checkpoint = parseCheckpoint(opened.text);
    if (checkpoint.origin !== options.origin)
      tampered(`checkpoint ${j} is for origin ${JSON.stringify(checkpoint.origin)}`);
    if (previous && checkpoint.size < previous.size)
      tampered(`checkpoint ${j} shrinks the log from ${previous.size} to ${checkpoint.size}`);
    if (checkpoint.size > entries.length)
      tampered(`checkpoint ${j} covers ${checkpoint.size} entries, only ${entries.length} present (dropped)`);
    const root = tree.root(checkpoint.size);
    if (!bytesEqual(root, checkpoint.rootHash)) {
      tampered(
        `checkpoint ${j}: root of the first ${checkpoint.size} entries differs (an entry was rewritten)`,
      );
    }
    previous = checkpoint;
  }
  const checkpointedSize = previous?.size ?? 0;
  return {
    entries: entries.length,
    checkpoints: checkpoints.length,
    checkpointedSize,
    uncheckpointed: entries.length - checkpointedSize,
  };
}

/**
 * A light client's check: entry bytes at `seq` are included in the tree of a signed checkpoint.
 *
 * @example
 * ```ts
 * import { verifyEntryInclusion, type NoteVerifier } from '@nexus/capability';
 * async function check(entry: Uint8Array, seq: number, proof: Uint8Array[], note: string, log: NoteVerifier) {
 *   await verifyEntryInclusion(entry, seq, proof, note, { origin: 'nexus.example/ledger', verifier: log });
 * }
 * ```
 */
export async function verifyEntryInclusion(
  entry: Uint8Array,
  seq: number,
  proof: readonly Uint8Array[],
  note: string,
  options: ReplayOptions,
): Promise<Checkpoint> {
  const backend = options.backend ?? (await detectEd25519());
  const hasher = options.hasher ?? sha256Hasher;
  const checkpoint = parseCheckpoint((await openNote(note, [options.verifier], backend)).text);
  if (checkpoint.origin !== options.origin)
    tampered(`checkpoint is for origin ${JSON.stringify(checkpoint.origin)}`);
  verifyInclusion(hasher, seq, checkpoint.size, hasher.leaf(entry), proof, checkpoint.rootHash);
  return checkpoint;
}

/** Two checkpoints a witness found consistent. */
export interface CheckpointPair {
  /** The older checkpoint. */
  readonly older: Checkpoint;
  /** The newer checkpoint, which extends the older. */
  readonly newer: Checkpoint;
}

/**
 * A witness's check: a newer signed checkpoint extends an older one. Both notes must verify, name
 * the expected origin, and the consistency proof must link their roots (RFC 9162 §2.1.4.2). A
 * checkpoint that shrinks the log is `LEDGER_TAMPERED`; a bad proof `BAD_PROOF`/`ROOT_MISMATCH`.
 *
 * @example
 * ```ts
 * import { verifyCheckpointConsistency, type Ledger, type NoteVerifier } from '@nexus/capability';
 * async function witness(ledger: Ledger, older: string, newer: string, log: NoteVerifier, olderSize: number) {
 *   const proof = ledger.consistencyProof(olderSize);
 *   await verifyCheckpointConsistency(older, newer, proof, { origin: 'nexus.example/ledger', verifier: log });
 * }
 * ```
 */
export async function verifyCheckpointConsistency(
  olderNote: string,
  newerNote: string,
  proof: readonly Uint8Array[],
  options: ReplayOptions,
): Promise<CheckpointPair> {
  const backend = options.backend ?? (await detectEd25519());
  const hasher = options.hasher ?? sha256Hasher;
  const older = parseCheckpoint((await openNote(olderNote, [options.verifier], backend)).text);
  const newer = parseCheckpoint((await openNote(newerNote, [options.verifier], backend)).text);
  for (const checkpoint of [older, newer]) {
    if (checkpoint.origin !== options.origin)
      tampered(`checkpoint is for origin ${JSON.stringify(checkpoint.origin)}`);
  }
  if (newer.size < older.size)
    tampered(`the newer checkpoint (${newer.size}) is smaller than the older (${older.size})`);
  verifyConsistency(hasher, older.size, newer.size, proof, older.rootHash, newer.rootHash);
  return { older, newer };
}
