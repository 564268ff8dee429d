/**
 * The per-page checks as a 525-byte WebAssembly module: CRC-32C (slicing-by-8) and the
 * Hamming line parity of the ECC, compiled with `wat2wasm` (wabt 1.0.32) from the text below and
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
 * ```wat
 * (module
 *   ;; Memory: CRC-32C slicing-by-8 tables at 0..8191 (table k at 1024k, u32 little-endian), the
 *   ;; caller's bytes from 8192.
 *   (memory (export "memory") 2)
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
 *               (i64.shl (i64.and (i64.popcnt (i64.and (local.get $x) (i64.const 0xffffffff00000000))) (i64.const 1)) (i64.const 5)))))))))
 * ```
 * @module
 */

import { decodeBase64 } from './content/_cdc-kernel.js';

const KERNEL_BASE64 =
  'AGFzbQEAAAABDgJgA39/fwF/YAJ/fwF/AwMCAAEFAwEAAgcWAwZtZW1vcnkCAANjcmMAAANlY2MAAQrQAwLlAQEEfyAAIAFqIQMgA0EHayEEAkADQCAAIARODQEgAiAAKAIAcyEFIAAoAgQhBiAFQf8BcUECdCgCgDggBUEIdkH/AXFBAnQoAoAwcyAFQRB2Qf8BcUECdCgCgCggBUEYdkECdCgCgCBzcyAGQf8BcUECdCgCgBggBkEIdkH/AXFBAnQoAoAQcyAGQRB2Qf8BcUECdCgCgAggBkEYdkECdCgCAHNzcyECIABBCGohAAwACwsCQANAIAAgA08NASACIAAtAABzQf8BcUECdCgCACACQQh2cyECIABBAWohAAwACwsgAgvmAQEHfiABrSEDAkADQEIAIQQgAiADVARAIAApAwAhBAsgBEIIhiAFQjiIhCEGIAQhBSAHIAaFIQcgCCACQgAgBntCAYN9g4UhCCAAQQhqIQAgAkIBfCECIAIgA1gNAAsLIAhCBoYgB3tCAYNCDYaEIAdCqtWq1arVqtWqf4N7QgGDIAdCzJmz5syZs+ZMg3tCAYNCAYaEIAdC8OHDh4+evPhwg3tCAYNCAoYgB0KA/oP4j+C/gH+De0IBg0IDhoQgB0KAgPz/j4BAg3tCAYNCBIYgB0KAgICAcIN7QgGDQgWGhISEhKcL';

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
}

function load(crcTables: Int32Array): PageKernel | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    const bytes = decodeBase64(KERNEL_BASE64) as Uint8Array<ArrayBuffer>;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const exp = instance.exports as {
      memory: WebAssembly.Memory;
      crc: (p: number, n: number, c: number) => number;
      ecc: (p: number, m: number) => number;
    };
    const memory = new Uint8Array(exp.memory.buffer);
    memory.set(new Uint8Array(crcTables.buffer, crcTables.byteOffset, 8192));
    return {
      window: memory.subarray(DATA_OFFSET),
      crc: (start, end, c) => exp.crc(DATA_OFFSET + start, end - start, c),
      ecc: (start, words) => exp.ecc(DATA_OFFSET + start, words),
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
