/**
 * Operand kinds, word to text: each template operand printed from an encoding's fields in LLVM's
 * canonical spelling (the table of kinds is in `operands.ts`).
 * @module
 */
import { decodeBitmask } from './_bits';
import {
  bitsMatch,
  dataSize,
  elementSize,
  expandByteMask,
  expandFloatImmediate,
  formatHex,
  IMPLIED_IMMEDIATE,
  laneFields,
  lslAllowed,
  lslBits,
  NoSuchOperand,
  parseEnum,
  regClass,
  signExtend,
  splitOperand,
} from './_operand';
import {
  BARRIER_OPTIONS,
  CACHE_OPS,
  CONDITIONS,
  cacheOp,
  PREFETCH_OPS,
  pstateField,
  type SysOperationKind,
  systemRegisterCode,
  systemRegisterName,
} from './operand-names';
import { type Encoding, fieldWidth, getField } from './tables';

/** Mnemonics whose immediates LLVM prints in hex. */
const HEX_IMMEDIATE = new Set(['BRK', 'HLT', 'HVC', 'SMC', 'DCPS1', 'DCPS2', 'DCPS3', 'SVC', 'TCANCEL']);

/** Prints one operand in LLVM's canonical spelling. */
export function printOperand(
  e: Encoding,
  mnemonic: string,
  word: number,
  op: string,
  address: number,
): string {
  const a = splitOperand(op);
  switch (a[0]) {
    case 'R': {
      const n = getField(e, word, a[1]);
      const c = regClass(e, word, a[2]);
      if (n === 31) return a[3] === 'sp' ? (c === 'x' ? 'sp' : 'wsp') : `${c}zr`;
      return `${c}${n}`;
    }
    case 'R+': {
      const n = (getField(e, word, a[1]) + 1) & 31;
      return n === 31 ? `${a[2]}zr` : `${a[2]}${n}`;
    }
    case 'V':
      return `${a[2]}${getField(e, word, a[1])}`;
    case 'VV':
      return `v${getField(e, word, a[1])}`;
    case 'SUF':
      return getField(e, word, a[1]) ? '2' : '';
    case 'VV+':
      return `v${(getField(e, word, a[1]) + Number(a[2])) & 31}`;
    case 'IDX5': {
      const imm5 = getField(e, word, 'imm5');
      const size = 31 - Math.clz32(imm5 & -imm5);
      if (imm5 === 0 || size > 3) throw new NoSuchOperand();
      return `${imm5 >>> (size + 1)}`;
    }
    case 'ELVM': {
      const esize = (a[1] as 'h' | 's' | 'd' | undefined) ?? elementSize(e, word);
      return `v${esize === 'h' ? getField(e, word, 'Rm') : getField(e, word, 'M+Rm')}`;
    }
    case 'ELIDX': {
      if (a[1] === 'c') {
        // FCMLA indexes complex pairs: H:L for halves, H for singles (L must be 0).
        if (elementSize(e, word) === 'h') return `${getField(e, word, 'H+L')}`;
        if (getField(e, word, 'L') !== 0) throw new NoSuchOperand();
        return `${getField(e, word, 'H')}`;
      }
      const esize = (a[1] as 'h' | 's' | 'd' | undefined) ?? elementSize(e, word);
      if (esize === 'h') return `${getField(e, word, 'H+L+M')}`;
      if (esize === 's') return `${getField(e, word, 'H+L')}`;
      if (getField(e, word, 'L') !== 0) throw new NoSuchOperand();
      return `${getField(e, word, 'H')}`;
    }
    case 'IDX4': {
      const imm5 = getField(e, word, 'imm5');
      const size = 31 - Math.clz32(imm5 & -imm5);
      if (imm5 === 0 || size > 3) throw new NoSuchOperand();
      return `${getField(e, word, 'imm4') >>> size}`;
    }
    case 'SHL':
    case 'SHR': {
      const immh = getField(e, word, 'immh');
      if (immh === 0) throw new NoSuchOperand();
      const esize = 8 << (31 - Math.clz32(immh));
      const v = getField(e, word, 'immh+immb');
      return `#${a[0] === 'SHL' ? v - esize : 2 * esize - v}`;
    }
    case 'LANE': {
      const lane = laneFields(a[1]);
      return `${getField(e, word, lane.spec) >>> lane.shift}`;
    }
    case 'BYTEMASK': {
      const v = expandByteMask(getField(e, word, 'a+b+c+d+e+f+g+h'));
      // LLVM prints the mask with C's `%#016llx`: 16 characters with the 0x, and zero (which `#`
      // gives no 0x) as sixteen zeros.
      return v === 0n ? '#0000000000000000' : `#0x${v.toString(16).padStart(14, '0')}`;
    }
    case 'N':
      return `${getField(e, word, a[1])}`;
    case 'FBITS':
      return `#${64 - getField(e, word, 'scale')}`;
    case 'VS': {
      const v = getField(e, word, a[2]);
      const alt = parseEnum(a.slice(3).join(':')).find((x) => bitsMatch(x.bits, v));
      if (!alt) throw new NoSuchOperand();
      return `${alt.text.toLowerCase()}${getField(e, word, a[1])}`;
    }
    case 'I': {
      const raw = getField(e, word, a[1]);
      const w = fieldWidth(e, a[1]);
      const v = (a[2] === 's' ? signExtend(raw, w) : raw) * Number(a[3]);
      return HEX_IMMEDIATE.has(mnemonic) && v !== 0 ? formatHex(v) : `#${v}`;
    }
    case 'L': {
      const raw = getField(e, word, a[1]);
      const w = fieldWidth(e, a[1]);
      const offset = signExtend(raw, w) * Number(a[2]);
      void address;
      return `#${offset}`;
    }
    case 'M': {
      const size = Number(a[1]) as 32 | 64;
      const n = size === 64 ? getField(e, word, 'N') : 0;
      const v = decodeBitmask(n, getField(e, word, 'immr'), getField(e, word, 'imms'), size) ?? 0n;
      if (mnemonic === 'MOV') return `#${BigInt.asIntN(size, v)}`;
      return formatHex(v);
    }
    case 'C':
    case 'C!': {
      let c = getField(e, word, a[1]);
      if (a[0] === 'C!') c ^= 1;
      return CONDITIONS[c];
    }
    case 'E': {
      const v = getField(e, word, a[1]) >>> Number(a[2]);
      const alts = parseEnum(a.slice(3).join(':'));
      const lsl = alts.find((x) => x.bits === '?');
      if (lsl && bitsMatch(lslBits(e, '?'), v) && lslAllowed(e, word)) return 'lsl';
      for (const alt of alts) {
        if (alt.bits === '?' || !bitsMatch(alt.bits, v)) continue;
        if (alt.text === 'LSL' && !lslAllowed(e, word)) continue;
        return alt.text.toLowerCase();
      }
      // No spelling: a reserved value (the 1D arrangement of a byte/half/word operation).
      throw new NoSuchOperand();
    }
    case 'CR':
      return `c${getField(e, word, a[1])}`;
    case 'FP':
      return `#${expandFloatImmediate(getField(e, word, a[1])).toFixed(8)}`;
    case 'MOVZ': {
      const v = BigInt(getField(e, word, 'imm16')) << BigInt(16 * getField(e, word, 'hw'));
      return `#${BigInt.asIntN(dataSize(e), v)}`;
    }
    case 'MOVN': {
      const size = dataSize(e);
      const v = ~(BigInt(getField(e, word, 'imm16')) << BigInt(16 * getField(e, word, 'hw')));
      return `#${BigInt.asIntN(size, v)}`;
    }
    case 'LSL': {
      const size = dataSize(e);
      return `#${size - 1 - getField(e, word, 'imms')}`;
    }
    case 'BFW':
      return `#${getField(e, word, 'imms') - getField(e, word, 'immr') + 1}`;
    case 'BFZL': {
      const size = dataSize(e);
      return `#${(size - getField(e, word, 'immr')) % size}`;
    }
    case 'BFZW':
      return `#${getField(e, word, 'imms') + 1}`;
    case 'SYSREG': {
      const code = [
        2 + getField(e, word, 'o0'),
        getField(e, word, 'op1'),
        getField(e, word, 'CRn'),
        getField(e, word, 'CRm'),
        getField(e, word, 'op2'),
      ];
      const name = systemRegisterName(
        systemRegisterCode(code[0], code[1], code[2], code[3], code[4]),
        mnemonic !== 'MRS',
      );
      return name ?? `S${code[0]}_${code[1]}_C${code[2]}_C${code[3]}_${code[4]}`;
    }
    case 'SYSOP': {
      const name = cacheOp(
        a[1] as SysOperationKind,
        getField(e, word, 'op1'),
        getField(e, word, 'CRn'),
        getField(e, word, 'CRm'),
        getField(e, word, 'op2'),
      );
      if (!name) throw new NoSuchOperand();
      return name;
    }
    case 'PSTATE':
    case 'PSTATEIMM': {
      // A field the Arm ARM does not name, or an immediate past a one-bit field, prints as LLVM
      // prints it: the generic system-register move `msr S0_<op1>_C4_C<m>_<op2>, xzr`.
      const op1 = getField(e, word, 'op1');
      const crm = getField(e, word, 'CRm');
      const op2 = getField(e, word, 'op2');
      const f = pstateField(op1, crm, op2);
      const named = f !== undefined && (f.crmHigh !== null || crm <= f.max);
      if (a[0] === 'PSTATE') return named && f ? f.name : `S0_${op1}_C4_C${crm}_${op2}`;
      if (!named || !f) return 'xzr';
      return `#${f.crmHigh === null ? crm : crm & 1}`;
    }
    case 'BARRIER': {
      const crm = getField(e, word, 'CRm');
      return BARRIER_OPTIONS[crm] ?? `#${crm}`;
    }
    case 'PRFOP': {
      const rt = getField(e, word, 'Rt');
      return PREFETCH_OPS[rt] ?? `#${rt}`;
    }
    default:
      throw new Error(`asm-arm64: unknown operand kind ${op}`);
  }
}

/** True when an operand holds its default (the value the omitted form encodes). */
export function isDefault(e: Encoding, word: number, op: string, mnemonic: string): boolean {
  const a = splitOperand(op);
  switch (a[0]) {
    case 'I':
      return getField(e, word, a[1]) === (IMPLIED_IMMEDIATE[mnemonic] ?? 0);
    case 'E': {
      const v = getField(e, word, a[1]) >>> Number(a[2]);
      const alts = parseEnum(a.slice(3).join(':'));
      const lsl = alts.find((x) => x.text === 'LSL');
      if (lsl) return bitsMatch(lslBits(e, lsl.bits), v) && lslAllowed(e, word);
      // Only the enumeration's own bits count (the shift of a modified immediate is part of cmode).
      return (v & ((1 << alts[0].bits.length) - 1)) === 0;
    }
    case 'R':
      // SYS omits an XZR operand.
      if (mnemonic === 'SYS') return getField(e, word, a[1]) === 31;
      if (mnemonic === 'IC' || mnemonic === 'TLBI') {
        // An operation on everything takes no register (the alias is chosen only with Rt = XZR).
        const name = cacheOp(
          mnemonic,
          getField(e, word, 'op1'),
          getField(e, word, 'CRn'),
          getField(e, word, 'CRm'),
          getField(e, word, 'op2'),
        );
        return name !== undefined && !CACHE_OPS[mnemonic][name].register;
      }
      return mnemonic.startsWith('RET') && getField(e, word, a[1]) === 30;
    default:
      return false;
  }
}
