/**
 * The interpreter's scalar floating point, single and double precision, with Linux's FPCR (round to
 * nearest even, no flush to zero, NaNs propagated, not defaulted): arithmetic, square root,
 * conversions between precisions and to and from integers, comparisons, selects and moves.
 * Half precision and the fused multiply-adds are outside it (their words trap as undefined).
 *
 * Registers hold bit patterns; values go through JavaScript doubles, which is exact for doubles and,
 * for single precision, correctly rounded: a double carries more than 2 × 24 + 2 bits, so rounding
 * a sum, difference, product, quotient or square root of singles first to double and then to single
 * gives the single-precision result (Figueroa, "When is double rounding innocuous?", 1995). NaNs are
 * handled on bits, as the Arm ARM's FPProcessNaNs does.
 * @module
 */

import { M32, M64, type Op, rz, undefinedOp, wz } from './_cpu';
import { expandFloatImmediate } from './_operand';
import type { Cpu } from './interpreter';
import { type Encoding, getField } from './tables';

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** Precision of an operand: bits, exponent field and quiet-NaN bit. */
interface Precision {
  bits: number;
  mask: bigint;
  exponent: bigint;
  fraction: bigint;
  quiet: bigint;
  defaultNaN: bigint;
}
const SINGLE: Precision = {
  bits: 32,
  mask: M32,
  exponent: 0x7f800000n,
  fraction: 0x7fffffn,
  quiet: 0x400000n,
  defaultNaN: 0x7fc00000n,
};
const DOUBLE: Precision = {
  bits: 64,
  mask: M64,
  exponent: 0x7ff0000000000000n,
  fraction: 0xfffffffffffffn,
  quiet: 0x8000000000000n,
  defaultNaN: 0x7ff8000000000000n,
};

function toNumber(bits: bigint, p: Precision): number {
  if (p === SINGLE) {
    U32[0] = Number(bits & M32);
    return F32[0];
  }
  U64[0] = bits & M64;
  return F64[0];
}

function toBits(x: number, p: Precision): bigint {
  if (p === SINGLE) {
    F32[0] = x;
    return BigInt(U32[0]);
  }
  F64[0] = x;
  return U64[0];
}

function isNaNBits(bits: bigint, p: Precision): boolean {
  return (bits & p.exponent) === p.exponent && (bits & p.fraction) !== 0n;
}

/** FPProcessNaNs: a signalling NaN first (quietened), then a quiet one, operand order; else null. */
function processNaNs(p: Precision, ...operands: bigint[]): bigint | null {
  for (const x of operands) if (isNaNBits(x, p) && (x & p.quiet) === 0n) return x | p.quiet;
  for (const x of operands) if (isNaNBits(x, p)) return x;
  return null;
}

/** A result computed in doubles, rounded to the precision; a new NaN is the default NaN. */
function rounded(x: number, p: Precision): bigint {
  if (Number.isNaN(x)) return p.defaultNaN;
  return toBits(p === SINGLE ? Math.fround(x) : x, p);
}

/** Reads the low `p.bits` of V register `n`. */
function readFp(c: Cpu, n: number, p: Precision): bigint {
  return c.vec[n] & p.mask;
}

/** Writes a scalar to V register `n`, zeroing the bits above it (Arm ARM: V[d] = ZeroExtend). */
function writeFp(c: Cpu, n: number, v: bigint): void {
  c.vec[n] = v;
}

const ROUNDING: Record<string, (x: number) => number> = {
  N: (x) => {
    // Ties to even.
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  A: (x) => Math.sign(x) * Math.round(Math.abs(x)),
  M: Math.floor,
  P: Math.ceil,
  Z: Math.trunc,
};

/** FPToFixed with saturation: NaN is 0, out-of-range values clamp (Arm ARM FPToFixed). */
function toInteger(x: number, mode: string, signed: boolean, width: number): bigint {
  if (Number.isNaN(x)) return 0n;
  const lo = signed ? -(2n ** BigInt(width - 1)) : 0n;
  const hi = signed ? 2n ** BigInt(width - 1) - 1n : 2n ** BigInt(width) - 1n;
  if (x === Number.POSITIVE_INFINITY) return BigInt.asUintN(width, hi);
  if (x === Number.NEGATIVE_INFINITY) return BigInt.asUintN(width, lo);
  let v = BigInt(ROUNDING[mode](x));
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return BigInt.asUintN(width, v);
}

/**
 * An integer to the nearest single or double. Doubles come from `Number(bigint)`, which rounds to
 * nearest even; for singles from more than 53 bits the integer is first rounded to odd at 53 bits,
 * after which rounding the double to single is exact (round-to-odd, Boldo and Melquiond 2008).
 */
function fromInteger(v: bigint, p: Precision): bigint {
  if (p === DOUBLE) return toBits(Number(v), p);
  const magnitude = v < 0n ? -v : v;
  const length = magnitude.toString(2).length;
  if (length <= 53) return toBits(Math.fround(Number(v)), p);
  const shift = BigInt(length - 53);
  let m = magnitude >> shift;
  if ((magnitude & ((1n << shift) - 1n)) !== 0n) m |= 1n;
  const x = Number(m) * 2 ** Number(shift);
  return toBits(Math.fround(v < 0n ? -x : x), p);
}

/** FPConvert between precisions: a NaN keeps its sign and the top of its payload, quietened. */
function convert(bits: bigint, from: Precision, to: Precision): bigint {
  if (isNaNBits(bits, from)) {
    const sign = (bits >> BigInt(from.bits - 1)) & 1n;
    const payload = bits & from.fraction;
    const moved = from === SINGLE ? payload << 29n : payload >> 29n;
    return (sign << BigInt(to.bits - 1)) | to.exponent | to.quiet | (moved & to.fraction);
  }
  return rounded(toNumber(bits, from), to);
}

/** NZCV of a comparison (Arm ARM FPCompare): unordered 0011, equal 0110, less 1000, greater 0010. */
function compareFlags(a: bigint, b: bigint, p: Precision): number {
  if (isNaNBits(a, p) || isNaNBits(b, p)) return 0b0011;
  const x = toNumber(a, p);
  const y = toNumber(b, p);
  if (x === y) return 0b0110;
  return x < y ? 0b1000 : 0b0010;
}

function setFlags(c: Cpu, nzcv: number): void {
  c.n = (nzcv >> 3) & 1;
  c.z = (nzcv >> 2) & 1;
  c.c = (nzcv >> 1) & 1;
  c.v = nzcv & 1;
}

const BINARY: Record<string, (x: number, y: number) => number> = {
  FADD: (x, y) => x + y,
  FSUB: (x, y) => x - y,
  FMUL: (x, y) => x * y,
  FDIV: (x, y) => x / y,
};

/**
 * Compiles a scalar floating-point word (groups float*) to a closure, or to an `undefined` trap
 * outside the subset. `holds` evaluates a condition code for FCSEL and FCCMP.
 */
export function compileFloat(
  e: Encoding,
  word: number,
  group: string,
  mnemonic: string,
  holds: (c: Cpu, cond: number) => boolean,
): Op {
  const f = (name: string) => getField(e, word, name);
  const form = e.name.split('_')[1];
  const p = /D/.test(form) && !/^(SD|DS)$/.test(form) ? DOUBLE : SINGLE;
  if (/H/.test(form)) return undefinedOp(word);
  const has = (name: string) => e.fields.some((x) => x.name === name);
  const rd = has('Rd') ? f('Rd') : 0;
  const rn = has('Rn') ? f('Rn') : 0;
  switch (group) {
    case 'floatdp2': {
      // FNMUL is FPNeg(FPMul(...)): the sign flips on every result, NaNs included.
      const negate = mnemonic === 'FNMUL' ? 1n << BigInt(p.bits - 1) : 0n;
      const op = BINARY[negate ? 'FMUL' : mnemonic];
      if (!op) return undefinedOp(word);
      const rm = f('Rm');
      return (c) => {
        const a = readFp(c, rn, p);
        const b = readFp(c, rm, p);
        const r = processNaNs(p, a, b) ?? rounded(op(toNumber(a, p), toNumber(b, p)), p);
        writeFp(c, rd, r ^ negate);
        c.pc += 4;
      };
    }
    case 'floatdp1': {
      const sign = 1n << BigInt(p.bits - 1);
      switch (mnemonic) {
        case 'FMOV':
          return (c) => {
            writeFp(c, rd, readFp(c, rn, p));
            c.pc += 4;
          };
        case 'FABS':
          return (c) => {
            writeFp(c, rd, readFp(c, rn, p) & ~sign & p.mask);
            c.pc += 4;
          };
        case 'FNEG':
          return (c) => {
            writeFp(c, rd, readFp(c, rn, p) ^ sign);
            c.pc += 4;
          };
        case 'FSQRT':
          return (c) => {
            const a = readFp(c, rn, p);
            writeFp(c, rd, processNaNs(p, a) ?? rounded(Math.sqrt(toNumber(a, p)), p));
            c.pc += 4;
          };
        case 'FCVT': {
          // FCVT_DS: Dd from Sn; FCVT_SD: Sd from Dn.
          const [from, to] = form === 'DS' ? [SINGLE, DOUBLE] : [DOUBLE, SINGLE];
          return (c) => {
            writeFp(c, rd, convert(readFp(c, rn, from), from, to));
            c.pc += 4;
          };
        }
        default:
          return undefinedOp(word);
      }
    }
    case 'floatcmp': {
      const zero = /Z$/.test(form);
      const rm = f('Rm');
      return (c) => {
        setFlags(c, compareFlags(readFp(c, rn, p), zero ? 0n : readFp(c, rm, p), p));
        c.pc += 4;
      };
    }
    case 'floatccmp': {
      const rm = f('Rm');
      const cond = f('cond');
      const nzcv = f('nzcv');
      return (c) => {
        setFlags(c, holds(c, cond) ? compareFlags(readFp(c, rn, p), readFp(c, rm, p), p) : nzcv);
        c.pc += 4;
      };
    }
    case 'floatsel': {
      const rm = f('Rm');
      const cond = f('cond');
      return (c) => {
        writeFp(c, rd, readFp(c, holds(c, cond) ? rn : rm, p));
        c.pc += 4;
      };
    }
    case 'floatimm': {
      const bits = toBits(expandFloatImmediate(f('imm8')), p);
      return (c) => {
        writeFp(c, rd, bits);
        c.pc += 4;
      };
    }
    case 'float2int':
      return compileIntegerConversion(word, mnemonic, form, rd, rn);
    default:
      return undefinedOp(word);
  }
}

/** FMOV, FCVT[NAMPZ][SU] and [SU]CVTF between general and FP registers (`_32S`, `_D64`, ...). */
function compileIntegerConversion(word: number, mnemonic: string, form: string, rd: number, rn: number): Op {
  const m = /^(32|64)([SD])$/.exec(form) ?? /^([SD])(32|64)$/.exec(form);
  if (!m) return undefinedOp(word); // FMOV to or from the upper half (64VX, V64I)
  const toGeneral = /^\d/.test(form);
  const width = Number(toGeneral ? m[1] : m[2]);
  const p = (toGeneral ? m[2] : m[1]) === 'D' ? DOUBLE : SINGLE;
  const widthMask = width === 64 ? M64 : M32;
  if (mnemonic === 'FMOV')
    return toGeneral
      ? (c) => {
          wz(c, rd, readFp(c, rn, p));
          c.pc += 4;
        }
      : (c) => {
          writeFp(c, rd, rz(c, rn) & widthMask);
          c.pc += 4;
        };
  const cvt = /^FCVT([NAMPZ])([SU])$/.exec(mnemonic);
  if (cvt && toGeneral)
    return (c) => {
      wz(c, rd, toInteger(toNumber(readFp(c, rn, p), p), cvt[1], cvt[2] === 'S', width));
      c.pc += 4;
    };
  if ((mnemonic === 'SCVTF' || mnemonic === 'UCVTF') && !toGeneral) {
    const signed = mnemonic === 'SCVTF';
    return (c) => {
      const raw = rz(c, rn) & widthMask;
      writeFp(c, rd, fromInteger(signed ? BigInt.asIntN(width, raw) : raw, p));
      c.pc += 4;
    };
  }
  return undefinedOp(word);
}
