/**
 * What the interpreter's files share: the trap that stops execution inside an instruction, the
 * closure type, and helpers for the floating-point file (the hot files keep their own register
 * helpers, see `interpreter.ts`).
 * @module
 */
import type { Cpu } from './interpreter';

export const M64 = (1n << 64n) - 1n;
export const M32 = 0xffffffffn;

/** Why execution stopped inside an instruction (caught by the sandbox). */
export class Trap {
  /** `svc`, `undefined`, `brk`. */
  readonly kind: 'svc' | 'undefined' | 'brk';
  /** The word (for `undefined`) or the immediate (for `svc`/`brk`). */
  readonly value: number;
  /**
   * @example
   * ```ts
   * new Trap('svc', 0).kind; // 'svc'
   * ```
   */
  constructor(kind: Trap['kind'], value: number) {
    this.kind = kind;
    this.value = value;
  }
}

/** A compiled instruction. */
export type Op = (cpu: Cpu) => void;

export function signExtend(v: number, width: number): number {
  return v >= 2 ** (width - 1) ? v - 2 ** width : v;
}

/** Reads a register as a general operand (31 is the zero register). */
export function rz(c: Cpu, r: number): bigint {
  return r === 31 ? 0n : c.x[r];
}
/** Writes a register as a general operand (31 discards). */
export function wz(c: Cpu, r: number, v: bigint): void {
  if (r !== 31) c.x[r] = v;
}

/** A closure that stops with an `undefined` trap (a word outside the subset). */
export const undefinedOp =
  (word: number): Op =>
  () => {
    throw new Trap('undefined', word);
  };

export function extendValue(v: bigint, option: number, shift: number, size: number): bigint {
  const mask = size === 64 ? M64 : M32;
  let x: bigint;
  switch (option) {
    case 0:
      x = v & 0xffn;
      break;
    case 1:
      x = v & 0xffffn;
      break;
    case 2:
      x = v & M32;
      break;
    case 3:
      x = v;
      break;
    case 4:
      x = BigInt.asUintN(64, BigInt.asIntN(8, v));
      break;
    case 5:
      x = BigInt.asUintN(64, BigInt.asIntN(16, v));
      break;
    case 6:
      x = BigInt.asUintN(64, BigInt.asIntN(32, v));
      break;
    default:
      x = v;
  }
  return (x << BigInt(shift)) & mask;
}
