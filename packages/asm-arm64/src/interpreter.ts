/**
 * The A64 interpreter for the integer subset and scalar floating point: every word is decoded
 * once through the generated tables (the same decoder the disassembler uses) and compiled to a
 * closure over its fields; the closures of a code page are cached, which is sound because code
 * pages are never writable (W^X).
 *
 * Registers are BigInts (exact 64-bit arithmetic without hand-carried halves); the measured rate
 * is in the README.
 *
 * Loads, stores and system-register moves compile in `interpreter-memory.ts`, scalar floating
 * point in `interpreter-fp.ts`; the trap, the closure type and the register helpers they share
 * are in `_cpu.ts`.
 * @module
 */
import { decodeBitmask } from './_bits';
import { extendValue, type Op, signExtend, Trap, undefinedOp } from './_cpu';
import { compileFloat } from './interpreter-fp';
import { compileLoadStore, compileSystemMove } from './interpreter-memory';
import { type Memory, PAGE_BYTES } from './memory';
import { decodeEncoding, getField } from './tables';

// The register helpers and masks are defined here and not imported: reaching them through an
// import costs 10-25% on the compute-loop bench under the development loader (measured side by
// side on a loaded machine); the bundle is unaffected either way.
const M64 = (1n << 64n) - 1n;
const M32 = 0xffffffffn;
/** Reads a register as a general operand (31 is the zero register). */
function rz(c: Cpu, r: number): bigint {
  return r === 31 ? 0n : c.x[r];
}
/** Reads a register as a base or SP operand (31 is SP). */
function rs(c: Cpu, r: number): bigint {
  return c.x[r];
}
/** Writes a register as a general operand (31 discards). */
function wz(c: Cpu, r: number, v: bigint): void {
  if (r !== 31) c.x[r] = v;
}
/** Writes a register as a base operand (31 is SP). */
function ws(c: Cpu, r: number, v: bigint): void {
  c.x[r] = v;
}

/** Architectural state of one hardware thread. */
export class Cpu {
  /** x0..x30 and, at index 31, SP. */
  readonly x: bigint[] = new Array<bigint>(32).fill(0n);
  /** Program counter. */
  pc = 0;
  /** Condition flags. */
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  /** V0..V31, the SIMD&FP registers, as 128-bit values (a scalar write zeroes the bits above it). */
  readonly vec: bigint[] = new Array<bigint>(32).fill(0n);
  /** TPIDR_EL0, the thread pointer. */
  tpidr = 0n;
  /** Exclusive monitor: the address of the last load-exclusive, or -1. */
  exclusive = -1;
  /** Instructions retired. */
  steps = 0;
  /** The memory the CPU runs in. */
  readonly memory: Memory;
  private readonly cache = new Map<number, (Op | undefined)[]>();

  /**
   * @example
   * ```ts
   * const cpu = new Cpu(new Memory(1 << 20));
   * cpu.x[0] = 42n;
   * ```
   */
  constructor(memory: Memory) {
    this.memory = memory;
  }

  /** NZCV as the 4-bit value of the NZCV register's bits 31..28. */
  get nzcv(): number {
    return (this.n << 3) | (this.z << 2) | (this.c << 1) | this.v;
  }

  /**
   * Runs at most `budget` instructions; returns normally when the budget is spent and throws
   * `Trap` or `MemoryFault` when an instruction stops.
   */
  run(budget: number): void {
    const mem = this.memory;
    let pageIndexCached = -1;
    let ops: (Op | undefined)[] | undefined;
    for (let i = 0; i < budget; i++) {
      const pc = this.pc;
      const index = Math.floor(pc / PAGE_BYTES);
      if (index !== pageIndexCached) {
        mem.fetch(pc); // permission check: execute
        ops = this.cache.get(index);
        if (!ops) {
          ops = new Array(PAGE_BYTES / 4);
          this.cache.set(index, ops);
        }
        pageIndexCached = index;
      }
      const slot = (pc & (PAGE_BYTES - 1)) >>> 2;
      let op = (ops as (Op | undefined)[])[slot];
      if (!op) {
        if (pc % 4 !== 0) throw new Trap('undefined', 0);
        op = compile(mem.fetch(pc));
        (ops as (Op | undefined)[])[slot] = op;
      }
      op(this);
      this.steps++;
    }
  }

  /** Drops compiled code (after the loader changes code pages). */
  flush(): void {
    this.cache.clear();
  }
}

const CONDITION_HOLDS: ((c: Cpu) => boolean)[] = [
  (c) => c.z === 1,
  (c) => c.z === 0,
  (c) => c.c === 1,
  (c) => c.c === 0,
  (c) => c.n === 1,
  (c) => c.n === 0,
  (c) => c.v === 1,
  (c) => c.v === 0,
  (c) => c.c === 1 && c.z === 0,
  (c) => !(c.c === 1 && c.z === 0),
  (c) => c.n === c.v,
  (c) => c.n !== c.v,
  (c) => c.z === 0 && c.n === c.v,
  (c) => !(c.z === 0 && c.n === c.v),
  () => true,
  () => true,
];

/** AddWithCarry (Arm ARM J1.1.3) setting flags. */
function addWithCarry(c: Cpu, a: bigint, b: bigint, carry: bigint, size: number, setFlags: boolean): bigint {
  const mask = size === 64 ? M64 : M32;
  const sum = a + b + carry;
  const result = sum & mask;
  if (setFlags) {
    const sign = BigInt(size - 1);
    c.n = Number((result >> sign) & 1n);
    c.z = result === 0n ? 1 : 0;
    c.c = sum > mask ? 1 : 0;
    const sa = (a >> sign) & 1n;
    const sb = (b >> sign) & 1n;
    c.v = sa === sb && ((result >> sign) & 1n) !== sa ? 1 : 0;
  }
  return result;
}

/** `a + b` or `a - b` (as `a + ~b + 1`) at `size` bits, setting NZCV when `setFlags`. */
function addOrSubtract(c: Cpu, a: bigint, b: bigint, sub: boolean, size: number, setFlags: boolean): bigint {
  return sub
    ? addWithCarry(c, a, ~b & (size === 64 ? M64 : M32), 1n, size, setFlags)
    : addWithCarry(c, a, b, 0n, size, setFlags);
}

function shiftValue(v: bigint, type: number, amount: number, size: number): bigint {
  const mask = size === 64 ? M64 : M32;
  const a = BigInt(amount);
  switch (type) {
    case 0:
      return (v << a) & mask;
    case 1:
      return v >> a;
    case 2:
      return BigInt.asUintN(size, BigInt.asIntN(size, v) >> a);
    default:
      return amount === 0 ? v : ((v >> a) | (v << BigInt(size - amount))) & mask;
  }
}

function setNZ(c: Cpu, v: bigint, size: number): void {
  c.n = Number((v >> BigInt(size - 1)) & 1n);
  c.z = v === 0n ? 1 : 0;
  c.c = 0;
  c.v = 0;
}

/** Compiles one word to a closure, or to an `undefined` trap outside the subset. */
export function compile(word: number): Op {
  const e = decodeEncoding(word);
  if (!e) return undefinedOp(word);
  const f = (name: string) => getField(e, word, name);
  const has = (name: string) => e.fields.some((x) => x.name === name);
  const group = e.group.slice(e.group.indexOf('/') + 1);
  const size = has('sf') ? (f('sf') ? 64 : 32) : /_64/.test(e.name) ? 64 : 32;
  const mask = size === 64 ? M64 : M32;
  const mnemonic = e.name.slice(0, e.name.indexOf('_'));
  const rd = has('Rd') ? f('Rd') : 0;
  const rn = has('Rn') ? f('Rn') : 0;
  const rm = has('Rm') ? f('Rm') : 0;
  const next: Op = (c) => {
    c.pc += 4;
  };
  void next;
  switch (group) {
    case 'addsub_imm': {
      const imm = BigInt(f('imm12') << (f('sh') ? 12 : 0));
      const sub = mnemonic.startsWith('SUB');
      const setFlags = mnemonic.endsWith('S');
      return (c) => {
        const a = rs(c, rn) & mask;
        const r = addOrSubtract(c, a, imm, sub, size, setFlags);
        if (setFlags) wz(c, rd, r);
        else ws(c, rd, r);
        c.pc += 4;
      };
    }
    case 'addsub_shift': {
      const type = f('shift');
      const amount = f('imm6');
      if (type === 3 || (size === 32 && amount > 31)) return undefinedOp(word);
      const sub = mnemonic.startsWith('SUB');
      const setFlags = mnemonic.endsWith('S');
      return (c) => {
        const b = shiftValue(rz(c, rm) & mask, type, amount, size);
        const a = rz(c, rn) & mask;
        wz(c, rd, addOrSubtract(c, a, b, sub, size, setFlags));
        c.pc += 4;
      };
    }
    case 'addsub_ext': {
      const option = f('option');
      const shift = f('imm3');
      if (shift > 4) return undefinedOp(word);
      const sub = mnemonic.startsWith('SUB');
      const setFlags = mnemonic.endsWith('S');
      return (c) => {
        const b = extendValue(rz(c, rm), option, shift, size);
        const a = rs(c, rn) & mask;
        const r = addOrSubtract(c, a, b, sub, size, setFlags);
        if (setFlags) wz(c, rd, r);
        else ws(c, rd, r);
        c.pc += 4;
      };
    }
    case 'addsub_carry': {
      const sub = mnemonic.startsWith('SBC');
      const setFlags = mnemonic.endsWith('S');
      return (c) => {
        const a = rz(c, rn) & mask;
        const b = rz(c, rm) & mask;
        wz(c, rd, addWithCarry(c, a, sub ? ~b & mask : b, BigInt(c.c), size, setFlags));
        c.pc += 4;
      };
    }
    case 'log_imm': {
      const imm = decodeBitmask(size === 64 ? f('N') : 0, f('immr'), f('imms'), size as 32 | 64);
      if (imm === null) return undefinedOp(word);
      const opc = f('opc');
      return (c) => {
        const a = rz(c, rn) & mask;
        const r = opc === 0 || opc === 3 ? a & imm : opc === 1 ? a | imm : a ^ imm;
        if (opc === 3) {
          setNZ(c, r, size);
          wz(c, rd, r);
        } else ws(c, rd, r);
        c.pc += 4;
      };
    }
    case 'log_shift': {
      const type = f('shift');
      const amount = f('imm6');
      if (size === 32 && amount > 31) return undefinedOp(word);
      const opc = f('opc');
      const invert = f('N') === 1;
      return (c) => {
        let b = shiftValue(rz(c, rm) & mask, type, amount, size);
        if (invert) b = ~b & mask;
        const a = rz(c, rn) & mask;
        const r = opc === 0 || opc === 3 ? a & b : opc === 1 ? a | b : a ^ b;
        if (opc === 3) setNZ(c, r, size);
        wz(c, rd, r);
        c.pc += 4;
      };
    }
    case 'movewide': {
      const hw = f('hw');
      if (size === 32 && hw > 1) return undefinedOp(word);
      const shift = BigInt(16 * hw);
      const imm = BigInt(f('imm16')) << shift;
      const opc = f('opc');
      if (opc === 1) return undefinedOp(word);
      return (c) => {
        if (opc === 0) wz(c, rd, ~imm & mask);
        else if (opc === 2) wz(c, rd, imm);
        else wz(c, rd, ((rz(c, rd) & ~(0xffffn << shift)) | imm) & mask);
        c.pc += 4;
      };
    }
    case 'bitfield': {
      const immr = f('immr');
      const imms = f('imms');
      const n = f('N');
      if ((size === 64 && n !== 1) || (size === 32 && (n !== 0 || immr > 31 || imms > 31)))
        return undefinedOp(word);
      const opc = f('opc');
      // DecodeBitMasks(immediate = FALSE): wmask and tmask.
      const bits = BigInt(size);
      const r = BigInt(immr);
      const s = BigInt(imms);
      const ones = (k: bigint) => (1n << k) - 1n;
      const rot = (v: bigint) => (r === 0n ? v : ((v >> r) | (v << (bits - r))) & mask);
      const wmask = rot(ones(s + 1n));
      const d = (s - r) & (bits - 1n);
      const tmask = ones(d + 1n);
      return (c) => {
        const src = rz(c, rn) & mask;
        const dst = opc === 1 ? rz(c, rd) & mask : 0n;
        const bot = (dst & ~wmask) | (rot(src) & wmask);
        let top: bigint;
        if (opc === 0) top = (src >> s) & 1n ? mask : 0n;
        else top = dst;
        if (opc === 2) top = 0n;
        wz(c, rd, ((top & ~tmask) | (bot & tmask)) & mask);
        c.pc += 4;
      };
    }
    case 'extract': {
      const lsb = BigInt(f('imms'));
      if (size === 32 && lsb > 31n) return undefinedOp(word);
      return (c) => {
        const hi = rz(c, rn) & mask;
        const lo = rz(c, rm) & mask;
        wz(c, rd, lsb === 0n ? lo : ((lo >> lsb) | (hi << (BigInt(size) - lsb))) & mask);
        c.pc += 4;
      };
    }
    case 'pcreladdr': {
      const imm = signExtend(f('immhi') * 4 + f('immlo'), 21);
      const page = mnemonic === 'ADRP';
      return (c) => {
        const base = page ? Math.floor(c.pc / 4096) * 4096 : c.pc;
        wz(c, rd, BigInt.asUintN(64, BigInt(base + (page ? imm * 4096 : imm))));
        c.pc += 4;
      };
    }
    case 'dp_2src': {
      const m = mnemonic;
      return (c) => {
        const a = rz(c, rn) & mask;
        const b = rz(c, rm) & mask;
        let r: bigint;
        switch (m) {
          case 'UDIV':
            r = b === 0n ? 0n : a / b;
            break;
          case 'SDIV': {
            const sa = BigInt.asIntN(size, a);
            const sb = BigInt.asIntN(size, b);
            r = sb === 0n ? 0n : BigInt.asUintN(size, sa / sb);
            break;
          }
          case 'LSLV':
            r = (a << (b % BigInt(size))) & mask;
            break;
          case 'LSRV':
            r = a >> (b % BigInt(size));
            break;
          case 'ASRV':
            r = BigInt.asUintN(size, BigInt.asIntN(size, a) >> (b % BigInt(size)));
            break;
          case 'RORV':
            r = shiftValue(a, 3, Number(b % BigInt(size)), size);
            break;
          default:
            throw new Trap('undefined', word);
        }
        wz(c, rd, r);
        c.pc += 4;
      };
    }
    case 'dp_1src': {
      const m = e.name.slice(0, e.name.indexOf('_'));
      return (c) => {
        const a = rz(c, rn) & mask;
        let r = 0n;
        switch (m) {
          case 'RBIT':
            for (let i = 0; i < size; i++) if ((a >> BigInt(i)) & 1n) r |= 1n << BigInt(size - 1 - i);
            break;
          case 'CLZ': {
            let k = 0;
            while (k < size && ((a >> BigInt(size - 1 - k)) & 1n) === 0n) k++;
            r = BigInt(k);
            break;
          }
          case 'CLS': {
            const top = (a >> BigInt(size - 1)) & 1n;
            let k = 0;
            while (k < size - 1 && ((a >> BigInt(size - 2 - k)) & 1n) === top) k++;
            r = BigInt(k);
            break;
          }
          case 'REV':
          case 'REV32':
          case 'REV16': {
            const chunk = m === 'REV16' ? 16 : m === 'REV32' || size === 32 ? 32 : 64;
            for (let base = 0; base < size; base += chunk) {
              for (let b = 0; b < chunk / 8; b++) {
                const byte = (a >> BigInt(base + 8 * b)) & 0xffn;
                r |= byte << BigInt(base + chunk - 8 - 8 * b);
              }
            }
            break;
          }
          default:
            throw new Trap('undefined', word);
        }
        wz(c, rd, r);
        c.pc += 4;
      };
    }
    case 'dp_3src': {
      const ra = f('Ra');
      const m = mnemonic;
      return (c) => {
        const a = rz(c, rn);
        const b = rz(c, rm);
        const acc = rz(c, ra);
        let r: bigint;
        switch (m) {
          case 'MADD':
            r = (acc + (a & mask) * (b & mask)) & mask;
            break;
          case 'MSUB':
            r = (acc - (a & mask) * (b & mask)) & mask;
            break;
          case 'SMADDL':
            r = BigInt.asUintN(64, acc + BigInt.asIntN(32, a) * BigInt.asIntN(32, b));
            break;
          case 'SMSUBL':
            r = BigInt.asUintN(64, acc - BigInt.asIntN(32, a) * BigInt.asIntN(32, b));
            break;
          case 'UMADDL':
            r = BigInt.asUintN(64, acc + (a & M32) * (b & M32));
            break;
          case 'UMSUBL':
            r = BigInt.asUintN(64, acc - (a & M32) * (b & M32));
            break;
          case 'SMULH':
            r = BigInt.asUintN(64, (BigInt.asIntN(64, a) * BigInt.asIntN(64, b)) >> 64n);
            break;
          case 'UMULH':
            r = (a * b) >> 64n;
            break;
          default:
            throw new Trap('undefined', word);
        }
        wz(c, rd, r);
        c.pc += 4;
      };
    }
    case 'condsel': {
      const cond = CONDITION_HOLDS[f('cond')];
      const op2 = (f('op') << 1) | f('o2');
      return (c) => {
        if (cond(c)) wz(c, rd, rz(c, rn) & mask);
        else {
          const b = rz(c, rm) & mask;
          wz(c, rd, op2 === 0 ? b : op2 === 1 ? (b + 1n) & mask : op2 === 2 ? ~b & mask : (~b + 1n) & mask);
        }
        c.pc += 4;
      };
    }
    case 'condcmp_reg':
    case 'condcmp_imm': {
      const cond = CONDITION_HOLDS[f('cond')];
      const nzcv = f('nzcv');
      const isImm = group === 'condcmp_imm';
      const imm = isImm ? BigInt(f('imm5')) : 0n;
      const sub = mnemonic === 'CCMP';
      return (c) => {
        if (cond(c)) {
          const a = rz(c, rn) & mask;
          const b = isImm ? imm : rz(c, rm) & mask;
          addOrSubtract(c, a, b, sub, size, true);
        } else {
          c.n = (nzcv >> 3) & 1;
          c.z = (nzcv >> 2) & 1;
          c.c = (nzcv >> 1) & 1;
          c.v = nzcv & 1;
        }
        c.pc += 4;
      };
    }
    case 'branch_imm': {
      const offset = signExtend(f('imm26'), 26) * 4;
      const link = mnemonic === 'BL';
      return (c) => {
        if (link) c.x[30] = BigInt(c.pc + 4);
        c.pc += offset;
      };
    }
    case 'condbranch': {
      if (mnemonic !== 'B') return undefinedOp(word);
      const offset = signExtend(f('imm19'), 19) * 4;
      const cond = CONDITION_HOLDS[f('cond')];
      return (c) => {
        c.pc += cond(c) ? offset : 4;
      };
    }
    case 'compbranch': {
      const offset = signExtend(f('imm19'), 19) * 4;
      const rt = f('Rt');
      const nonzero = mnemonic === 'CBNZ';
      return (c) => {
        const zero = (rz(c, rt) & mask) === 0n;
        c.pc += zero !== nonzero ? offset : 4;
      };
    }
    case 'testbranch': {
      const offset = signExtend(f('imm14'), 14) * 4;
      const rt = f('Rt');
      const bit = BigInt(f('b5') * 32 + f('b40'));
      const nonzero = mnemonic === 'TBNZ';
      return (c) => {
        const set = ((rz(c, rt) >> bit) & 1n) === 1n;
        c.pc += set === nonzero ? offset : 4;
      };
    }
    case 'branch_reg': {
      if (mnemonic !== 'BR' && mnemonic !== 'BLR' && mnemonic !== 'RET') return undefinedOp(word);
      const link = mnemonic === 'BLR';
      return (c) => {
        const target = Number(rz(c, rn));
        if (link) c.x[30] = BigInt(c.pc + 4);
        c.pc = target;
      };
    }
    case 'exception': {
      if (mnemonic === 'SVC') {
        const imm = f('imm16');
        return (c) => {
          c.pc += 4;
          throw new Trap('svc', imm);
        };
      }
      if (mnemonic === 'BRK') {
        const imm = f('imm16');
        return () => {
          throw new Trap('brk', imm);
        };
      }
      return undefinedOp(word);
    }
    case 'hints':
    case 'barriers':
      if (mnemonic === 'CLREX')
        return (c) => {
          c.exclusive = -1;
          c.pc += 4;
        };
      return (c) => {
        c.pc += 4;
      };
    case 'systemmove':
      return compileSystemMove(e, word, mnemonic);
    case 'floatdp1':
    case 'floatdp2':
    case 'floatcmp':
    case 'floatccmp':
    case 'floatsel':
    case 'floatimm':
    case 'float2int':
      return compileFloat(e, word, group, mnemonic, (c, cond) => CONDITION_HOLDS[cond](c));
    default:
      return compileLoadStore(e, word, group, mnemonic);
  }
}

export { Trap } from './_cpu';
