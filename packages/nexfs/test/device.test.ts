import { describe, expect, it } from 'vitest';
import { crc32c } from '../src/_crc32.js';
import { EccResult, eccBytes, eccCorrect, eccEncode } from '../src/ecc.js';
import {
  EmulatedFlash,
  FlashRuleError,
  GEOMETRIES,
  MemoryFlash,
  PowerCutError,
  seededRandom,
} from '../src/index.js';

describe('flash rules', () => {
  it('reads erased flash as 0xFF', () => {
    const f = new MemoryFlash(GEOMETRIES['spi-nand']);
    const d = new Uint8Array(2048);
    const s = new Uint8Array(64);
    f.read(3, 5, d, s);
    expect(d.every((b) => b === 0xff) && s.every((b) => b === 0xff)).toBe(true);
  });
  it('programs NAND pages once per erase and in order', () => {
    const f = new MemoryFlash(GEOMETRIES['spi-nand']);
    const d = new Uint8Array(2048);
    f.program(1, 2, d);
    expect(() => f.program(1, 2, d)).toThrow(FlashRuleError);
    expect(() => f.program(1, 1, d)).toThrow(FlashRuleError);
    f.erase(1);
    f.program(1, 0, d);
  });
  it('lets NOR programs clear bits only', () => {
    const f = new MemoryFlash(GEOMETRIES['tiny-nor']);
    const d = new Uint8Array(512).fill(0xf0);
    f.program(0, 0, d);
    f.program(0, 0, new Uint8Array(512).fill(0x30));
    expect(() => f.program(0, 0, new Uint8Array(512).fill(0xff))).toThrow(FlashRuleError);
  });
  it('rejects bad addresses with RangeError naming the argument', () => {
    const f = new MemoryFlash(GEOMETRIES['tiny-nor']);
    expect(() => f.erase(64)).toThrow(/block/);
    expect(() => f.read(0, 8, new Uint8Array(512))).toThrow(/page/);
  });
  it('counts operations and cuts power mid-program (torn)', () => {
    const f = new EmulatedFlash(new MemoryFlash(GEOMETRIES['spi-nand']), { seed: 3 });
    const d = new Uint8Array(2048).fill(0);
    f.erase(0);
    f.cutPowerAfter(1, 'torn');
    f.program(0, 0, d);
    expect(() => f.program(0, 1, d)).toThrow(PowerCutError);
    expect(() => f.read(0, 0, d)).toThrow(PowerCutError);
    f.restorePower();
    expect(f.counters.programs).toBe(1);
    expect(f.counters.erases).toBe(1);
    expect(f.erasesPerBlock[0]).toBe(1);
  });
  it('wears blocks out past their budget', () => {
    const g = { ...GEOMETRIES['tiny-nor'], eraseBudget: 2 };
    const f = new EmulatedFlash(new MemoryFlash(g), { wearOut: true });
    expect(f.erase(1)).toBe(true);
    expect(f.erase(1)).toBe(true);
    expect(f.erase(1)).toBe(false);
  });
});

describe('ECC', () => {
  it('corrects every single-bit flip of a 512-byte chunk and its code', () => {
    const r = seededRandom(1);
    const data = new Uint8Array(512).map(() => r.nextU32() & 0xff);
    const code = new Uint8Array(eccBytes(512));
    eccEncode(data, code, 0);
    for (let bit = 0; bit < 512 * 8 + 16; bit++) {
      const d = data.slice();
      const c = code.slice();
      if (bit < 4096) d[bit >> 3] ^= 1 << (bit & 7);
      else c[(bit - 4096) >> 3] ^= 1 << (bit & 7);
      const res = eccCorrect(d, c, 0);
      // Bit 15 of the stored word is unused: flipping it is harmless and reported clean.
      expect(res === EccResult.Corrected || (bit - 4096 === 7 && res === EccResult.Clean), `bit ${bit}`).toBe(
        true,
      );
      expect(d).toEqual(data);
    }
  });
  it('detects double-bit flips in one chunk', () => {
    const r = seededRandom(2);
    const data = new Uint8Array(512).map(() => r.nextU32() & 0xff);
    const code = new Uint8Array(eccBytes(512));
    eccEncode(data, code, 0);
    let detected = 0;
    for (let t = 0; t < 2000; t++) {
      const d = data.slice();
      const a = r.nextU32() % 4096;
      let b = r.nextU32() % 4096;
      if (b === a) b = (a + 1) % 4096;
      d[a >> 3] ^= 1 << (a & 7);
      d[b >> 3] ^= 1 << (b & 7);
      if (eccCorrect(d, code.slice(), 0) === EccResult.Uncorrectable) detected++;
    }
    expect(detected).toBe(2000);
  });
  it('gives erased pages a valid code', () => {
    const data = new Uint8Array(2048).fill(0xff);
    const code = new Uint8Array(eccBytes(2048)).fill(0xff);
    expect(eccCorrect(data, code, 0)).toBe(EccResult.Clean);
  });
  it('matches the CRC-32C check value of RFC 3720', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
});
