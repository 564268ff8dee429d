/**
 * Operand kinds: how each template operand reads from and writes to an encoding's fields, and how
 * it is spelled in text (LLVM's canonical spelling for output, GNU/LLVM syntax for input).
 *
 * Template operands are strings `%kind:args` produced by the generator:
 *
 * | kind | args | meaning |
 * | --- | --- | --- |
 * | `R` | field, `w`/`x`/`b5`, `zr`/`sp` | general register; register 31 is `zr` or `sp` |
 * | `R+` | field, `w`/`x` | the register after the one in the field (pairs) |
 * | `V` | field, `b`/`h`/`s`/`d`/`q` | scalar FP/SIMD register |
 * | `I` | fields, `u`/`s`, scale | immediate, value = field × scale |
 * | `L` | fields, scale | PC-relative label, offset = signed field × scale |
 * | `M` | 32/64 | logical (bitmask) immediate in N:immr:imms |
 * | `C`, `C!` | field | condition code (`C!` inverted) |
 * | `E` | field, shift, `text=bits;...` | a field enumeration |
 * | `CR` | field | `c0`..`c15` |
 *
 * and a few kinds the runtime adds for aliases whose operands are computed (`LSL` as `UBFM`):
 * `MOVZ`, `MOVN`, `LSL`, `BFW`, `BFZL`, `BFZW`, `SYSREG`, `BARRIER`, `PRFOP`.
 *
 * The file stays whole past 700 lines on purpose: `printOperand` and `matchOperand` are two
 * switches over the same operand kinds, and keeping them side by side keeps the two directions in
 * step when a kind changes.
 * @module
 */
import { decodeBitmask, encodeBitmask } from './_bits';
import {
  BARRIER_OPTIONS,
  CACHE_OPS,
  CONDITION_SYNONYMS,
  CONDITIONS,
  cacheOp,
  PREFETCH_OPS,
  SYSREG_BY_CODE,
  SYSTEM_REGISTERS,
} from './operand-names';
import { type Encoding, fieldWidth, getField, hasField, setField } from './tables';

/** Parsed operand text token. */
export interface Token {
  /** `reg`, `num`, `id`, `punct` or `reloc` (`:lo12:`). */
  kind: 'num' | 'id' | 'punct' | 'reloc';
  /** Lower-case text. */
  text: string;
  /** Text as written (symbol names are case-sensitive). */
  raw?: string;
  /** Numeric value for `num` (BigInt keeps 64-bit immediates exact). */
  value: bigint;
  /** Column (0-based) of the token in its line. */
  column: number;
}

/** A symbol reference an operand left for the assembler to resolve. */
export interface Fixup {
  /** Symbol name. */
  symbol: string;
  /** Constant added to the symbol's address. */
  addend: number;
  /** `pcrel` (branch, adr, literal), `page` (adrp), `lo12` (add/ldr :lo12:). */
  kind: 'pcrel' | 'page' | 'lo12';
  /** Field spec the value goes into. */
  fields: string;
  /** Units of the field (4 for branches, 4096 for adrp, the access size for :lo12: loads). */
  scale: number;
  /** Column of the operand, for errors. */
  column: number;
}

/** The state of one template match. */
export interface MatchState {
  word: number;
  fixups: Fixup[];
  /** The first (furthest) error seen, to report when nothing matches. */
  error: { message: string; column: number } | null;
  /** Class of the Rm register as written, for register-offset consistency checks. */
  rmClass?: 'w' | 'x';
  /** Field values set by enumerations so far (arrangements named twice must agree). */
  enums?: Map<string, string>;
  /** The mnemonic carried a `2` suffix (`saddl2`): the upper-half form. */
  suffix2?: boolean;
  /** The register of a by-element operand, checked once the element size is known. */
  elementRegister?: number;
  /** Whether the cache operation just matched takes a register (`dc civac, x0`, `ic iallu`). */
  cacheOpRegister?: boolean;
  /** While searching: the steps of the path taken so far (see `encodeTokens`). */
  trace?: { kind: string; part: unknown; pos: number; next: number }[];
}

const _REG_RE = /^([wx])(\d+)$/;

/** Register number and class of a general-register token, or null. */
export function gpr(text: string): { n: number; c: 'w' | 'x'; special: '' | 'zr' | 'sp' } | null {
  const c0 = text.charCodeAt(0);
  // x0..x30, w0..w30 by hand: this runs once per register operand (regex: 2.5x slower here).
  if ((c0 === 120 || c0 === 119) && text.length >= 2 && text.length <= 3) {
    const d1 = text.charCodeAt(1) - 48;
    const d2 = text.length === 3 ? text.charCodeAt(2) - 48 : -1;
    if (d1 >= 0 && d1 <= 9 && (d2 === -1 || (d2 >= 0 && d2 <= 9 && d1 !== 0))) {
      const n = d2 === -1 ? d1 : d1 * 10 + d2;
      if (n <= 30) return { n, c: c0 === 120 ? 'x' : 'w', special: '' };
      return null;
    }
  }
  switch (text) {
    case 'xzr':
      return { n: 31, c: 'x', special: 'zr' };
    case 'wzr':
      return { n: 31, c: 'w', special: 'zr' };
    case 'sp':
      return { n: 31, c: 'x', special: 'sp' };
    case 'wsp':
      return { n: 31, c: 'w', special: 'sp' };
    case 'fp':
      return { n: 29, c: 'x', special: '' };
    case 'lr':
      return { n: 30, c: 'x', special: '' };
    default:
      return null;
  }
}

/** Width in bits of the register class an encoding's operand uses (`b5` chooses by bit 31). */
function regClass(e: Encoding, word: number, cls: string): 'w' | 'x' {
  if (cls === 'b5') return getField(e, word, 'b5') ? 'x' : 'w';
  if (cls === 'opt') return (getField(e, word, 'option') & 3) === 3 ? 'x' : 'w';
  if (cls === 'imm5') return (getField(e, word, 'imm5') & 15) === 8 ? 'x' : 'w';
  return cls as 'w' | 'x';
}

/** Data size (32 or 64) of an integer encoding. */
export function dataSize(e: Encoding): 32 | 64 {
  return /_64|_X_/.test(e.name) ? 64 : 32;
}

function fail(state: MatchState, message: string, column: number): false {
  if (!state.error || column >= state.error.column) state.error = { message, column };
  return false;
}

function fitsUnsigned(v: number, width: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < 2 ** width;
}
function fitsSigned(v: number, width: number): boolean {
  return Number.isInteger(v) && v >= -(2 ** (width - 1)) && v < 2 ** (width - 1);
}

/** Mnemonics whose immediates LLVM prints in hex. */
const HEX_IMMEDIATE = new Set(['BRK', 'HLT', 'HVC', 'SMC', 'DCPS1', 'DCPS2', 'DCPS3', 'SVC', 'TCANCEL']);

function signExtend(v: number, width: number): number {
  return v >= 2 ** (width - 1) ? v - 2 ** width : v;
}

function bitsMatch(bits: string, value: number): boolean {
  const w = bits.length;
  for (let i = 0; i < w; i++) {
    const ch = bits[w - 1 - i];
    if (ch === 'x') continue;
    if (((value >>> i) & 1) !== (ch === '1' ? 1 : 0)) return false;
  }
  return true;
}

const enumCache = new Map<string, { text: string; bits: string }[]>();

function parseEnum(spec: string): { text: string; bits: string }[] {
  let out = enumCache.get(spec);
  if (!out) {
    out = spec.split(';').map((alt) => {
      const i = alt.lastIndexOf('=');
      return { text: alt.slice(0, i), bits: alt.slice(i + 1) };
    });
    enumCache.set(spec, out);
  }
  return out;
}

function formatHex(v: bigint | number): string {
  return `#0x${v.toString(16)}`;
}

/**
 * Prints one operand in LLVM's canonical spelling, or null when the operand has its default value
 * (for optional groups).
 */
/** Resolves the `?` bits of an extended-register `LSL` (UXTW for 32-bit, UXTX for 64-bit). */
function lslBits(e: Encoding, bits: string): string {
  return bits === '?' ? (dataSize(e) === 64 ? '011' : '010') : bits;
}

/** True when an extended-register operand may be written `lsl` (Rd or Rn is SP). */
function lslAllowed(e: Encoding, word: number): boolean {
  if (!e.group.endsWith('/addsub_ext')) return true;
  return getField(e, word, 'Rn') === 31 || (getField(e, word, 'Rd') === 31 && getField(e, word, 'S') === 0);
}

const splitCache = new Map<string, string[]>();

/** `%R:Rd:x:zr` split once into `['R', 'Rd', 'x', 'zr']`. */
export function splitOperand(op: string): string[] {
  let a = splitCache.get(op);
  if (!a) splitCache.set(op, (a = op.slice(1).split(':')));
  return a;
}

/** Records "expected ..." as the error and returns -1 (no match). */
function need(state: MatchState, column: number, what: string): number {
  fail(state, `expected ${what}`, column);
  return -1;
}

/** Thrown when a field value has no spelling: the word is not a valid instruction. */
export class NoSuchOperand extends Error {}

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
      const name = SYSREG_BY_CODE.get(code.join(':'));
      return name ? name.toUpperCase() : `S${code[0]}_${code[1]}_C${code[2]}_C${code[3]}_${code[4]}`;
    }
    case 'SYSOP': {
      const name = cacheOp(
        a[1] as 'DC' | 'IC',
        getField(e, word, 'op1'),
        getField(e, word, 'CRn'),
        getField(e, word, 'CRm'),
        getField(e, word, 'op2'),
      );
      if (!name) throw new NoSuchOperand();
      return name;
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

/** Immediates an omitted operand implies other than zero (`clrex` is `clrex #15`). */
const IMPLIED_IMMEDIATE: Record<string, number> = { CLREX: 15, ISB: 15 };

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
      return v === 0;
    }
    case 'R':
      if (mnemonic === 'IC') return getField(e, word, a[1]) === 31;
      return mnemonic.startsWith('RET') && getField(e, word, a[1]) === 30;
    default:
      return false;
  }
}

function parseNumber(tokens: Token[], pos: number): { value: bigint; next: number } | null {
  let p = pos;
  if (tokens[p]?.text === '#') p++;
  let sign = 1n;
  if (tokens[p]?.text === '-') {
    sign = -1n;
    p++;
  } else if (tokens[p]?.text === '+') p++;
  const t = tokens[p];
  if (t?.kind !== 'num') return null;
  return { value: sign * t.value, next: p + 1 };
}

/**
 * An operand spelled either by name from `names` or as `#0..#max` (barrier options, prefetch
 * operations): sets `field` and returns the next token position, or -1 with `what` as the error.
 */
function matchNamedOrNumber(
  e: Encoding,
  tokens: Token[],
  pos: number,
  state: MatchState,
  column: number,
  field: string,
  names: Record<number, string>,
  max: number,
  what: string,
): number {
  const t = tokens[pos];
  if (t && t.kind === 'id') {
    const entry = Object.entries(names).find(([, v]) => v === t.text);
    if (!entry) return need(state, column, what);
    state.word = setField(e, state.word, field, Number(entry[0]));
    return pos + 1;
  }
  const n = parseNumber(tokens, pos);
  if (!n || n.value < 0n || n.value > BigInt(max)) return need(state, column, `${what} or #0..#${max}`);
  state.word = setField(e, state.word, field, Number(n.value));
  return n.next;
}

/**
 * An element index checked against the element size already in `imm5` (its lowest set bit): the
 * index and log2 of the element bytes, or null with the error recorded.
 */
function elementIndex(
  e: Encoding,
  t: Token | undefined,
  state: MatchState,
  column: number,
): { n: number; size: number } | null {
  const n = t?.kind === 'num' ? Number(t.value) : -1;
  const imm5 = getField(e, state.word, 'imm5');
  const size = 31 - Math.clz32(imm5 & -imm5);
  if (n < 0 || imm5 === 0) {
    need(state, column, 'an element index');
    return null;
  }
  if (n >= 16 >> size) {
    fail(state, `element index ${n} out of range [0, ${(16 >> size) - 1}]`, column);
    return null;
  }
  return { n, size };
}

/** Symbol reference `name`, `name+4`, `name-8`. */
function parseSymbol(tokens: Token[], pos: number): { symbol: string; addend: number; next: number } | null {
  const t = tokens[pos];
  if (t?.kind !== 'id' || gpr(t.text)) return null;
  let p = pos + 1;
  let addend = 0;
  if ((tokens[p]?.text === '+' || tokens[p]?.text === '-') && tokens[p + 1]?.kind === 'num') {
    addend = Number(tokens[p + 1].value) * (tokens[p].text === '-' ? -1 : 1);
    p += 2;
  }
  return { symbol: t.raw ?? t.text, addend, next: p };
}

/**
 * Matches one operand at `pos`; returns the next token position or -1. Writes fields into
 * `state.word` and fixups into `state.fixups`.
 */
export function matchOperand(
  e: Encoding,
  _mnemonic: string,
  op: string,
  tokens: Token[],
  pos: number,
  state: MatchState,
): number {
  const a = splitOperand(op);
  const t = tokens[pos];
  const column = t?.column ?? tokens[tokens.length - 1]?.column ?? 0;

  switch (a[0]) {
    case 'R': {
      if (!t) return need(state, column, 'a register');
      const r = gpr(t.text);
      if (!r) return need(state, column, 'a register');
      const cls =
        a[2] === 'b5' || a[2] === 'opt' ? r.c : a[2] === 'imm5' ? regClass(e, state.word, 'imm5') : a[2];
      if (a[1] === 'Rm') state.rmClass = r.c;
      if (r.c !== cls)
        return fail(
          state,
          `wrong register class: expected a ${cls === 'x' ? '64' : '32'}-bit register`,
          column,
        )
          ? -1
          : -1;
      if (r.special && r.special !== a[3])
        return fail(state, `${t.text} is not allowed here`, column) ? -1 : -1;
      state.word = setField(e, state.word, a[1], r.n);
      if (a[2] === 'b5') state.word = setField(e, state.word, 'b5', r.c === 'x' ? 1 : 0);
      return pos + 1;
    }
    case 'R+': {
      if (!t) return need(state, column, 'a register');
      const r = gpr(t.text);
      if (!r || r.c !== a[2]) return need(state, column, `a ${a[2]} register`);
      const first = getField(e, state.word, a[1]);
      if (r.n !== ((first + 1) & 31))
        return fail(state, 'the second register of a pair must follow the first', column) ? -1 : -1;
      return pos + 1;
    }
    case 'V': {
      if (!t) return need(state, column, 'a register');
      const m = /^([bhsdq])(\d+)$/.exec(t.text);
      if (!m || m[1] !== a[2] || Number(m[2]) > 31) return need(state, column, `a ${a[2]} register`);
      state.word = setField(e, state.word, a[1], Number(m[2]));
      return pos + 1;
    }
    case 'SUF':
      // The `2` of `saddl2` arrived with the mnemonic (see encodeTokens).
      state.word = setField(e, state.word, a[1], state.suffix2 ? 1 : 0);
      return pos;
    case 'VV+': {
      const m = t && /^v(\d+)$/.exec(t.text);
      const want = (getField(e, state.word, a[1]) + Number(a[2])) & 31;
      if (!m || Number(m[1]) !== want)
        return need(state, column, `v${want} (registers of a list are consecutive)`);
      return pos + 1;
    }
    case 'IDX5': {
      const x = elementIndex(e, t, state, column);
      if (!x) return -1;
      state.word = setField(e, state.word, 'imm5', (x.n << (x.size + 1)) | (1 << x.size));
      return pos + 1;
    }
    case 'ELVM': {
      const m = t && /^v(\d+)$/.exec(t.text);
      if (!m || Number(m[1]) > 31) return need(state, column, 'a vector register');
      const n = Number(m[1]);
      state.word = setField(e, state.word, 'Rm', n & 15);
      state.word = setField(e, state.word, 'M', n >> 4);
      state.elementRegister = n;
      return pos + 1;
    }
    case 'ELIDX': {
      const n = t?.kind === 'num' ? Number(t.value) : -1;
      if (n < 0) return need(state, column, 'an element index');
      const esize = (a[1] as 'h' | 's' | 'd' | undefined) ?? elementSize(e, state.word);
      const max = esize === 'h' ? 7 : esize === 's' ? 3 : 1;
      if (n > max) return fail(state, `element index ${n} out of range [0, ${max}]`, column) ? -1 : -1;
      if (esize === 'h') {
        if ((state.elementRegister ?? 0) > 15)
          return fail(state, 'with 16-bit elements the register must be v0..v15', column) ? -1 : -1;
        state.word = setField(e, state.word, 'H+L+M', n);
      } else if (esize === 's') state.word = setField(e, state.word, 'H+L', n);
      else {
        state.word = setField(e, state.word, 'H', n);
        state.word = setField(e, state.word, 'L', 0);
      }
      return pos + 1;
    }
    case 'IDX4': {
      const x = elementIndex(e, t, state, column);
      if (!x) return -1;
      state.word = setField(e, state.word, 'imm4', x.n << x.size);
      return pos + 1;
    }
    case 'SHL':
    case 'SHR': {
      const n = parseNumber(tokens, pos);
      const immh = getField(e, state.word, 'immh');
      if (!n || immh === 0) return need(state, column, 'a shift amount');
      const esize = 8 << (31 - Math.clz32(immh));
      const v = Number(n.value);
      const lo = a[0] === 'SHL' ? 0 : 1;
      const hi = a[0] === 'SHL' ? esize - 1 : esize;
      if (v < lo || v > hi) return fail(state, `shift ${v} out of range [${lo}, ${hi}]`, column) ? -1 : -1;
      state.word = setField(e, state.word, 'immh+immb', a[0] === 'SHL' ? esize + v : 2 * esize - v);
      return n.next;
    }
    case 'FBITS': {
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'a number of fraction bits');
      const v = Number(n.value);
      const max = e.fields.some((f) => f.name === 'sf') && getField(e, state.word, 'sf') === 0 ? 32 : 64;
      if (v < 1 || v > max) return fail(state, `fbits ${v} out of range [1, ${max}]`, column) ? -1 : -1;
      state.word = setField(e, state.word, 'scale', 64 - v);
      return n.next;
    }
    case 'VV': {
      const m = t && /^v(\d+)$/.exec(t.text);
      if (!m || Number(m[1]) > 31) return need(state, column, 'a vector register');
      state.word = setField(e, state.word, a[1], Number(m[1]));
      return pos + 1;
    }
    case 'VS': {
      const m = t && /^([bhsdq])(\d+)$/.exec(t.text);
      if (!m || Number(m[2]) > 31) return need(state, column, 'a scalar SIMD register');
      const alt = parseEnum(a.slice(3).join(':')).find((x) => x.text.toLowerCase() === m[1]);
      if (!alt) return fail(state, `wrong register class ${m[1]}`, column) ? -1 : -1;
      state.word = setField(e, state.word, a[1], Number(m[2]));
      state.word = setField(e, state.word, a[2], Number.parseInt(alt.bits.replace(/x/g, '0'), 2));
      return pos + 1;
    }
    case 'I': {
      const reloc =
        tokens[pos]?.kind === 'reloc'
          ? tokens[pos]
          : tokens[pos]?.text === '#' && tokens[pos + 1]?.kind === 'reloc'
            ? tokens[pos + 1]
            : null;
      if (reloc) {
        if (reloc.text !== ':lo12:') return need(state, column, 'an immediate');
        const s = parseSymbol(tokens, tokens.indexOf(reloc) + 1);
        if (!s) return need(state, column, 'a symbol after :lo12:');
        state.fixups.push({
          symbol: s.symbol,
          addend: s.addend,
          kind: 'lo12',
          fields: a[1],
          scale: Number(a[3]),
          column,
        });
        return s.next;
      }
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'an immediate');
      const scale = Number(a[3]);
      const v = Number(n.value);
      const width = fieldWidth(e, a[1]);
      if (v % scale !== 0)
        return fail(state, `immediate ${v} is not a multiple of ${scale}`, column) ? -1 : -1;
      const f = v / scale;
      if (a[2] === 's' ? !fitsSigned(f, width) : !fitsUnsigned(f, width)) {
        const lo = a[2] === 's' ? -(2 ** (width - 1)) * scale : 0;
        const hi = (a[2] === 's' ? 2 ** (width - 1) - 1 : 2 ** width - 1) * scale;
        return fail(state, `immediate ${v} out of range [${lo}, ${hi}]`, column) ? -1 : -1;
      }
      state.word = setField(e, state.word, a[1], f < 0 ? f + 2 ** width : f);
      return n.next;
    }
    case 'L': {
      const scale = Number(a[2]);
      const s = parseSymbol(tokens, pos);
      if (s) {
        state.fixups.push({
          symbol: s.symbol,
          addend: s.addend,
          kind: scale === 4096 ? 'page' : 'pcrel',
          fields: a[1],
          scale,
          column,
        });
        return s.next;
      }
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'a label');
      const v = Number(n.value);
      const width = fieldWidth(e, a[1]);
      if (v % scale !== 0) return fail(state, `offset ${v} is not a multiple of ${scale}`, column) ? -1 : -1;
      if (!fitsSigned(v / scale, width)) return fail(state, `offset ${v} out of range`, column) ? -1 : -1;
      const f = v / scale;
      state.word = setField(e, state.word, a[1], f < 0 ? f + 2 ** width : f);
      return n.next;
    }
    case 'M':
    case 'MOVZ':
    case 'MOVN': {
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'an immediate');
      const size = a[0] === 'M' ? (Number(a[1]) as 32 | 64) : dataSize(e);
      const lim = 1n << BigInt(size);
      if (n.value >= lim || n.value < -(lim >> 1n))
        return fail(state, `immediate ${n.value} out of range for ${size} bits`, column) ? -1 : -1;
      const v = BigInt.asUintN(size, n.value);
      if (a[0] === 'M') {
        const b = encodeBitmask(v, size);
        if (!b) return fail(state, `immediate ${n.value} is not a valid logical immediate`, column) ? -1 : -1;
        if (size === 64) state.word = setField(e, state.word, 'N', b.n);
        state.word = setField(e, state.word, 'immr', b.immr);
        state.word = setField(e, state.word, 'imms', b.imms);
        return n.next;
      }
      const target = a[0] === 'MOVN' ? BigInt.asUintN(size, ~v) : v;
      for (let hw = 0; hw < size / 16; hw++) {
        const shift = BigInt(16 * hw);
        if ((target & ~(0xffffn << shift)) === 0n) {
          state.word = setField(e, state.word, 'hw', hw);
          state.word = setField(e, state.word, 'imm16', Number(target >> shift));
          return n.next;
        }
      }
      return fail(state, `immediate ${n.value} does not fit a move-wide instruction`, column) ? -1 : -1;
    }
    case 'C':
    case 'C!': {
      if (!t) return need(state, column, 'a condition');
      let c = CONDITIONS.indexOf(t.text);
      if (c < 0) c = CONDITION_SYNONYMS[t.text] ?? -1;
      if (c < 0) return need(state, column, 'a condition');
      if (a[0] === 'C!') {
        if (c >= 14) return fail(state, `condition ${t.text} cannot be inverted`, column) ? -1 : -1;
        c ^= 1;
      }
      state.word = setField(e, state.word, a[1], c);
      return pos + 1;
    }
    case 'E': {
      const shift = Number(a[2]);
      for (const alt of parseEnum(a.slice(3).join(':'))) {
        const words = alt.text
          .toLowerCase()
          .split(/\s+|(?=#)/)
          .filter(Boolean);
        let p = pos;
        let ok = true;
        for (const w of words) {
          if (w === '#') {
            if (tokens[p]?.text === '#') p++;
            continue;
          }
          if (w.startsWith('#')) {
            const n = parseNumber(tokens, p);
            if (!n || String(n.value) !== w.slice(1)) {
              ok = false;
              break;
            }
            p = n.next;
            continue;
          }
          if (tokens[p]?.text !== w) {
            ok = false;
            break;
          }
          p++;
        }
        if (ok) {
          // One field may be named by several operands (`v0.8b, v1.8b`): they must agree.
          if (a[1].includes('+') || a[1] === 'size' || a[1] === 'imm5') {
            const previous = state.enums?.get(a[1]);
            if (previous !== undefined && previous !== alt.bits) {
              fail(state, 'operands disagree on the arrangement', column);
              continue;
            }
            if (!state.enums) state.enums = new Map();
            state.enums.set(a[1], alt.bits);
          }
          const bits = lslBits(e, alt.bits).replace(/x/g, '0');
          const cur = getField(e, state.word, a[1]);
          const v = (cur & ~(((1 << bits.length) - 1) << shift)) | (Number.parseInt(bits, 2) << shift);
          state.word = setField(e, state.word, a[1], v);
          // Bits marked x keep a value another operand set (option<2> of a register offset).
          if (alt.bits.includes('x')) {
            let keep = 0;
            for (let i = 0; i < alt.bits.length; i++)
              if (alt.bits[alt.bits.length - 1 - i] === 'x') keep |= 1 << (i + shift);
            state.word = setField(e, state.word, a[1], (v & ~keep) | (cur & keep));
          }
          return p;
        }
      }
      return need(
        state,
        column,
        `one of ${parseEnum(a.slice(3).join(':'))
          .map((x) => x.text.toLowerCase())
          .join(', ')}`,
      );
    }
    case 'FP': {
      let p = pos;
      if (tokens[p]?.text === '#') p++;
      let sign = 1;
      if (tokens[p]?.text === '-') {
        sign = -1;
        p++;
      }
      const n = tokens[p];
      if (n?.kind !== 'num') return need(state, column, 'a floating-point immediate');
      const value = sign * Number(n.text);
      for (let imm8 = 0; imm8 < 256; imm8++) {
        if (expandFloatImmediate(imm8) === value) {
          state.word = setField(e, state.word, a[1], imm8);
          return p + 1;
        }
      }
      return fail(state, `${value} is not representable as an 8-bit floating-point immediate`, column)
        ? -1
        : -1;
    }
    case 'CR': {
      const m = t && /^c(\d+)$/.exec(t.text);
      if (!m || Number(m[1]) > 15) return need(state, column, 'c0..c15');
      state.word = setField(e, state.word, a[1], Number(m[1]));
      return pos + 1;
    }
    case 'LSL':
    case 'BFZL':
    case 'BFW':
    case 'BFZW': {
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'an immediate');
      const size = dataSize(e);
      const v = Number(n.value);
      if (a[0] === 'LSL') {
        if (v < 0 || v >= size)
          return fail(state, `shift ${v} out of range [0, ${size - 1}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'immr', (size - v) % size);
        state.word = setField(e, state.word, 'imms', size - 1 - v);
      } else if (a[0] === 'BFZL') {
        if (v < 0 || v >= size)
          return fail(state, `lsb ${v} out of range [0, ${size - 1}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'immr', (size - v) % size);
      } else if (a[0] === 'BFZW') {
        const lsb = (size - getField(e, state.word, 'immr')) % size;
        if (v < 1 || v > size - lsb)
          return fail(state, `width ${v} out of range [1, ${size - lsb}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'imms', v - 1);
      } else {
        const lsb = getField(e, state.word, 'immr');
        if (v < 1 || v > size - lsb)
          return fail(state, `width ${v} out of range [1, ${size - lsb}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'imms', lsb + v - 1);
      }
      return n.next;
    }
    case 'SYSREG': {
      if (t?.kind !== 'id') return need(state, column, 'a system register');
      let code: readonly number[] | undefined = SYSTEM_REGISTERS[t.text];
      if (!code) {
        const m = /^s([23])_([0-7])_c(\d+)_c(\d+)_([0-7])$/.exec(t.text);
        if (m && Number(m[3]) < 16 && Number(m[4]) < 16)
          code = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
      }
      if (!code) return fail(state, `unknown system register ${t.text}`, column) ? -1 : -1;
      state.word = setField(e, state.word, 'o0', code[0] - 2);
      state.word = setField(e, state.word, 'op1', code[1]);
      state.word = setField(e, state.word, 'CRn', code[2]);
      state.word = setField(e, state.word, 'CRm', code[3]);
      state.word = setField(e, state.word, 'op2', code[4]);
      return pos + 1;
    }
    case 'SYSOP': {
      const op = t && t.kind === 'id' ? CACHE_OPS[a[1] as 'DC' | 'IC'][t.text] : undefined;
      if (!op) return need(state, column, `a ${a[1].toLowerCase()} operation`);
      state.word = setField(e, state.word, 'op1', op.code[0]);
      state.word = setField(e, state.word, 'CRn', 7);
      state.word = setField(e, state.word, 'CRm', op.code[1]);
      state.word = setField(e, state.word, 'op2', op.code[2]);
      state.word = setField(e, state.word, 'Rt', 31);
      state.cacheOpRegister = op.register;
      return pos + 1;
    }
    case 'BARRIER':
      return matchNamedOrNumber(
        e,
        tokens,
        pos,
        state,
        column,
        'CRm',
        BARRIER_OPTIONS,
        15,
        'a barrier option',
      );
    case 'PRFOP':
      return matchNamedOrNumber(
        e,
        tokens,
        pos,
        state,
        column,
        'Rt',
        PREFETCH_OPS,
        31,
        'a prefetch operation',
      );
    default:
      throw new Error(`asm-arm64: unknown operand kind ${op}`);
  }
}

/** Sets the fields an omitted optional operand implies (an omitted extend is `LSL`). */
export function applyOmitted(e: Encoding, op: string, state: MatchState, mnemonic: string): void {
  const a = splitOperand(op);
  if (a[0] === 'I' && IMPLIED_IMMEDIATE[mnemonic] !== undefined) {
    state.word = setField(e, state.word, a[1], IMPLIED_IMMEDIATE[mnemonic]);
    return;
  }
  if (a[0] === 'R' && mnemonic.startsWith('RET')) {
    state.word = setField(e, state.word, a[1], 30);
    return;
  }
  if (a[0] !== 'E') return;
  const alt = parseEnum(a.slice(3).join(':')).find((x) => x.text === 'LSL');
  if (!alt) return;
  const bits = lslBits(e, alt.bits).replace(/x/g, '0');
  state.word = setField(e, state.word, a[1], Number.parseInt(bits, 2) << Number(a[2]));
}

/** Arm ARM `VFPExpandImm`: imm8 = a:b:cd:efgh is (-1)^a × (16 + efgh) / 16 × 2^(NOT(b):cd - 3). */
export function expandFloatImmediate(imm8: number): number {
  const sign = (imm8 >> 7) & 1 ? -1 : 1;
  const b = (imm8 >> 6) & 1;
  const cd = (imm8 >> 4) & 3;
  const efgh = imm8 & 15;
  const exponent = (((b ^ 1) << 2) | cd) - 3;
  return (sign * (16 + efgh) * 2 ** exponent) / 16;
}

/**
 * Element size of a by-element form: `size` 01/10/11 is H/S/D; `sz` 0/1 is S/D; a `size` fixed
 * at 00 is the half-precision form.
 */
function elementSize(e: Encoding, word: number): 'h' | 's' | 'd' {
  if (hasField(e, 'size')) {
    const size = getField(e, word, 'size');
    return size === 2 ? 's' : size === 3 ? 'd' : 'h';
  }
  if (hasField(e, 'sz')) return getField(e, word, 'sz') ? 'd' : 's';
  return 'h';
}
