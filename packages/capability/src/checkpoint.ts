/**
 * Signed checkpoints in the C2SP formats: `signed-note` (a UTF-8 text, a blank line, and one
 * `— <name> <base64(keyID ‖ signature)>` line per signature) carrying a `tlog-checkpoint` body
 * (origin line, decimal tree size, base64 root hash, optional extension lines).
 *
 * Ed25519 note keys have key ID = SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[0:4] and verifier key
 * strings `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes, fromBase64, toBase64, toHex, utf8 } from './_bytes.js';
import type { Ed25519Backend, SigningKey } from './ed25519.js';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './encoding.js';
import { CapabilityError } from './errors.js';
import { HASH_BYTES } from './merkle.js';

/** Signature algorithm byte for Ed25519 note keys (C2SP signed-note). */
export const NOTE_ALGORITHM_ED25519 = 0x01;
/** Largest note accepted, in bytes. */
export const MAX_NOTE_BYTES = 1 << 20;
/** Most signature lines accepted on one note (the C2SP spec suggests verifiers cap at 100). */
export const MAX_NOTE_SIGNATURES = 100;
/** Most extension lines accepted on one checkpoint. */
export const MAX_CHECKPOINT_EXTENSIONS = 64;

const SIGNATURE_PREFIX = '\u2014 ';
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function bad(message: string): never {
  throw new CapabilityError('BAD_CHECKPOINT', message);
}

function checkKeyName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || /[\s+]/u.test(name)) {
    throw new TypeError('name: non-empty, without spaces or "+"');
  }
}

/**
 * The 4-byte key ID of an Ed25519 note key.
 *
 * @example
 * ```ts
 * import { noteKeyId } from '@nexus/capability';
 * noteKeyId('example.com/log', new Uint8Array(32)).length; // 4
 * ```
 */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  checkKeyName(name);
  return sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, NOTE_ALGORITHM_ED25519), publicKey)).slice(0, 4);
}

/**
 * The verifier key string `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`.
 *
 * @example
 * ```ts
 * import { noteVerifierKey } from '@nexus/capability';
 * noteVerifierKey('example.com/log', new Uint8Array(32)); // 'example.com/log+…+AQAAAA…'
 * ```
 */
export function noteVerifierKey(name: string, publicKey: Uint8Array): string {
  return `${name}+${toHex(noteKeyId(name, publicKey))}+${toBase64(concatBytes(Uint8Array.of(NOTE_ALGORITHM_ED25519), publicKey))}`;
}

/** A note verifier: who may have signed, with which key. */
export interface NoteVerifier {
  /** Key name as it appears on signature lines. */
  readonly name: string;
  /** Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/**
 * Parses a verifier key string, checking its key ID. `BAD_CHECKPOINT` when malformed.
 *
 * @example
 * ```ts
 * import { noteVerifierKey, parseNoteVerifierKey } from '@nexus/capability';
 * parseNoteVerifierKey(noteVerifierKey('log', new Uint8Array(32))).name; // 'log'
 * ```
 */
export function parseNoteVerifierKey(text: string): NoteVerifier {
  const parts = text.split('+');
  if (parts.length !== 3) bad('verifier key: expected name+id+key');
  const [name, idHex, keyB64] = parts;
  if (name.length === 0 || /\s/u.test(name)) bad('verifier key: bad name');
  const key = fromBase64(keyB64);
  if (!key || key.length !== 1 + PUBLIC_KEY_BYTES || key[0] !== NOTE_ALGORITHM_ED25519)
    bad('verifier key: not an Ed25519 key');
  const publicKey = key.slice(1);
  if (toHex(noteKeyId(name, publicKey)) !== idHex) bad('verifier key: key ID does not match');
  return { name, publicKey };
}

/** A signer for notes: a key name and an Ed25519 key. */
export interface NoteSigner {
  /** Key name. */
  readonly name: string;
  /** The signing key. */
  readonly key: SigningKey;
}

/**
 * Signs a note text (which must end in a newline) with each signer.
 *
 * @example
 * ```ts
 * import { signNote, type NoteSigner } from '@nexus/capability';
 * async function publish(signer: NoteSigner) {
 *   return signNote('hello\n', [signer]);
 * }
 * ```
 */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  if (!text.endsWith('\n')) throw new TypeError('text: must end with a newline');
  if (text.includes('\n\n')) throw new TypeError('text: must not contain a blank line');
  const message = utf8(text);
  let out = `${text}\n`;
  for (const signer of signers) {
    checkKeyName(signer.name);
    const signature = await signer.key.sign(message);
    out += `${SIGNATURE_PREFIX}${signer.name} ${toBase64(concatBytes(noteKeyId(signer.name, signer.key.publicKey), signature))}\n`;
  }
  return out;
}

/** A note whose signatures were checked. */
export interface OpenedNote {
  /** The signed text, with its final newline. */
  readonly text: string;
  /** Names of the known verifiers whose signatures verified. */
  readonly verifiedBy: readonly string[];
}

/**
 * Splits a signed note and verifies the signatures of known keys. Unknown keys are ignored (as the
 * format requires); a known key with a bad signature, or no verified known key at all, is an
 * error. `BAD_CHECKPOINT` for a malformed note, `BAD_SIGNATURE` for a failed signature.
 *
 * @example
 * ```ts
 * import { detectEd25519, openNote, type NoteVerifier } from '@nexus/capability';
 * async function read(note: string, log: NoteVerifier) {
 *   return (await openNote(note, [log], await detectEd25519())).text;
 * }
 * ```
 */
export async function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  backend: Ed25519Backend,
): Promise<OpenedNote> {
  let text: string;
  if (typeof note === 'string') text = note;
  else {
    if (note.length > MAX_NOTE_BYTES) bad(`note of ${note.length} bytes`);
    try {
      text = utf8Decoder.decode(note);
    } catch {
      bad('note is not valid UTF-8');
    }
  }
  if (text.length > MAX_NOTE_BYTES) bad(`note of ${text.length} characters`);
  const split = text.lastIndexOf('\n\n');
  if (split < 0) bad('no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (!block.endsWith('\n')) bad('signature block must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length === 0 || (lines.length === 1 && lines[0] === '')) bad('no signatures');
  if (lines.length > MAX_NOTE_SIGNATURES) bad(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const message = utf8(body);
  const verifiedBy: string[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) bad('signature line must start with an em dash and a space');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space <= 0) bad('signature line: missing key name');
    const name = rest.slice(0, space);
    const blob = fromBase64(rest.slice(space + 1));
    if (!blob || blob.length < 5) bad('signature line: malformed base64');
    for (const verifier of verifiers) {
      if (verifier.name !== name) continue;
      if (!bytesEqual(blob.subarray(0, 4), noteKeyId(verifier.name, verifier.publicKey))) continue;
      const signature = blob.subarray(4);
      if (
        signature.length !== SIGNATURE_BYTES ||
        !(await backend.verify(verifier.publicKey, message, signature))
      ) {
        throw new CapabilityError('BAD_SIGNATURE', `note signature by ${name} does not verify`);
      }
      if (!verifiedBy.includes(name)) verifiedBy.push(name);
    }
  }
  if (verifiedBy.length === 0) throw new CapabilityError('BAD_SIGNATURE', 'no signature by a known key');
  return { text: body, verifiedBy };
}

/** The body of a C2SP tlog checkpoint. */
export interface Checkpoint {
  /** The log's origin line (unique name of the log). */
  readonly origin: string;
  /** Tree size. */
  readonly size: number;
  /** Root hash at that size. */
  readonly rootHash: Uint8Array;
  /** Extension lines (opaque, non-empty). */
  readonly extensions: readonly string[];
}

/**
 * Formats a checkpoint body: origin, decimal size, base64 root, then extension lines.
 *
 * @example
 * ```ts
 * import { formatCheckpoint } from '@nexus/capability';
 * formatCheckpoint({ origin: 'nexus.example/ledger', size: 0, rootHash: new Uint8Array(32), extensions: [] });
 * ```
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (typeof origin !== 'string' || origin.length === 0 || origin.includes('\n'))
    throw new TypeError('origin: one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size: a non-negative integer');
  if (rootHash.length !== HASH_BYTES) throw new RangeError(`rootHash: ${HASH_BYTES} bytes`);
  for (const line of extensions)
    if (line.length === 0 || line.includes('\n')) throw new TypeError('extensions: non-empty single lines');
  return `${origin}\n${size}\n${toBase64(rootHash)}\n${extensions.map((line) => `${line}\n`).join('')}`;
}

/**
 * Parses a checkpoint body strictly (decimal size without leading zeros, 32-byte root).
 * `BAD_CHECKPOINT` when malformed.
 *
 * @example
 * ```ts
 * import { formatCheckpoint, parseCheckpoint } from '@nexus/capability';
 * parseCheckpoint(formatCheckpoint({ origin: 'o', size: 3, rootHash: new Uint8Array(32), extensions: [] })).size; // 3
 * ```
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) bad('checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) bad('checkpoint needs origin, size and root lines');
  if (lines.length - 3 > MAX_CHECKPOINT_EXTENSIONS)
    bad(`more than ${MAX_CHECKPOINT_EXTENSIONS} extension lines`);
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin.length === 0) bad('empty origin');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText))
    bad(`size ${JSON.stringify(sizeText.slice(0, 20))} is not canonical decimal`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) bad('size beyond 2^53 - 1');
  const rootHash = fromBase64(rootText);
  if (!rootHash || rootHash.length !== HASH_BYTES) bad('root hash is not base64 of 32 bytes');
  for (const line of extensions) if (line.length === 0) bad('empty extension line');
  return { origin, size, rootHash, extensions };
}
