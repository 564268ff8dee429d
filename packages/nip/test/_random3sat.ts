/** A seeded generator (xorshift32) so a failing instance replays from its seed. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/**
 * Uniform random 3-SAT (three distinct variables per clause, random signs) at the phase
 * transition ratio 4.26 clauses per variable (Mitchell, Selman, Levesque 1992).
 */
export function random3Sat(vars: number, seed: number, ratio = 4.26): number[][] {
  const next = rng(seed);
  const clauses: number[][] = [];
  const m = Math.round(vars * ratio);
  for (let i = 0; i < m; i++) {
    const c: number[] = [];
    while (c.length < 3) {
      const v = 1 + Math.floor(next() * vars);
      if (c.some((x) => Math.abs(x) === v)) continue;
      c.push(next() < 0.5 ? v : -v);
    }
    clauses.push(c);
  }
  return clauses;
}
