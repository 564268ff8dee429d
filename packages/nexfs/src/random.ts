/**
 * The randomness port and a small seeded generator (sfc32, from PractRand by Chris Doty-Humphrey:
 * 128-bit state, passes BigCrush), so every fault schedule and simulation replays from its seed.
 */

/** A source of uniform numbers; injected wherever nexfs or its emulator needs randomness. */
export interface Random {
  /** A uniform integer in [0, 2^32). */
  nextU32(): number;
}

/**
 * A seeded sfc32 generator.
 *
 * @example
 * ```ts
 * const r = seededRandom(42); const roll = randomInt(r, 6);
 * ```
 */
export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next();
  return { nextU32: next };
}

/**
 * A uniform integer in [0, n) for n <= 2^32.
 *
 * @example
 * ```ts
 * const i = randomInt(seededRandom(1), 10);
 * ```
 */
export function randomInt(r: Random, n: number): number {
  return Math.floor((r.nextU32() / 0x1_0000_0000) * n);
}
