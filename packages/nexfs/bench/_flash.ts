/** Geometries, inputs and a freshly formatted filesystem shared by the filesystem benchmarks. */
import {
  EmulatedFlash,
  type FlashGeometry,
  GEOMETRIES,
  MemoryFlash,
  Nexfs,
  seededRandom,
} from '../src/index.js';

export const spi = GEOMETRIES['spi-nand'];
export const large = GEOMETRIES['nand-large'];

/** `n` seeded pseudo-random bytes. */
export const fill = (n: number, seed: number) => {
  const r = seededRandom(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.nextU32() & 0xff;
  return b;
};

/** A newly formatted filesystem on emulated flash whose counters start at zero. */
export async function fresh(g: FlashGeometry, options = {}) {
  const flash = new EmulatedFlash(new MemoryFlash(g));
  const fs = await Nexfs.format(flash, options);
  flash.resetCounters();
  return { flash, fs };
}
