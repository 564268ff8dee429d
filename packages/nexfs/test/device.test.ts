import { describe, expect, it } from 'vitest';
import { crc32c, crc32cJs } from '../src/_crc32.js';
import { _setEccKernel, EccResult, eccBytes, eccCorrect, eccEncode } from '../src/ecc.js';
import {
  checkGeometry,
  EmulatedFlash,
  FlashRuleError,
  GEOMETRIES,
  MemoryFlash,
  OnDieEccStatus,
  PowerCutError,
  seededRandom,
} from '../src/index.js';
import { randomInt } from '../src/random.js';

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
  it('programs into charge left in an unprogrammed page as an AND, not a copy', () => {
    // The erased-page fast path (a plain copy) must not hide a cell that lost its erased state.
    const f = new MemoryFlash(GEOMETRIES['spi-nand']);
    f.erase(3);
    f.program(3, 0, new Uint8Array(2048).fill(0xff));
    f.flipStoredBit(3, 5, 17);
    f.program(3, 5, new Uint8Array(2048).fill(0xff));
    const back = new Uint8Array(2048);
    f.read(3, 5, back);
    expect(back[2]).toBe(0xff ^ 2);
    const nor = new MemoryFlash(GEOMETRIES['tiny-nor']);
    nor.program(1, 2, new Uint8Array(512).fill(0x0f));
    expect(() => nor.program(1, 2, new Uint8Array(512).fill(0xf0))).toThrow(FlashRuleError);
  });
  it('recycles an erased block buffer only when no fork holds it', () => {
    const f = new MemoryFlash(GEOMETRIES['spi-nand']);
    const page = new Uint8Array(2048).fill(0x5a);
    f.program(7, 0, page);
    const fork = f.fork();
    f.erase(7); // lent to the fork: not recycled
    f.program(8, 0, new Uint8Array(2048).fill(0x11));
    const back = new Uint8Array(2048);
    fork.read(7, 0, back);
    expect(sameBytes(back, page)).toBe(true);
    f.erase(8); // recycled: block 9 reuses it, erased
    f.read(9, 0, back);
    expect(back.every((b) => b === 0xff)).toBe(true);
    f.program(9, 1, page);
    f.read(9, 0, back);
    expect(back.every((b) => b === 0xff)).toBe(true);
    f.read(8, 0, back);
    expect(back.every((b) => b === 0xff)).toBe(true);
  });
  it('models on-die ECC: flips within the bound of a sector corrected, beyond reported', () => {
    const g = GEOMETRIES['spi-nand-ecc'];
    const f = new MemoryFlash(g);
    const page = new Uint8Array(2048).map((_, i) => i * 7);
    const spare = new Uint8Array(64).fill(0xa5);
    f.program(2, 0, page, spare);
    const back = new Uint8Array(2048);
    const sb = new Uint8Array(64);
    expect(f.read(2, 0, back, sb)).toBe(OnDieEccStatus.Clean);
    // Eight flips in every sector of the main area and eight in the spare area: all corrected.
    for (let s = 0; s < 5; s++) for (let k = 0; k < 8; k++) f.flipStoredBit(2, 0, s * 4096 + k * 509);
    expect(f.read(2, 0, back, sb)).toBe(OnDieEccStatus.Corrected);
    expect(sameBytes(back, page) && sameBytes(sb, spare)).toBe(true);
    const fork = f.fork();
    f.flipStoredBit(2, 0, 3 * 4096 + 4095); // a ninth in sector 3
    expect(f.read(2, 0, back)).toBe(OnDieEccStatus.Uncorrectable);
    expect(sameBytes(back, page)).toBe(false);
    expect(fork.read(2, 0, back)).toBe(OnDieEccStatus.Corrected);
    f.flipStoredBit(2, 0, 3 * 4096 + 4095); // the cell back as programmed
    expect(f.read(2, 0, back)).toBe(OnDieEccStatus.Corrected);
    f.erase(2);
    f.program(2, 0, page);
    expect(f.read(2, 0, back)).toBe(OnDieEccStatus.Clean);
    // A raw part reports nothing: the host corrects.
    const raw = new MemoryFlash(GEOMETRIES['spi-nand']);
    expect(raw.read(2, 0, back)).toBeUndefined();
    expect(() => checkGeometry({ ...GEOMETRIES['tiny-nor'], onDieEccBits: 4 })).toThrow(RangeError);
    expect(() => checkGeometry({ ...g, onDieEccBits: 1.5 })).toThrow(RangeError);
  });
  it('wears blocks out past their budget', () => {
    const g = { ...GEOMETRIES['tiny-nor'], eraseBudget: 2 };
    const f = new EmulatedFlash(new MemoryFlash(g), { wearOut: true });
    expect(f.erase(1)).toBe(true);
    expect(f.erase(1)).toBe(true);
    expect(f.erase(1)).toBe(false);
  });
});

/** Byte equality without the deep-equality walk (which costs ~1 ms per 512-byte compare). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

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
      expect(sameBytes(d, data), `bit ${bit} restored`).toBe(true);
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
    expect(crc32cJs(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
  it('codes the same word in WebAssembly, in JS by words and byte by byte, at any alignment', () => {
    const r = seededRandom(3);
    let cases = 0;
    for (let t = 0; t < 400; t++) {
      // Half whole pages of 512-byte sectors (the kernel codes them in one call), half any length.
      const length = t % 2 === 0 ? 512 * (1 + randomInt(r, 8)) : 8 * (1 + randomInt(r, 600));
      const buf = new Uint8Array(length + 8).map(() => r.nextU32() & 0xff);
      const data = buf.subarray(0, length);
      const codes: string[] = [];
      for (const [kernel, shift] of [
        [true, 0],
        [false, 0],
        [false, 1 + randomInt(r, 7)],
      ] as const) {
        const old = _setEccKernel(kernel);
        const d = shift === 0 ? data : new Uint8Array(length + shift).subarray(shift);
        d.set(data);
        const code = new Uint8Array(eccBytes(length));
        eccEncode(d, code, 0);
        const bit = randomInt(r, length * 8);
        d[bit >> 3] ^= 1 << (bit & 7);
        expect(eccCorrect(d, code, 0)).toBe(EccResult.Corrected);
        expect(sameBytes(d, data)).toBe(true);
        _setEccKernel(old);
        codes.push(code.join());
      }
      expect(codes[1]).toBe(codes[0]);
      expect(codes[2]).toBe(codes[0]);
      cases++;
    }
    console.log(`ecc kernel/word/byte cases: ${cases}`);
  });
  it('computes CRC-32C of subarrays of one buffer in any order (a cached word view was too short)', () => {
    // Regression: the JS path cached an Int32Array view per buffer and offset; a later, longer
    // subarray at the same offset read past the view's end as zeros and got a wrong CRC.
    const r = seededRandom(4);
    const buf = new Uint8Array(70_000).map(() => r.nextU32() & 0xff);
    const bitwise = (d: Uint8Array) => {
      let c = -1;
      for (const b of d) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ -1) >>> 0;
    };
    for (let t = 0; t < 300; t++) {
      const from = randomInt(r, 1000);
      const view = buf.subarray(from, from + 64 + randomInt(r, t % 10 === 0 ? 69_000 - from : 3000));
      const start = randomInt(r, 9);
      const end = view.length - randomInt(r, 9);
      const want = bitwise(view.subarray(start, end));
      expect(crc32cJs(view, start, end)).toBe(want);
      expect(crc32c(view, start, end)).toBe(want);
    }
  });
});
