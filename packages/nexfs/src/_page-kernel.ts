/**
 * The per-page checks as a 1,087-byte WebAssembly module: CRC-32C (slicing-by-8) and the
 * Hamming line parity of the ECC (one chunk, or every 512-byte sector of a page in one call), compiled with `wat2wasm` (wabt 1.0.32) from the text below and
 * embedded as base64, so it loads synchronously in every runtime (under the 4 KB limit browsers put
 * on synchronous compilation on the main thread). `src/_crc32.ts` and `src/ecc.ts` keep pure-JS
 * paths for runtimes without WebAssembly, and the tests run both against each other.
 *
 * Why WebAssembly: 64-bit words and `popcnt` make the ECC one pass of eleven instructions per
 * eight bytes, and the CRC's table lookups carry no bounds checks. Measured on 2 KiB pages, best
 * of three runs on a loaded 2-core machine, copying the page into the module's memory included:
 * ECC 0.18 ms/MiB (JS by words 0.30, JS byte tables 1.24), CRC-32C 0.48 ms/MiB (JS slicing-by-8
 * on words 0.74, slicing-by-4 on bytes 2.61).
 *
 * `eccs` codes every sector of a page in one call, eight words per step (the low three bits of the
 * word index are constants, the rest tested once per step, as the JS fallback does): against one
 * `ecc` call per sector (and its JS loop) it took `eccEncode` of 32 MiB in 2 KiB pages from
 * 17.3-19.3 ms to 14.9-15.2 ms (three paired runs at load 6; the copy into the window is most of
 * what remains).
 *
 * ```wat
 * (module
 *   ;; Memory: CRC-32C slicing-by-8 tables at 0..8191 (table k at 1024k, u32 little-endian), the
 *   ;; caller's bytes from 8192 to 131071, the ECC words of "eccs" from 131072.
 *   (memory (export "memory") 3)
 *   ;; CRC-32C of [p, p + n), continuing from the running (inverted) value c.
 *   (func (export "crc") (param $p i32) (param $n i32) (param $c i32) (result i32)
 *     (local $end i32) (local $end8 i32) (local $lo i32) (local $hi i32)
 *     (local.set $end (i32.add (local.get $p) (local.get $n)))
 *     (local.set $end8 (i32.sub (local.get $end) (i32.const 7)))
 *     (block $words_done
 *       (loop $words
 *         (br_if $words_done (i32.ge_s (local.get $p) (local.get $end8)))
 *         (local.set $lo (i32.xor (local.get $c) (i32.load (local.get $p))))
 *         (local.set $hi (i32.load offset=4 (local.get $p)))
 *         (local.set $c
 *           (i32.xor
 *             (i32.xor
 *               (i32.xor
 *                 (i32.load offset=7168 (i32.shl (i32.and (local.get $lo) (i32.const 255)) (i32.const 2)))
 *                 (i32.load offset=6144 (i32.shl (i32.and (i32.shr_u (local.get $lo) (i32.const 8)) (i32.const 255)) (i32.const 2))))
 *               (i32.xor
 *                 (i32.load offset=5120 (i32.shl (i32.and (i32.shr_u (local.get $lo) (i32.const 16)) (i32.const 255)) (i32.const 2)))
 *                 (i32.load offset=4096 (i32.shl (i32.shr_u (local.get $lo) (i32.const 24)) (i32.const 2)))))
 *             (i32.xor
 *               (i32.xor
 *                 (i32.load offset=3072 (i32.shl (i32.and (local.get $hi) (i32.const 255)) (i32.const 2)))
 *                 (i32.load offset=2048 (i32.shl (i32.and (i32.shr_u (local.get $hi) (i32.const 8)) (i32.const 255)) (i32.const 2))))
 *               (i32.xor
 *                 (i32.load offset=1024 (i32.shl (i32.and (i32.shr_u (local.get $hi) (i32.const 16)) (i32.const 255)) (i32.const 2)))
 *                 (i32.load (i32.shl (i32.shr_u (local.get $hi) (i32.const 24)) (i32.const 2)))))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 8)))
 *         (br $words)))
 *     (block $bytes_done
 *       (loop $bytes
 *         (br_if $bytes_done (i32.ge_u (local.get $p) (local.get $end)))
 *         (local.set $c
 *           (i32.xor
 *             (i32.load (i32.shl (i32.and (i32.xor (local.get $c) (i32.load8_u (local.get $p))) (i32.const 255)) (i32.const 2)))
 *             (i32.shr_u (local.get $c) (i32.const 8))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 1)))
 *         (br $bytes)))
 *     (local.get $c))
 *   ;; Hamming line parity of [p, p + 8m) (src/ecc.ts): with one zero byte in front, data bit k sits
 *   ;; at bit k + 8 of the shifted buffer; its 64-bit words V_w = d_w << 8 | d_(w-1) >> 56 give
 *   ;; P = (XOR of w over the V_w of odd parity) << 6 | (XOR of the set-bit indexes of X = XOR of V_w).
 *   ;; Returns P | D << 13 with D = parity(X); the caller adds Q.
 *   (func (export "ecc") (param $p i32) (param $m i32) (result i32)
 *     (local $w i64) (local $end i64) (local $d i64) (local $prev i64) (local $v i64) (local $x i64) (local $high i64)
 *     (local.set $end (i64.extend_i32_u (local.get $m)))
 *     (block $done
 *       (loop $next
 *         (local.set $d (i64.const 0))
 *         (if (i64.lt_u (local.get $w) (local.get $end))
 *           (then (local.set $d (i64.load (local.get $p)))))
 *         (local.set $v (i64.or (i64.shl (local.get $d) (i64.const 8)) (i64.shr_u (local.get $prev) (i64.const 56))))
 *         (local.set $prev (local.get $d))
 *         (local.set $x (i64.xor (local.get $x) (local.get $v)))
 *         (local.set $high
 *           (i64.xor (local.get $high)
 *             (i64.and (local.get $w) (i64.sub (i64.const 0) (i64.and (i64.popcnt (local.get $v)) (i64.const 1))))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 8)))
 *         (local.set $w (i64.add (local.get $w) (i64.const 1)))
 *         (br_if $next (i64.le_u (local.get $w) (local.get $end)))))
 *     (i32.wrap_i64
 *       (i64.or
 *         (i64.or
 *           (i64.shl (local.get $high) (i64.const 6))
 *           (i64.shl (i64.and (i64.popcnt (local.get $x)) (i64.const 1)) (i64.const 13)))
 *         (i64.or
 *           (i64.or
 *             (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xaaaaaaaaaaaaaaaa))) (i64.const 1))
 *             (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xcccccccccccccccc))) (i64.const 1)) (i64.const 1)))
 *           (i64.or
 *             (i64.or
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xf0f0f0f0f0f0f0f0))) (i64.const 1)) (i64.const 2))
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xff00ff00ff00ff00))) (i64.const 1)) (i64.const 3)))
 *             (i64.or
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xffff0000ffff0000))) (i64.const 1)) (i64.const 4))
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xffffffff00000000))) (i64.const 1)) (i64.const 5))))))))
 *   ;; The "ecc" words of n sectors of 512 bytes from p, eight words per step: w = 8g + k, so the
 *   ;; parities of w's low three bits are those of three fixed XORs of the eight V (A0: k odd, A1: k
 *   ;; bit 1, A2: k bit 2) and g is tested once per step, on the parity of the eight's XOR T. The word
 *   ;; of sector i (P | D << 13) goes to 131072 + 4i.
 *   (func (export "eccs") (param $p i32) (param $n i32)
 *     (local $i i32) (local $g i64) (local $prev i64) (local $x i64) (local $a0 i64) (local $a1 i64)
 *     (local $a2 i64) (local $hi i64) (local $t i64) (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64) (local $d5 i64) (local $d6 i64) (local $d7 i64) (local $v0 i64) (local $v1 i64) (local $v2 i64) (local $v3 i64) (local $v4 i64) (local $v5 i64) (local $v6 i64) (local $v7 i64)
 *     (block $sectors_done
 *       (loop $sector
 *         (br_if $sectors_done (i32.ge_u (local.get $i) (local.get $n)))
 *         (local.set $g (i64.const 0))
 *         (local.set $prev (i64.const 0))
 *         (local.set $x (i64.const 0))
 *         (local.set $a0 (i64.const 0))
 *         (local.set $a1 (i64.const 0))
 *         (local.set $a2 (i64.const 0))
 *         (local.set $hi (i64.const 0))
 *         (loop $group
 *         (local.set $d0 (i64.load offset=0 (local.get $p)))
 *         (local.set $d1 (i64.load offset=8 (local.get $p)))
 *         (local.set $d2 (i64.load offset=16 (local.get $p)))
 *         (local.set $d3 (i64.load offset=24 (local.get $p)))
 *         (local.set $d4 (i64.load offset=32 (local.get $p)))
 *         (local.set $d5 (i64.load offset=40 (local.get $p)))
 *         (local.set $d6 (i64.load offset=48 (local.get $p)))
 *         (local.set $d7 (i64.load offset=56 (local.get $p)))
 *         (local.set $v0 (i64.or (i64.shl (local.get $d0) (i64.const 8)) (i64.shr_u (local.get $prev) (i64.const 56))))
 *         (local.set $v1 (i64.or (i64.shl (local.get $d1) (i64.const 8)) (i64.shr_u (local.get $d0) (i64.const 56))))
 *         (local.set $v2 (i64.or (i64.shl (local.get $d2) (i64.const 8)) (i64.shr_u (local.get $d1) (i64.const 56))))
 *         (local.set $v3 (i64.or (i64.shl (local.get $d3) (i64.const 8)) (i64.shr_u (local.get $d2) (i64.const 56))))
 *         (local.set $v4 (i64.or (i64.shl (local.get $d4) (i64.const 8)) (i64.shr_u (local.get $d3) (i64.const 56))))
 *         (local.set $v5 (i64.or (i64.shl (local.get $d5) (i64.const 8)) (i64.shr_u (local.get $d4) (i64.const 56))))
 *         (local.set $v6 (i64.or (i64.shl (local.get $d6) (i64.const 8)) (i64.shr_u (local.get $d5) (i64.const 56))))
 *         (local.set $v7 (i64.or (i64.shl (local.get $d7) (i64.const 8)) (i64.shr_u (local.get $d6) (i64.const 56))))
 *         (local.set $prev (local.get $d7))
 *         (local.set $t
 *           (i64.xor
 *             (i64.xor (i64.xor (local.get $v0) (local.get $v1)) (i64.xor (local.get $v2) (local.get $v3)))
 *             (i64.xor (i64.xor (local.get $v4) (local.get $v5)) (i64.xor (local.get $v6) (local.get $v7)))))
 *         (local.set $x (i64.xor (local.get $x) (local.get $t)))
 *         (local.set $a0 (i64.xor (local.get $a0)
 *           (i64.xor (i64.xor (local.get $v1) (local.get $v3)) (i64.xor (local.get $v5) (local.get $v7)))))
 *         (local.set $a1 (i64.xor (local.get $a1)
 *           (i64.xor (i64.xor (local.get $v2) (local.get $v3)) (i64.xor (local.get $v6) (local.get $v7)))))
 *         (local.set $a2 (i64.xor (local.get $a2)
 *           (i64.xor (i64.xor (local.get $v4) (local.get $v5)) (i64.xor (local.get $v6) (local.get $v7)))))
 *         (local.set $hi (i64.xor (local.get $hi)
 *           (i64.and (local.get $g) (i64.sub (i64.const 0) (i64.and (i64.popcnt (local.get $t)) (i64.const 1))))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 64)))
 *         (local.set $g (i64.add (local.get $g) (i64.const 1)))
 *         (br_if $group (i64.lt_u (local.get $g) (i64.const 8))))
 *         ;; The byte carried out of the last word: w = 64 (g = 8, k = 0).
 *         (local.set $t (i64.shr_u (local.get $prev) (i64.const 56)))
 *         (local.set $x (i64.xor (local.get $x) (local.get $t)))
 *         (local.set $hi (i64.xor (local.get $hi)
 *           (i64.and (i64.const 8) (i64.sub (i64.const 0) (i64.and (i64.popcnt (local.get $t)) (i64.const 1))))))
 *         (i32.store offset=131072 (i32.shl (local.get $i) (i32.const 2))
 *           (i32.wrap_i64
 *             (i64.or
 *               (i64.or
 *                 (i64.shl
 *                   (i64.or
 *                     (i64.or
 *                       (i64.and (i64.popcnt (local.get $a0)) (i64.const 1))
 *                       (i64.shl (i64.and (i64.popcnt (local.get $a1)) (i64.const 1)) (i64.const 1)))
 *                     (i64.or
 *                       (i64.shl (i64.and (i64.popcnt (local.get $a2)) (i64.const 1)) (i64.const 2))
 *                       (i64.shl (local.get $hi) (i64.const 3))))
 *                   (i64.const 6))
 *                 (i64.shl (i64.and (i64.popcnt (local.get $x)) (i64.const 1)) (i64.const 13)))
 *               (i64.or
 *           (i64.or
 *             (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xaaaaaaaaaaaaaaaa))) (i64.const 1))
 *             (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xcccccccccccccccc))) (i64.const 1)) (i64.const 1)))
 *           (i64.or
 *             (i64.or
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xf0f0f0f0f0f0f0f0))) (i64.const 1)) (i64.const 2))
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xff00ff00ff00ff00))) (i64.const 1)) (i64.const 3)))
 *             (i64.or
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xffff0000ffff0000))) (i64.const 1)) (i64.const 4))
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xffffffff00000000))) (i64.const 1)) (i64.const 5))))))))
 *         (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *         (br $sector)))))
 * ```
 * @module
 */

import { decodeBase64 } from './content/_cdc-kernel.js';

const KERNEL_BASE64 =
  'AGFzbQEAAAABEwNgA39/fwF/YAJ/fwF/YAJ/fwADBAMAAQIFAwEAAwcdBAZtZW1vcnkCAANjcmMAAANlY2MAAQRlY2NzAAIK9QcD5QEBBH8gACABaiEDIANBB2shBAJAA0AgACAETg0BIAIgACgCAHMhBSAAKAIEIQYgBUH/AXFBAnQoAoA4IAVBCHZB/wFxQQJ0KAKAMHMgBUEQdkH/AXFBAnQoAoAoIAVBGHZBAnQoAoAgc3MgBkH/AXFBAnQoAoAYIAZBCHZB/wFxQQJ0KAKAEHMgBkEQdkH/AXFBAnQoAoAIIAZBGHZBAnQoAgBzc3MhAiAAQQhqIQAMAAsLAkADQCAAIANPDQEgAiAALQAAc0H/AXFBAnQoAgAgAkEIdnMhAiAAQQFqIQAMAAsLIAIL5gEBB34gAa0hAwJAA0BCACEEIAIgA1QEQCAAKQMAIQQLIARCCIYgBUI4iIQhBiAEIQUgByAGhSEHIAggAkIAIAZ7QgGDfYOFIQggAEEIaiEAIAJCAXwhAiACIANYDQALCyAIQgaGIAd7QgGDQg2GhCAHQqrVqtWq1arVqn+De0IBgyAHQsyZs+bMmbPmTIN7QgGDQgGGhCAHQvDhw4ePnrz4cIN7QgGDQgKGIAdCgP6D+I/gv4B/g3tCAYNCA4aEIAdCgID8/4+AQIN7QgGDQgSGIAdCgICAgHCDe0IBg0IFhoSEhISnC6MEAgF/GH4CQANAIAIgAU8NAUIAIQNCACEEQgAhBUIAIQZCACEHQgAhCEIAIQkDQCAAKQMAIQsgACkDCCEMIAApAxAhDSAAKQMYIQ4gACkDICEPIAApAyghECAAKQMwIREgACkDOCESIAtCCIYgBEI4iIQhEyAMQgiGIAtCOIiEIRQgDUIIhiAMQjiIhCEVIA5CCIYgDUI4iIQhFiAPQgiGIA5COIiEIRcgEEIIhiAPQjiIhCEYIBFCCIYgEEI4iIQhGSASQgiGIBFCOIiEIRogEiEEIBMgFIUgFSAWhYUgFyAYhSAZIBqFhYUhCiAFIAqFIQUgBiAUIBaFIBggGoWFhSEGIAcgFSAWhSAZIBqFhYUhByAIIBcgGIUgGSAahYWFIQggCSADQgAgCntCAYN9g4UhCSAAQcAAaiEAIANCAXwhAyADQghUDQALIARCOIghCiAFIAqFIQUgCUIIQgAgCntCAYN9g4UhCSACQQJ0IAZ7QgGDIAd7QgGDQgGGhCAIe0IBg0IChiAJQgOGhIRCBoYgBXtCAYNCDYaEIAVCqtWq1arVqtWqf4N7QgGDIAVCzJmz5syZs+ZMg3tCAYNCAYaEIAVC8OHDh4+evPhwg3tCAYNCAoYgBUKA/oP4j+C/gH+De0IBg0IDhoQgBUKAgPz/j4BAg3tCAYNCBIYgBUKAgICAcIN7QgGDQgWGhISEhKc2AoCACCACQQFqIQIMAAsLCw==';

/** Byte offset in kernel memory where the caller's bytes go. */
const DATA_OFFSET = 8192;
/** Bytes the data window holds (two 64 KiB pages minus the tables). */
export const PAGE_KERNEL_WINDOW_BYTES = 2 * 65536 - DATA_OFFSET;

/** The page kernel: CRC-32C and ECC line parity over bytes copied into its window. */
export interface PageKernel {
  /** The data window (write the bytes here, from index 0). */
  readonly window: Uint8Array;
  /** CRC-32C state after `window[start, end)`, from the running (inverted) state `c`. */
  crc(start: number, end: number, c: number): number;
  /** `P | D << 13` of the ECC (see ecc.ts) over `window[start, start + 8 * words)`. */
  ecc(start: number, words: number): number;
  /**
   * The `P | D << 13` words of `sectors` 512-byte sectors from `window[start]`, into
   * `sectorWords[0, sectors)` (at most {@link PAGE_KERNEL_MAX_SECTORS}).
   */
  eccSectors(start: number, sectors: number): void;
  /** Where {@link PageKernel.eccSectors} leaves its words. */
  readonly sectorWords: Int32Array;
}

/** Sectors one {@link PageKernel.eccSectors} call codes (a 32 KiB page). */
export const PAGE_KERNEL_MAX_SECTORS = 64;
/** Byte offset in kernel memory of the sector words. */
const WORDS_OFFSET = 2 * 65536;

function load(crcTables: Int32Array): PageKernel | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    const bytes = decodeBase64(KERNEL_BASE64) as Uint8Array<ArrayBuffer>;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const exp = instance.exports as {
      memory: WebAssembly.Memory;
      crc: (p: number, n: number, c: number) => number;
      ecc: (p: number, m: number) => number;
      eccs: (p: number, n: number) => void;
    };
    const memory = new Uint8Array(exp.memory.buffer);
    memory.set(new Uint8Array(crcTables.buffer, crcTables.byteOffset, 8192));
    return {
      window: memory.subarray(DATA_OFFSET, DATA_OFFSET + PAGE_KERNEL_WINDOW_BYTES),
      crc: (start, end, c) => exp.crc(DATA_OFFSET + start, end - start, c),
      ecc: (start, words) => exp.ecc(DATA_OFFSET + start, words),
      eccSectors: (start, sectors) => exp.eccs(DATA_OFFSET + start, sectors),
      sectorWords: new Int32Array(exp.memory.buffer, WORDS_OFFSET, PAGE_KERNEL_MAX_SECTORS),
    };
  } catch {
    return null; // no WebAssembly here (or it is disabled): the JS paths run
  }
}

let kernel: PageKernel | null | undefined;

/**
 * The shared kernel instance, or null where WebAssembly is unavailable. `crcTables` are the eight
 * slicing tables (2048 little-endian u32), passed by `_crc32.ts` on first use.
 */
export function pageKernel(crcTables: Int32Array): PageKernel | null {
  if (kernel === undefined) kernel = load(crcTables);
  return kernel;
}
