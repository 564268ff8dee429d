/**
 * Injected ports: time and randomness come from the caller, so every operation can run under a
 * virtual clock in a seeded simulation and replay exactly.
 */

/** A source of wall-clock time in integer milliseconds since the Unix epoch. */
export interface Clock {
  /** Current time, integer milliseconds since 1970-01-01T00:00:00Z. */
  nowMs(): number;
}

/** A source of random bytes. */
export interface Random {
  /** Fills `bytes` with random bytes and returns it. */
  fill(bytes: Uint8Array): Uint8Array;
}

/**
 * The real clock (`Date.now()`).
 *
 * @example
 * ```ts
 * import { systemClock } from '@nexus/capability';
 * const t = systemClock.nowMs();
 * ```
 */
export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * The runtime's cryptographic random source (`crypto.getRandomValues`, present in every runtime).
 *
 * @example
 * ```ts
 * import { cryptoRandom } from '@nexus/capability';
 * const nonce = cryptoRandom.fill(new Uint8Array(16));
 * ```
 */
export const cryptoRandom: Random = {
  fill(bytes) {
    // getRandomValues accepts at most 65,536 bytes per call (WebCrypto §10.1.1).
    for (let offset = 0; offset < bytes.length; offset += 65536) {
      globalThis.crypto.getRandomValues(bytes.subarray(offset, Math.min(bytes.length, offset + 65536)));
    }
    return bytes;
  },
};

/**
 * A manual clock for tests and simulations: time moves only when told to.
 *
 * @example
 * ```ts
 * import { ManualClock } from '@nexus/capability';
 * const clock = new ManualClock(1_000);
 * clock.advance(500);
 * clock.nowMs(); // 1500
 * ```
 */
export class ManualClock implements Clock {
  private timeMs: number;
  constructor(startMs = 0) {
    this.timeMs = startMs;
  }
  /** Current virtual time. */
  nowMs(): number {
    return this.timeMs;
  }
  /** Moves time forward by `deltaMs` (never backwards). */
  advance(deltaMs: number): void {
    if (!Number.isSafeInteger(deltaMs) || deltaMs < 0)
      throw new RangeError('deltaMs: a non-negative integer');
    this.timeMs += deltaMs;
  }
  /** Sets the absolute time. */
  set(timeMs: number): void {
    if (!Number.isSafeInteger(timeMs) || timeMs < 0) throw new RangeError('timeMs: a non-negative integer');
    this.timeMs = timeMs;
  }
}

/** A seeded random source that also hands out raw 32-bit words. */
export interface SeededRandom extends Random {
  /** The next 32-bit unsigned word of the stream. */
  nextU32(): number;
}

/**
 * A deterministic random source (xoshiro128** seeded by splitmix32) for seeded simulations and
 * reproducible tests. Not for keys in production.
 *
 * @example
 * ```ts
 * import { seededRandom } from '@nexus/capability';
 * const random = seededRandom(42);
 * random.fill(new Uint8Array(4));
 * ```
 */
export function seededRandom(seed: number): SeededRandom {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d >>> 0, 11);
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    return result;
  };
  return {
    nextU32,
    fill(bytes) {
      for (let i = 0; i < bytes.length; i += 4) {
        const word = nextU32();
        for (let j = 0; j < 4 && i + j < bytes.length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
      }
      return bytes;
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
