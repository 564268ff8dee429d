/**
 * Named registers for the builder: `x0`..`x30`, `w0`..`w30`.
 * @module
 */
import { W, type WReg, X, type XReg } from './builder';

/**
 * General register x0 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x0, 1);
 * ```
 */
export const x0: XReg = X[0];
/**
 * General register x1 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x1, 1);
 * ```
 */
export const x1: XReg = X[1];
/**
 * General register x2 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x2, 1);
 * ```
 */
export const x2: XReg = X[2];
/**
 * General register x3 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x3, 1);
 * ```
 */
export const x3: XReg = X[3];
/**
 * General register x4 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x4, 1);
 * ```
 */
export const x4: XReg = X[4];
/**
 * General register x5 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x5, 1);
 * ```
 */
export const x5: XReg = X[5];
/**
 * General register x6 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x6, 1);
 * ```
 */
export const x6: XReg = X[6];
/**
 * General register x7 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x7, 1);
 * ```
 */
export const x7: XReg = X[7];
/**
 * General register x8 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x8, 1);
 * ```
 */
export const x8: XReg = X[8];
/**
 * General register x9 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x9, 1);
 * ```
 */
export const x9: XReg = X[9];
/**
 * General register x10 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x10, 1);
 * ```
 */
export const x10: XReg = X[10];
/**
 * General register x11 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x11, 1);
 * ```
 */
export const x11: XReg = X[11];
/**
 * General register x12 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x12, 1);
 * ```
 */
export const x12: XReg = X[12];
/**
 * General register x13 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x13, 1);
 * ```
 */
export const x13: XReg = X[13];
/**
 * General register x14 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x14, 1);
 * ```
 */
export const x14: XReg = X[14];
/**
 * General register x15 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x15, 1);
 * ```
 */
export const x15: XReg = X[15];
/**
 * General register x16 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x16, 1);
 * ```
 */
export const x16: XReg = X[16];
/**
 * General register x17 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x17, 1);
 * ```
 */
export const x17: XReg = X[17];
/**
 * General register x18 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x18, 1);
 * ```
 */
export const x18: XReg = X[18];
/**
 * General register x19 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x19, 1);
 * ```
 */
export const x19: XReg = X[19];
/**
 * General register x20 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x20, 1);
 * ```
 */
export const x20: XReg = X[20];
/**
 * General register x21 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x21, 1);
 * ```
 */
export const x21: XReg = X[21];
/**
 * General register x22 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x22, 1);
 * ```
 */
export const x22: XReg = X[22];
/**
 * General register x23 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x23, 1);
 * ```
 */
export const x23: XReg = X[23];
/**
 * General register x24 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x24, 1);
 * ```
 */
export const x24: XReg = X[24];
/**
 * General register x25 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x25, 1);
 * ```
 */
export const x25: XReg = X[25];
/**
 * General register x26 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x26, 1);
 * ```
 */
export const x26: XReg = X[26];
/**
 * General register x27 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x27, 1);
 * ```
 */
export const x27: XReg = X[27];
/**
 * General register x28 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x28, 1);
 * ```
 */
export const x28: XReg = X[28];
/**
 * General register x29 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x29, 1);
 * ```
 */
export const x29: XReg = X[29];
/**
 * General register x30 (64-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(x30, 1);
 * ```
 */
export const x30: XReg = X[30];
/**
 * General register w0 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w0, 1);
 * ```
 */
export const w0: WReg = W[0];
/**
 * General register w1 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w1, 1);
 * ```
 */
export const w1: WReg = W[1];
/**
 * General register w2 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w2, 1);
 * ```
 */
export const w2: WReg = W[2];
/**
 * General register w3 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w3, 1);
 * ```
 */
export const w3: WReg = W[3];
/**
 * General register w4 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w4, 1);
 * ```
 */
export const w4: WReg = W[4];
/**
 * General register w5 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w5, 1);
 * ```
 */
export const w5: WReg = W[5];
/**
 * General register w6 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w6, 1);
 * ```
 */
export const w6: WReg = W[6];
/**
 * General register w7 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w7, 1);
 * ```
 */
export const w7: WReg = W[7];
/**
 * General register w8 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w8, 1);
 * ```
 */
export const w8: WReg = W[8];
/**
 * General register w9 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w9, 1);
 * ```
 */
export const w9: WReg = W[9];
/**
 * General register w10 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w10, 1);
 * ```
 */
export const w10: WReg = W[10];
/**
 * General register w11 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w11, 1);
 * ```
 */
export const w11: WReg = W[11];
/**
 * General register w12 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w12, 1);
 * ```
 */
export const w12: WReg = W[12];
/**
 * General register w13 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w13, 1);
 * ```
 */
export const w13: WReg = W[13];
/**
 * General register w14 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w14, 1);
 * ```
 */
export const w14: WReg = W[14];
/**
 * General register w15 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w15, 1);
 * ```
 */
export const w15: WReg = W[15];
/**
 * General register w16 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w16, 1);
 * ```
 */
export const w16: WReg = W[16];
/**
 * General register w17 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w17, 1);
 * ```
 */
export const w17: WReg = W[17];
/**
 * General register w18 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w18, 1);
 * ```
 */
export const w18: WReg = W[18];
/**
 * General register w19 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w19, 1);
 * ```
 */
export const w19: WReg = W[19];
/**
 * General register w20 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w20, 1);
 * ```
 */
export const w20: WReg = W[20];
/**
 * General register w21 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w21, 1);
 * ```
 */
export const w21: WReg = W[21];
/**
 * General register w22 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w22, 1);
 * ```
 */
export const w22: WReg = W[22];
/**
 * General register w23 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w23, 1);
 * ```
 */
export const w23: WReg = W[23];
/**
 * General register w24 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w24, 1);
 * ```
 */
export const w24: WReg = W[24];
/**
 * General register w25 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w25, 1);
 * ```
 */
export const w25: WReg = W[25];
/**
 * General register w26 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w26, 1);
 * ```
 */
export const w26: WReg = W[26];
/**
 * General register w27 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w27, 1);
 * ```
 */
export const w27: WReg = W[27];
/**
 * General register w28 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w28, 1);
 * ```
 */
export const w28: WReg = W[28];
/**
 * General register w29 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w29, 1);
 * ```
 */
export const w29: WReg = W[29];
/**
 * General register w30 (32-bit).
 *
 * @example
 * ```ts
 * new Builder().mov(w30, 1);
 * ```
 */
export const w30: WReg = W[30];
