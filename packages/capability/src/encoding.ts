/**
 * The canonical binary token encoding, specified byte by byte in SPEC.md. The same token always
 * encodes to the same bytes, and the decoder accepts exactly the bytes the encoder produces: any
 * other byte string is refused with a typed error (`TRUNCATED`, `BAD_MAGIC`, `NON_CANONICAL`...).
 */
import { Reader, utf8, Writer } from './_bytes.js';
import { type Cap, freezeCap } from './algebra.js';
import {
  type Caveat,
  compareCaveats,
  MAX_CAVEAT_KEY_BYTES,
  MAX_CAVEAT_VALUE_BYTES,
  MAX_CAVEAT_VALUES,
  MAX_CAVEATS,
  normalizeCaveats,
} from './caveats.js';
import { CapabilityError } from './errors.js';
import { MAX_SCOPE_BYTES, scopeProblem } from './scope.js';
import { isVerb, MAX_VERB_BYTES } from './verbs.js';

/** Token magic, ASCII `NXCT` (SPEC.md §Token). */
export const TOKEN_MAGIC = Uint8Array.of(0x4e, 0x58, 0x43, 0x54);
/** Token format version (SPEC.md §Token). */
export const TOKEN_VERSION = 1;
/** Most links in one chain: the root grant and up to 15 attenuations (SPEC.md §Limits). */
export const MAX_LINKS = 16;
/** Largest link body (SPEC.md §Limits). */
export const MAX_BODY_BYTES = 4096;
/** Bytes of the per-link random nonce. */
export const NONCE_BYTES = 16;
/** Bytes of an Ed25519 public key (RFC 8032 §5.1.5). */
export const PUBLIC_KEY_BYTES = 32;
/** Bytes of an Ed25519 signature (RFC 8032 §5.1.6). */
export const SIGNATURE_BYTES = 64;
/** Bytes of a revocation id (the first 16 bytes of the link digest, SPEC.md §Digests). */
export const REVOCATION_ID_BYTES = 16;
/** Bytes of the fixed token header: magic, version, link count, root key. */
export const TOKEN_HEADER_BYTES = 4 + 1 + 1 + PUBLIC_KEY_BYTES;
/** Caveat kind byte for `max` (SPEC.md §Caveat). */
export const CAVEAT_KIND_MAX = 1;
/** Caveat kind byte for `oneOf` (SPEC.md §Caveat). */
export const CAVEAT_KIND_ONE_OF = 2;
/** Largest whole token: header plus the largest links. */
export const MAX_TOKEN_BYTES = TOKEN_HEADER_BYTES + MAX_LINKS * (2 + MAX_BODY_BYTES + SIGNATURE_BYTES);

/** The signed content of one link: the capability, the key it is bound to, and a nonce. */
export interface LinkBody {
  /** Random bytes making every link (and its revocation id) unique. */
  readonly nonce: Uint8Array;
  /** Public key of the holder: it proves possession and signs the next link. */
  readonly holder: Uint8Array;
  /** The capability this link grants. */
  readonly cap: Cap;
}

/** One link of a token chain: its body bytes as signed, and the signature. */
export interface Link extends LinkBody {
  /** The canonical body bytes exactly as signed. */
  readonly bodyBytes: Uint8Array;
  /** Ed25519 signature by the previous holder (the root key for link 0). */
  readonly signature: Uint8Array;
}

/** A decoded token: the root key and its links, in order from the root grant. */
export interface DecodedToken {
  /** Root authority public key. */
  readonly rootKey: Uint8Array;
  /** The links, link 0 signed by the root. */
  readonly links: readonly Link[];
}

/**
 * Encodes a link body canonically (SPEC.md §Link body).
 *
 * @example
 * ```ts
 * import { encodeLinkBody, makeCap } from '@nexus/capability';
 * const bytes = encodeLinkBody({
 *   nonce: new Uint8Array(16),
 *   holder: new Uint8Array(32),
 *   cap: makeCap({ verb: 'fs.read', scope: '/etc', notAfterMs: 1000 }),
 * });
 * ```
 */
export function encodeLinkBody(body: LinkBody): Uint8Array {
  const { cap } = body;
  if (body.nonce.length !== NONCE_BYTES) throw new RangeError(`nonce: ${NONCE_BYTES} bytes`);
  if (body.holder.length !== PUBLIC_KEY_BYTES) throw new RangeError(`holder: ${PUBLIC_KEY_BYTES} bytes`);
  if (!isVerb(cap.verb)) throw new TypeError('cap.verb: malformed');
  const scopeIssue = scopeProblem(cap.scope);
  if (scopeIssue !== null) throw new TypeError(`cap.scope: ${scopeIssue}`);
  const caveats = normalizeCaveats(cap.caveats);
  const w = new Writer(128);
  w.bytes(body.nonce);
  w.bytes(body.holder);
  w.u64(cap.window.notBeforeMs);
  w.u64(cap.window.notAfterMs);
  const verb = utf8(cap.verb);
  w.u8(verb.length);
  w.bytes(verb);
  const scope = utf8(cap.scope);
  w.u16(scope.length);
  w.bytes(scope);
  w.u8(caveats.length);
  for (const caveat of caveats) {
    const key = utf8(caveat.key);
    w.u8(caveat.kind === 'max' ? CAVEAT_KIND_MAX : CAVEAT_KIND_ONE_OF);
    w.u8(key.length);
    w.bytes(key);
    if (caveat.kind === 'max') {
      w.u64(caveat.limit);
    } else {
      w.u8(caveat.values.length);
      for (const value of caveat.values) {
        const bytes = utf8(value);
        w.u8(bytes.length);
        w.bytes(bytes);
      }
    }
  }
  if (w.length > MAX_BODY_BYTES) throw new RangeError(`link body: more than ${MAX_BODY_BYTES} bytes`);
  return w.finish();
}

/**
 * Decodes a canonical link body; non-canonical input is refused with a typed error.
 *
 * @example
 * ```ts
 * import { decodeLinkBody, encodeLinkBody, makeCap } from '@nexus/capability';
 * const cap = makeCap({ verb: 'fs.read', scope: '/etc', notAfterMs: 1000 });
 * const body = decodeLinkBody(encodeLinkBody({ nonce: new Uint8Array(16), holder: new Uint8Array(32), cap }));
 * body.cap.scope; // '/etc'
 * ```
 */
export function decodeLinkBody(bytes: Uint8Array): LinkBody {
  if (bytes.length > MAX_BODY_BYTES)
    throw new CapabilityError('LIMIT_EXCEEDED', `link body: more than ${MAX_BODY_BYTES} bytes`);
  const r = new Reader(bytes, 'link body');
  const nonce = r.take(NONCE_BYTES).slice();
  const holder = r.take(PUBLIC_KEY_BYTES).slice();
  const notBeforeMs = r.u64('notBeforeMs');
  const notAfterMs = r.u64('notAfterMs');
  const verbLength = r.u8();
  if (verbLength === 0 || verbLength > MAX_VERB_BYTES)
    throw new CapabilityError('BAD_VERB', `verb length ${verbLength}`);
  const verb = r.text(verbLength, 'verb');
  if (!isVerb(verb)) throw new CapabilityError('BAD_VERB', `malformed verb ${JSON.stringify(verb)}`);
  const scopeLength = r.u16();
  if (scopeLength === 0 || scopeLength > MAX_SCOPE_BYTES)
    throw new CapabilityError('BAD_SCOPE', `scope length ${scopeLength}`);
  const scope = r.text(scopeLength, 'scope');
  const scopeIssue = scopeProblem(scope);
  if (scopeIssue !== null)
    throw new CapabilityError('BAD_SCOPE', `scope ${JSON.stringify(scope)}: ${scopeIssue}`);
  const caveatCount = r.u8();
  if (caveatCount > MAX_CAVEATS) throw new CapabilityError('LIMIT_EXCEEDED', `${caveatCount} caveats`);
  const caveats: Caveat[] = [];
  for (let i = 0; i < caveatCount; i++) {
    const kind = r.u8();
    const keyLength = r.u8();
    if (keyLength === 0 || keyLength > MAX_CAVEAT_KEY_BYTES)
      throw new CapabilityError('NON_CANONICAL', `caveat key length ${keyLength}`);
    const key = r.text(keyLength, 'caveat key');
    let caveat: Caveat;
    if (kind === CAVEAT_KIND_MAX) {
      caveat = { kind: 'max', key, limit: r.u64('caveat limit') };
    } else if (kind === CAVEAT_KIND_ONE_OF) {
      const valueCount = r.u8();
      if (valueCount > MAX_CAVEAT_VALUES)
        throw new CapabilityError('LIMIT_EXCEEDED', `${valueCount} caveat values`);
      const values: string[] = [];
      for (let j = 0; j < valueCount; j++) {
        const valueLength = r.u8();
        if (valueLength > MAX_CAVEAT_VALUE_BYTES)
          throw new CapabilityError('LIMIT_EXCEEDED', `caveat value of ${valueLength} bytes`);
        const value = r.text(valueLength, 'caveat value');
        if (j > 0 && !(values[j - 1] < value))
          throw new CapabilityError('NON_CANONICAL', 'caveat values not strictly sorted');
        values.push(value);
      }
      caveat = { kind: 'oneOf', key, values };
    } else {
      throw new CapabilityError('NON_CANONICAL', `caveat kind ${kind}`);
    }
    if (caveats.length > 0 && compareCaveats(caveats[caveats.length - 1], caveat) >= 0) {
      throw new CapabilityError('NON_CANONICAL', 'caveats not strictly sorted');
    }
    caveats.push(caveat);
  }
  r.end();
  try {
    // Validates key syntax; on canonical input this returns the same list.
    normalizeCaveats(caveats);
  } catch (error) {
    throw new CapabilityError('NON_CANONICAL', `caveats: ${(error as Error).message}`);
  }
  return { nonce, holder, cap: freezeCap({ verb, scope, window: { notBeforeMs, notAfterMs }, caveats }) };
}

/**
 * Encodes a whole token: header, then each link as length, body and signature (SPEC.md §Token).
 *
 * @example
 * ```ts
 * import { decodeToken, encodeToken } from '@nexus/capability';
 * // Round trip: decodeToken(encodeToken(token)) has the same links.
 * const roundTrip = (bytes: Uint8Array) => encodeToken(decodeToken(bytes));
 * ```
 */
export function encodeToken(token: DecodedToken): Uint8Array {
  if (token.rootKey.length !== PUBLIC_KEY_BYTES) throw new RangeError(`rootKey: ${PUBLIC_KEY_BYTES} bytes`);
  if (token.links.length === 0 || token.links.length > MAX_LINKS)
    throw new RangeError(`links: 1 to ${MAX_LINKS}`);
  const w = new Writer(TOKEN_HEADER_BYTES + token.links.length * 200);
  w.bytes(TOKEN_MAGIC);
  w.u8(TOKEN_VERSION);
  w.u8(token.links.length);
  w.bytes(token.rootKey);
  for (const link of token.links) {
    if (link.signature.length !== SIGNATURE_BYTES)
      throw new RangeError(`signature: ${SIGNATURE_BYTES} bytes`);
    w.u16(link.bodyBytes.length);
    w.bytes(link.bodyBytes);
    w.bytes(link.signature);
  }
  return w.finish();
}

/**
 * Decodes a token. Typed errors: `TRUNCATED`, `BAD_MAGIC`, `BAD_VERSION`, `LIMIT_EXCEEDED`,
 * `NON_CANONICAL`, `BAD_UTF8`, `BAD_VERB`, `BAD_SCOPE`, `TRAILING_BYTES`. Decoding checks form
 * only; signatures and windows are checked by `verifyToken`.
 *
 * @example
 * ```ts
 * import { CapabilityError, decodeToken } from '@nexus/capability';
 * try {
 *   decodeToken(new Uint8Array(3));
 * } catch (error) {
 *   (error as CapabilityError).code; // 'TRUNCATED'
 * }
 * ```
 */
export function decodeToken(bytes: Uint8Array): DecodedToken {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('token: a Uint8Array');
  if (bytes.length > MAX_TOKEN_BYTES)
    throw new CapabilityError('LIMIT_EXCEEDED', `token of ${bytes.length} bytes`);
  const r = new Reader(bytes, 'token');
  const magic = r.take(4);
  for (let i = 0; i < 4; i++) {
    if (magic[i] !== TOKEN_MAGIC[i]) throw new CapabilityError('BAD_MAGIC', 'not a Nexus capability token');
  }
  const version = r.u8();
  if (version !== TOKEN_VERSION) throw new CapabilityError('BAD_VERSION', `version ${version}`);
  const linkCount = r.u8();
  if (linkCount === 0 || linkCount > MAX_LINKS)
    throw new CapabilityError('LIMIT_EXCEEDED', `${linkCount} links`);
  const rootKey = r.take(PUBLIC_KEY_BYTES).slice();
  const links: Link[] = [];
  for (let i = 0; i < linkCount; i++) {
    const bodyLength = r.u16();
    if (bodyLength > MAX_BODY_BYTES)
      throw new CapabilityError('LIMIT_EXCEEDED', `link ${i}: body of ${bodyLength} bytes`);
    const bodyBytes = r.take(bodyLength).slice();
    const signature = r.take(SIGNATURE_BYTES).slice();
    let body: LinkBody;
    try {
      body = decodeLinkBody(bodyBytes);
    } catch (error) {
      if (!(error instanceof CapabilityError)) throw error;
      throw new CapabilityError(error.code, `link ${i}: ${error.message.replace(/^\w+: /, '')}`, {
        linkIndex: i,
      });
    }
    links.push({ ...body, bodyBytes, signature });
  }
  r.end();
  return { rootKey, links };
}
