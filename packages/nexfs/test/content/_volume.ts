/** Shared set-up of the tests that run content addressing through a volume. */
import { seededRandom } from '../../src/random.js';

/** Small FastCDC bounds so that a few kilobytes already make several chunks. */
export const SMALL = { chunking: { minBytes: 1024, avgBytes: 4096, maxBytes: 16384 } };

/** `n` seeded pseudo-random bytes (incompressible, reproducible from `seed`). */
export function pseudo(n: number, seed: number): Uint8Array {
  const r = seededRandom(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.nextU32() & 0xff;
  return out;
}
