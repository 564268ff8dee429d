/**
 * Seeded pseudo-random numbers for simulation: SplitMix32 seeding a xoshiro128** generator
 * (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018). Deterministic in
 * every runtime, so a failing seed replays exactly.
 */

/** A source of randomness injected wherever the scheduler or a simulation needs one. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
}

/**
 * xoshiro128** seeded from one 32-bit integer.
 *
 * @example
 * ```ts
 * import { SeededRandom } from '@nexus/scheduler';
 * const r = new SeededRandom(42);
 * const roll = r.int(6) + 1;
 * ```
 */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new TypeError('seed: an integer is required');
    let s = seed >>> 0;
    const mix = (): number => {
      // SplitMix32 step.
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
  }
  /** The next 32-bit unsigned output. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }
  next(): number {
    return this.u32() / 4294967296;
  }
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
  /** A standard normal deviate (Box–Muller). */
  gaussian(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
