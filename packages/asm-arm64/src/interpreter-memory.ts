/**
 * The interpreter's loads, stores and system-register moves: every integer addressing mode,
 * pairs, exclusives and acquire/release, compiled to closures like the rest of `interpreter.ts`.
 * @module
 */
import { extendValue, type Op, signExtend, undefinedOp } from './_cpu';
import type { Cpu } from './interpreter';
import { type Encoding, getField } from './tables';

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

const NZCV_CODE = 0b11_011_0100_0010_000;
const TPIDR_EL0_CODE = 0b11_011_1101_0000_010;

export function compileSystemMove(e: Encoding, word: number, mnemonic: string): Op {
  const f = (name: string) => getField(e, word, name);
  const code = ((2 + f('o0')) << 14) | (f('op1') << 11) | (f('CRn') << 7) | (f('CRm') << 3) | f('op2');
  const rt = f('Rt');
  if (code !== NZCV_CODE && code !== TPIDR_EL0_CODE) return undefinedOp(word);
  if (mnemonic === 'MRS')
    return (c) => {
      wz(c, rt, code === NZCV_CODE ? BigInt(c.nzcv) << 28n : c.tpidr);
      c.pc += 4;
    };
  return (c) => {
    const v = rz(c, rt);
    if (code === NZCV_CODE) {
      const n = Number((v >> 28n) & 15n);
      c.n = (n >> 3) & 1;
      c.z = (n >> 2) & 1;
      c.c = (n >> 1) & 1;
      c.v = n & 1;
    } else c.tpidr = v;
    c.pc += 4;
  };
}

interface Access {
  bytes: number;
  signed: boolean;
  /** Destination width for signed loads (32 or 64). */
  width: number;
  load: boolean;
  prefetch: boolean;
  /** A SIMD&FP register (B, H, S, D, Q) rather than a general one. */
  fp: boolean;
}

function accessOf(name: string): Access | null {
  const parts = name.split('_');
  const mn = parts[0];
  const form = parts[1];
  if (mn === 'PRFM' || mn === 'PRFUM')
    return { bytes: 8, signed: false, width: 64, load: true, prefetch: true, fp: false };
  const load = mn.startsWith('LD');
  if (!load && !mn.startsWith('ST')) return null;
  // FP/SIMD register forms of LDR/STR/LDUR/STUR/LDP/STP (B, H, S, D, Q; BL is B with a register offset).
  const fpBytes: Record<string, number> = { B: 1, BL: 1, H: 2, S: 4, D: 8, Q: 16 };
  if (!/\d/.test(form)) {
    if (!fpBytes[form] || !/^(LDR|STR|LDUR|STUR|LDP|STP)$/.test(mn)) return null;
    return { bytes: fpBytes[form], signed: false, width: 64, load, prefetch: false, fp: true };
  }
  const width = /64/.test(form) ? 64 : 32;
  let bytes = width / 8;
  let signed = false;
  if (/SB$/.test(mn)) [bytes, signed] = [1, true];
  else if (/SH$/.test(mn)) [bytes, signed] = [2, true];
  else if (/SW$/.test(mn)) [bytes, signed] = [4, true];
  else if (/B$/.test(mn)) bytes = 1;
  else if (/H$/.test(mn)) bytes = 2;
  return { bytes, signed, width, load, prefetch: false, fp: false };
}

function loadValue(c: Cpu, address: number, a: Access): bigint {
  const m = c.memory;
  let v: bigint;
  switch (a.bytes) {
    case 1:
      v = BigInt(m.read8(address));
      break;
    case 2:
      v = BigInt(m.read16(address));
      break;
    case 4:
      v = BigInt(m.read32(address));
      break;
    case 8:
      v = m.read64(address);
      break;
    default:
      v = m.read64(address) | (m.read64(address + 8) << 64n);
  }
  if (a.signed) v = BigInt.asUintN(a.width, BigInt.asIntN(a.bytes * 8, v));
  return v;
}

function storeValue(c: Cpu, address: number, a: Access, v: bigint): void {
  const m = c.memory;
  switch (a.bytes) {
    case 1:
      m.write8(address, Number(v & 0xffn));
      break;
    case 2:
      m.write16(address, Number(v & 0xffffn));
      break;
    case 4:
      m.write32(address, Number(v & M32));
      break;
    case 8:
      m.write64(address, v & M64);
      break;
    default:
      m.write64(address, v & M64);
      m.write64(address + 8, (v >> 64n) & M64);
  }
}

export function compileLoadStore(e: Encoding, word: number, group: string, mnemonic: string): Op {
  const f = (name: string) => getField(e, word, name);
  const has = (name: string) => e.fields.some((x) => x.name === name);
  const a = accessOf(e.name);
  if (!a) return undefinedOp(word);
  const rt = has('Rt') ? f('Rt') : 0;
  const rn = has('Rn') ? f('Rn') : 0;
  const addr = (v: bigint) => Number(BigInt.asUintN(64, v));
  // General registers (31 is the zero register) or SIMD&FP registers (a load zeroes the bits above).
  const get = a.fp ? (c: Cpu, r: number) => c.vec[r] : rz;
  const set = a.fp
    ? (c: Cpu, r: number, v: bigint) => {
        c.vec[r] = v;
      }
    : wz;
  const transfer = (c: Cpu, address: number, reg: number) => {
    if (a.prefetch) return;
    if (a.load) set(c, reg, loadValue(c, address, a));
    else storeValue(c, address, a, get(c, reg));
  };
  switch (group) {
    case 'ldst_pos': {
      const offset = f('imm12') * a.bytes;
      return (c) => {
        transfer(c, addr(rs(c, rn) + BigInt(offset)), rt);
        c.pc += 4;
      };
    }
    case 'ldst_unscaled':
    case 'ldst_unpriv': {
      const offset = signExtend(f('imm9'), 9);
      return (c) => {
        transfer(c, addr(rs(c, rn) + BigInt(offset)), rt);
        c.pc += 4;
      };
    }
    case 'ldst_immpre':
    case 'ldst_immpost': {
      const offset = BigInt(signExtend(f('imm9'), 9));
      const post = group === 'ldst_immpost';
      return (c) => {
        const base = rs(c, rn);
        const updated = BigInt.asUintN(64, base + offset);
        transfer(c, addr(post ? base : updated), rt);
        ws(c, rn, updated);
        c.pc += 4;
      };
    }
    case 'ldst_regoff': {
      const option = f('option');
      const shift = f('S') ? Math.log2(a.prefetch ? 8 : a.bytes) : 0;
      const rm = f('Rm');
      return (c) => {
        const offset = extendValue(rz(c, rm), option, shift, 64);
        transfer(c, addr(rs(c, rn) + offset), rt);
        c.pc += 4;
      };
    }
    case 'loadlit': {
      const offset = signExtend(f('imm19'), 19) * 4;
      return (c) => {
        transfer(c, c.pc + offset, rt);
        c.pc += 4;
      };
    }
    case 'ldstpair_off':
    case 'ldstpair_pre':
    case 'ldstpair_post':
    case 'ldstnapair_offs': {
      const rt2 = f('Rt2');
      const offset = BigInt(signExtend(f('imm7'), 7) * a.bytes);
      const mode = group === 'ldstpair_pre' ? 'pre' : group === 'ldstpair_post' ? 'post' : 'off';
      return (c) => {
        const base = rs(c, rn);
        const updated = BigInt.asUintN(64, base + offset);
        const address = addr(mode === 'post' ? base : updated);
        if (a.load) {
          const v1 = loadValue(c, address, a);
          const v2 = loadValue(c, address + a.bytes, a);
          set(c, rt, v1);
          set(c, rt2, v2);
        } else {
          const v1 = get(c, rt);
          const v2 = get(c, rt2);
          storeValue(c, address, a, v1);
          storeValue(c, address + a.bytes, a, v2);
        }
        if (mode !== 'off') ws(c, rn, updated);
        c.pc += 4;
      };
    }
    case 'ldstexclr':
    case 'ldstord': {
      const exclusive = /X/.test(mnemonic);
      const rs2 = has('Rs') ? f('Rs') : 31;
      return (c) => {
        const address = addr(rs(c, rn));
        if (a.load) {
          wz(c, rt, loadValue(c, address, a));
          if (exclusive) c.exclusive = address;
        } else if (exclusive) {
          // Single hardware thread: the store succeeds while the monitor holds the address.
          if (c.exclusive === address) {
            storeValue(c, address, a, rz(c, rt));
            wz(c, rs2, 0n);
          } else wz(c, rs2, 1n);
          c.exclusive = -1;
        } else storeValue(c, address, a, rz(c, rt));
        c.pc += 4;
      };
    }
    default:
      return undefinedOp(word);
  }
}
