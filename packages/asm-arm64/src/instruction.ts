/**
 * One instruction, both ways: text to word through the templates (with aliases and their
 * conditions), and word to text in LLVM's canonical spelling.
 *
 * The file stays whole past 700 lines on purpose: the override templates, the alias conditions and
 * their evaluator serve both directions, so splitting text-to-word from word-to-text would part
 * them from half of their users.
 * @module
 */
import type { RawCond, RawPart } from './generated/a64';
import { CACHE_OPS, cacheOp } from './operand-names';
import {
  applyOmitted,
  dataSize,
  type Fixup,
  isDefault,
  type MatchState,
  matchOperand,
  NoSuchOperand,
  printOperand,
  type Token,
} from './operands';
import {
  type Alias,
  byMnemonic,
  candidates,
  decodeEncoding,
  type Encoding,
  encodings,
  excluded,
  getField,
  hasField,
  setField,
  undefinedReason,
} from './tables';

/** The operands of `cmp`/`cmn` with an extended register: `rn, rm{, extend {#amount}}`. */
const COMPARE_EXTENDED_OPERANDS: readonly RawPart[] = [
  '%R:Rn:*:sp',
  ',',
  '%R:Rm:opt*:zr',
  [
    '?',
    ',',
    '%E:option:0:UXTB=000;UXTH=001;LSL=?;UXTW=010;UXTX=011;SXTB=100;SXTH=101;SXTW=110;SXTX=111',
    ['?', '#', '%I:imm3:u:1'],
  ],
];

/**
 * Templates the runtime gives to aliases whose operands the specification computes (`LSL` is
 * `UBFM` with `immr = -shift MOD size`) and to operands it lists by name only (system registers,
 * barrier options, prefetch operations). Keyed by specification name.
 */
const OVERRIDES: Record<string, readonly RawPart[]> = {
  MOV_MOVZ: ['MOV', '%R:Rd:*:zr', ',', '#', '%MOVZ'],
  MOV_MOVN: ['MOV', '%R:Rd:*:zr', ',', '#', '%MOVN'],
  LSL_UBFM: ['LSL', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%LSL'],
  LSR_UBFM: ['LSR', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1'],
  ASR_SBFM: ['ASR', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1'],
  UBFX_UBFM: ['UBFX', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1', ',', '#', '%BFW'],
  SBFX_SBFM: ['SBFX', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1', ',', '#', '%BFW'],
  BFXIL_BFM: ['BFXIL', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1', ',', '#', '%BFW'],
  UBFIZ_UBFM: ['UBFIZ', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  SBFIZ_SBFM: ['SBFIZ', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  BFI_BFM: ['BFI', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  BFC_BFM: ['BFC', '%R:Rd:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  MRS_RS_systemmove: ['MRS', '%R:Rt:x:zr', ',', '%SYSREG'],
  MSR_SR_systemmove: ['MSR', '%SYSREG', ',', '%R:Rt:x:zr'],
  ROR_EXTR: ['ROR', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:imms:u:1'],
  CINC_CSINC: ['CINC', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '%C!:cond'],
  CINV_CSINV: ['CINV', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '%C!:cond'],
  CNEG_CSNEG: ['CNEG', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '%C!:cond'],
  CMP_SUBS_addsub_ext: ['CMP', ...COMPARE_EXTENDED_OPERANDS],
  CMN_ADDS_addsub_ext: ['CMN', ...COMPARE_EXTENDED_OPERANDS],
  MOV_UMOV_advsimd: ['MOV', '%R:Rd:*:zr', ',', '%VV:Rn', '.', '%UMOVSIZE', '[', '%IDX5', ']'],
  DC_SYS: ['DC', '%SYSOP:DC', ',', '%R:Rt:x:zr'],
  IC_SYS: ['IC', '%SYSOP:IC', ['?', ',', '%R:Rt:x:zr']],
  ISB_BI_barriers: ['ISB', ['?', '#', '%I:CRm:u:1']],
  DMB_BO_barriers: ['DMB', '%BARRIER'],
  DSB_BO_barriers: ['DSB', '%BARRIER'],
  PRFM_P_ldst_pos: ['PRFM', '%PRFOP', ',', '[', '%R:Rn:x:sp', ['?', ',', '#', '%I:imm12:u:8'], ']'],
  PRFUM_P_ldst_unscaled: ['PRFUM', '%PRFOP', ',', '[', '%R:Rn:x:sp', ['?', ',', '#', '%I:imm9:s:1'], ']'],
  PRFM_P_loadlit: ['PRFM', '%PRFOP', ',', '%L:imm19:4'],
  PRFM_P_ldst_regoff: [
    'PRFM',
    '%PRFOP',
    ',',
    '[',
    '%R:Rn:x:sp',
    ',',
    ['|', ['%R:Rm:w:zr'], ['%R:Rm:x:zr']],
    ['?', ',', '%E:option:0:UXTW=010;LSL=011;SXTW=110;SXTX=111', ['?', '%E:S:0:#0=0;#3=1']],
    ']',
  ],
};

/** Aliases that assemble only where they are also the preferred form (`mov x0, x1` is ORR, not ADD). */
const ASSEMBLE_ONLY_PREFERRED = new Set(['MOV_ADD_addsub_imm']);

let overrideEntries: Map<string, { encoding: Encoding; alias: Alias | null }[]> | null = null;

/** The table's entries for a mnemonic plus the encodings whose template the runtime supplies. */
function entriesFor(upper: string): readonly { encoding: Encoding; alias: Alias | null }[] {
  if (!overrideEntries) {
    overrideEntries = new Map();
    for (const e of encodings()) {
      const t = e.template ? null : OVERRIDES[e.name];
      if (!t) continue;
      const m = String(t[0]);
      let list = overrideEntries.get(m);
      if (!list) overrideEntries.set(m, (list = []));
      list.push({ encoding: e, alias: null });
    }
  }
  const extra = overrideEntries.get(upper);
  return extra ? [...byMnemonic(upper), ...extra] : byMnemonic(upper);
}

/** Specification aliases LLVM does not print (it keeps the base mnemonic). */
const NOT_PREFERRED_BY_LLVM = new Set<string>(['SXTL_SSHLL_advsimd', 'UXTL_USHLL_advsimd']);

/** Resolves `*` register classes in overrides from the encoding's data size. */
function concretise(e: Encoding, parts: readonly RawPart[]): readonly RawPart[] {
  const c = dataSize(e) === 64 ? 'x' : 'w';
  const opt = c === 'x' ? 'opt' : 'w';
  // `mov w0, v1.s[2]` / `mov x0, v1.d[1]`: the element size follows the register width.
  const umov = c === 'x' ? '%E:imm5:0:D=x1000' : '%E:imm5:0:S=xx100';
  return parts.map((p) =>
    typeof p === 'string'
      ? p.replace(':*:', `:${c}:`).replace(':opt*:', `:${opt}:`).replace('%UMOVSIZE', umov)
      : concretise(e, p),
  );
}

/** Conditions the runtime gives to aliases whose specification condition is not field-level. */
const CONDITION_OVERRIDES: Record<string, RawCond> = {
  // `lsl x0, x1, #0` is UBFM with imms = 63, which the specification lists under LSR.
  LSL_UBFM: true,
  ROR_EXTR: ['==', 'Rn', 'Rm'],
  CINC_CSINC: [
    '&&',
    ['&&', ['==', 'Rn', 'Rm'], ['!=', 'Rn', ['bits', '11111']]],
    ['!', ['IN', 'cond', ['set', ['bits', '111x']]]],
  ],
  CINV_CSINV: [
    '&&',
    ['&&', ['==', 'Rn', 'Rm'], ['!=', 'Rn', ['bits', '11111']]],
    ['!', ['IN', 'cond', ['set', ['bits', '111x']]]],
  ],
  CNEG_CSNEG: ['&&', ['==', 'Rn', 'Rm'], ['!', ['IN', 'cond', ['set', ['bits', '111x']]]]],
  CMP_SUBS_addsub_ext: ['==', 'Rd', ['bits', '11111']],
  CMN_ADDS_addsub_ext: ['==', 'Rd', ['bits', '11111']],
};

/**
 * Where LLVM's choice of alias differs from the specification's `preferred`: LLVM prints `bfc`
 * for BFM with Rn = XZR over the BFI range and at lsb 0, and `lsl` before `ubfiz`.
 */
const ZERO_IMMR: RawCond = ['==', ['call', 'UInt', 'immr'], ['int', 0]];
const IMMS_LT_IMMR: RawCond = ['<', ['call', 'UInt', 'imms'], ['call', 'UInt', 'immr']];
const PREFERRED_OVERRIDES: Record<string, RawCond> = {
  // Named cache operations this package lists, with a register exactly when the operation takes one.
  DC_SYS: ['call', 'CacheOpNamed', 'DC'],
  IC_SYS: ['call', 'CacheOpNamed', 'IC'],
  BFXIL_BFM: ['&&', ['!', IMMS_LT_IMMR], ['!', ['&&', ['==', 'Rn', ['bits', '11111']], ZERO_IMMR]]],
  BFI_BFM: IMMS_LT_IMMR,
  BFC_BFM: ['||', IMMS_LT_IMMR, ZERO_IMMR],
  UBFIZ_UBFM: [
    '&&',
    IMMS_LT_IMMR,
    ['!=', ['+', ['call', 'UInt', 'imms'], ['int', 1]], ['call', 'UInt', 'immr']],
  ],
};

/** An alias's condition, with the runtime's override when there is one. */
export function conditionOf(alias: Alias): RawCond {
  return CONDITION_OVERRIDES[alias.name] ?? alias.condition;
}

const templateCache = new Map<string, readonly RawPart[] | null>();

/** The template of an encoding or of one of its aliases. */
export function templateOf(e: Encoding, alias: Alias | null): readonly RawPart[] | null {
  const key = alias ? `${e.index}/${alias.name}` : `${e.index}`;
  let t = templateCache.get(key);
  if (t !== undefined) return t;
  const name = alias ? alias.name : e.name;
  const override = OVERRIDES[name];
  t = override ? concretise(e, override) : alias ? alias.template : e.template;
  templateCache.set(key, t);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Conditions

type Value = { v: number; w: number } | { pattern: string } | boolean | string;

function fieldValue(e: Encoding, word: number, name: string): Value {
  const f = e.fields.find((x) => x.name === name);
  if (!f) return name;
  return { v: getField(e, word, name), w: f.width };
}

function num(x: Value): number {
  if (typeof x === 'object' && 'v' in x) return x.v;
  if (typeof x === 'object' && 'pattern' in x) return Number.parseInt(x.pattern, 2);
  if (typeof x === 'boolean') return x ? 1 : 0;
  return Number.NaN;
}

function equals(a: Value, b: Value): boolean {
  if (typeof b === 'object' && 'pattern' in b && typeof a === 'object' && 'v' in a) {
    const p = b.pattern;
    for (let i = 0; i < p.length; i++) {
      const ch = p[p.length - 1 - i];
      if (ch !== 'x' && ((a.v >>> i) & 1) !== (ch === '1' ? 1 : 0)) return false;
    }
    return true;
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return num(a) === num(b);
}

function highestSetBit(x: number, width: number): number {
  for (let i = width - 1; i >= 0; i--) if ((x >>> i) & 1) return i;
  return -1;
}

/** Arm ARM `BFXPreferred(sf, uns, imms, immr)`. */
function bfxPreferred(sf: number, uns: number, imms: number, immr: number): boolean {
  if (imms < immr) return false;
  if (imms === (sf << 5) + 31) return false;
  if (immr === 0) {
    if (sf === 0 && (imms === 7 || imms === 15)) return false;
    if (sf === 1 && uns === 0 && (imms === 7 || imms === 15 || imms === 31)) return false;
  }
  return true;
}

/** Arm ARM `MoveWidePreferred(sf, immN, imms, immr)`. */
function moveWidePreferred(sf: number, immN: number, imms: number, immr: number): boolean {
  const s = imms;
  const r = immr;
  const width = sf === 1 ? 64 : 32;
  if (sf === 1 && immN !== 1) return false;
  if (sf === 0 && !(immN === 0 && (imms & 0x20) === 0)) return false;
  if (s < 16) return ((-r % 16) + 16) % 16 <= 15 - s;
  if (s >= width - 15) return r % 16 <= s - (width - 15);
  return false;
}

/** Evaluates a compiled specification condition over a word's fields. */
export function evaluate(e: Encoding, word: number, c: RawCond): Value {
  if (typeof c === 'boolean') return c;
  if (typeof c === 'number') return { v: c, w: 32 };
  if (typeof c === 'string') return fieldValue(e, word, c);
  const op = c[0] as string;
  const arg = (i: number) => evaluate(e, word, c[i] as RawCond);
  switch (op) {
    case 'bits':
      return { pattern: c[1] as string };
    case 'int':
      return { v: c[1] as number, w: 32 };
    case '==':
      return equals(arg(1), arg(2));
    case '!=':
      return !equals(arg(1), arg(2));
    case '&&':
      return arg(1) === true && arg(2) === true;
    case '||':
      return arg(1) === true || arg(2) === true;
    case '!':
      return arg(1) !== true;
    case '<':
      return num(arg(1)) < num(arg(2));
    case '>':
      return num(arg(1)) > num(arg(2));
    case '>=':
      return num(arg(1)) >= num(arg(2));
    case '+':
      return { v: num(arg(1)) + num(arg(2)), w: 32 };
    case 'IN': {
      const v = arg(1);
      const set = c[2] as RawCond[];
      for (let i = 1; i < set.length; i++) if (equals(v, evaluate(e, word, set[i]))) return true;
      return false;
    }
    case 'slice': {
      const v = arg(1);
      const idx = num(evaluate(e, word, c[2] as RawCond));
      return { v: (num(v) >>> idx) & 1, w: 1 };
    }
    case 'call': {
      const name = c[1] as string;
      const args = (c.slice(2) as RawCond[]).map((x) => evaluate(e, word, x));
      switch (name) {
        case 'IsFeatureImplemented':
          return true;
        case 'UInt':
          return { v: num(args[0]), w: 32 };
        case 'IsZero':
          return num(args[0]) === 0;
        case 'IsOnes': {
          const a0 = args[0];
          return typeof a0 === 'object' && 'v' in a0 && a0.v === 2 ** a0.w - 1;
        }
        case 'BitCount': {
          let n = 0;
          for (let v = num(args[0]); v; v >>>= 1) n += v & 1;
          return { v: n, w: 32 };
        }
        case 'BFXPreferred':
          return bfxPreferred(num(args[0]), num(args[1]), num(args[2]), num(args[3]));
        case 'CacheOpNamed': {
          const kind = c[2] as 'DC' | 'IC';
          const name = cacheOp(
            kind,
            getField(e, word, 'op1'),
            getField(e, word, 'CRn'),
            getField(e, word, 'CRm'),
            getField(e, word, 'op2'),
          );
          if (!name) return false;
          return CACHE_OPS[kind][name].register || getField(e, word, 'Rt') === 31;
        }
        case 'MoveWidePreferred':
          return moveWidePreferred(num(args[0]), num(args[1]), num(args[2]), num(args[3]));
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

void highestSetBit;

// ---------------------------------------------------------------------------------------------
// Printing

function printParts(
  e: Encoding,
  mnemonic: string,
  word: number,
  parts: readonly RawPart[],
  address: number,
  out: string[],
): void {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p === 'string') {
      if (p.startsWith('%')) out.push(printOperand(e, mnemonic, word, p, address));
      else if (p !== '#') out.push(p.toLowerCase());
      continue;
    }
    if (p[0] === '?') {
      const inner = p.slice(1);
      // Pre-index forms keep their offset even when it is zero (`[x0, #0]!`).
      const preIndex = parts[i + 1] === ']' && parts[i + 2] === '!';
      if (preIndex || !allDefault(e, word, inner, mnemonic))
        printParts(e, mnemonic, word, inner, address, out);
    } else if (p[0] === '|') {
      printParts(e, mnemonic, word, chooseAlternative(e, word, p.slice(1) as RawPart[][]), address, out);
    }
  }
}

function allDefault(e: Encoding, word: number, parts: readonly RawPart[], mnemonic: string): boolean {
  let operands = 0;
  for (const p of parts) {
    if (typeof p === 'string') {
      if (!p.startsWith('%')) continue;
      operands++;
      if (!isDefault(e, word, p, mnemonic)) return false;
    } else if (p[0] === '?') {
      if (!allDefault(e, word, p.slice(1), mnemonic)) return false;
    } else return false;
  }
  // A group of literals only (`, #0`) is printed never.
  return operands > 0 || true;
}

function chooseAlternative(
  e: Encoding,
  word: number,
  alts: readonly (readonly RawPart[])[],
): readonly RawPart[] {
  // Register-offset forms choose Wm or Xm by option<0> (Arm ARM: option<0> set means 64-bit).
  const w = alts.findIndex((a) => typeof a[0] === 'string' && /^%R:Rm:w/.test(a[0]));
  const x = alts.findIndex((a) => typeof a[0] === 'string' && /^%R:Rm:x/.test(a[0]));
  if (w >= 0 && x >= 0 && e.fields.some((f) => f.name === 'option')) {
    return (getField(e, word, 'option') & 3) === 3 ? alts[x] : alts[w];
  }
  return alts.find((a) => a.length > 0) ?? alts[0];
}

function joinText(list: string[]): string {
  if (list.length === 0) return '';
  // The `2` suffix of upper-half forms (`saddl2`) joins the mnemonic; without it, nothing.
  const tokens = list[1] === '2' || list[1] === '' ? [list[0] + list[1], ...list.slice(2)] : list;
  let out = tokens[0];
  let i = 1;
  if (tokens[1] === '.' || out.endsWith('.')) {
    // `b.eq`: the condition is part of the mnemonic.
    if (tokens[1] === '.') i = 2;
    out = `${out.replace(/\.$/, '')}.${tokens[i]}`;
    i++;
  }
  let first = true;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    const prev = tokens[i - 1];
    if (t === ',') out += ',';
    else if (t === ']' || t === '!' || t === '_' || t === '.') out += t;
    else if (t === '[' && !first && prev !== ',')
      out += t; // `v0.d[1]`
    else out += (first ? '\t' : prev === '[' || prev === '_' || prev === '.' ? '' : ' ') + t;
    first = false;
  }
  return out;
}

/** The alias to print for a word, following the specification's preferred conditions. */
export function preferredAlias(e: Encoding, word: number): Alias | null {
  for (const a of e.aliases) {
    if (NOT_PREFERRED_BY_LLVM.has(a.name)) continue;
    if (!templateOf(e, a)) continue;
    if (
      evaluate(e, word, conditionOf(a)) === true &&
      evaluate(e, word, PREFERRED_OVERRIDES[a.name] ?? a.preferred) === true
    )
      return a;
  }
  return null;
}

/**
 * Disassembles one word in LLVM's canonical spelling (`add\tx0, x1, #1`), or returns null when the
 * tables do not cover it.
 */
export function printInstruction(e: Encoding, word: number, address = 0): string | null {
  const alias = preferredAlias(e, word);
  const t = templateOf(e, alias);
  if (!t) return null;
  const out: string[] = [];
  try {
    printParts(e, alias ? alias.mnemonic : e.mnemonic || String(t[0]), word, t, address, out);
  } catch (err) {
    if (err instanceof NoSuchOperand) return null;
    throw err;
  }
  // Mnemonics with a suffix (`B.EQ`) come from the first literal and the condition operand.
  return joinText(out);
}

/**
 * Decodes and prints a word in LLVM's canonical spelling, or returns null when the tables do not
 * decode it. `address` is accepted for symbolisation; branch targets print as offsets, as
 * `llvm-mc -disassemble` prints them. `disabled` lists architecture features to treat as absent:
 * a word of such an encoding prints as the encoding it falls back to (a hint, a system register
 * access), as a disassembler for an older architecture does.
 *
 * @example
 * ```ts
 * disassembleWord(0x91000420); // 'add\tx0, x1, #1'
 * ```
 */
export function disassembleWord(word: number, address = 0, disabled?: ReadonlySet<string>): string | null {
  const w = word >>> 0;
  const e = decodeEncoding(w);
  if (!e) return null;
  if (templateOf(e, null) && !(disabled && isDisabled(e, disabled))) return printInstruction(e, w, address);
  // Fall back to a less specific encoding of the same group (HINT for unnamed hints).
  for (const c of candidates(w)) {
    if (c === e || c.group !== e.group || !templateOf(c, null)) continue;
    if ((w & c.mask) >>> 0 !== c.value || excluded(c, w) || undefinedReason(c, w) !== null) continue;
    if (disabled && isDisabled(c, disabled)) continue;
    return printInstruction(c, w, address);
  }
  return null;
}

function isDisabled(e: Encoding, disabled: ReadonlySet<string>): boolean {
  if (!e.feature) return false;
  return e.feature.split('+').some((f) => disabled.has(f));
}

// ---------------------------------------------------------------------------------------------
// Matching

const TOKEN_RE =
  /\s*('(?:[^'\\]|\\.)'|:[a-z0-9_]+:|0x[0-9a-f]+|\d+\.\d+(?:e[-+]?\d+)?|0b[01]+(?![\w.$])|\d+[bf](?![\w.$])|\d+|[a-z_.$][\w.$]*|[[\]!,#{}=+\-:()*/])/giy;

/** Splits operand text into tokens; `column0` is the column of the text in its line. */
export function tokenize(text: string, column0 = 0): Token[] | { message: string; column: number } {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(text);
    if (!m)
      return {
        message: `unexpected character '${text.slice(pos).trim()[0]}'`,
        column: column0 + pos + (text.slice(pos).length - text.slice(pos).trimStart().length),
      };
    const raw = m[1];
    const column = column0 + m.index + m[0].length - raw.length;
    const lower = raw.toLowerCase();
    if (raw.startsWith("'")) {
      // A character constant: 'a', '\n'.
      const ch =
        raw.length === 3
          ? raw.charCodeAt(1)
          : ({ n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39 } as Record<string, number>)[raw[2]];
      if (ch === undefined) return { message: `unknown character constant ${raw}`, column };
      out.push({ kind: 'num', text: String(ch), value: BigInt(ch), column });
    } else if (/^\d+[bf]$/.test(lower)) out.push({ kind: 'id', text: lower, value: 0n, column });
    else if (/^\d+\.\d+(e[-+]?\d+)?$/.test(lower)) out.push({ kind: 'num', text: lower, value: 0n, column });
    else if (/^(0x[0-9a-f]+|0b[01]+|\d+)$/.test(lower)) {
      out.push({ kind: 'num', text: lower, value: BigInt(lower), column });
    } else if (/^:[a-z0-9_]+:$/.test(lower)) out.push({ kind: 'reloc', text: lower, value: 0n, column });
    else if (/^v\d+\.\w+$/.test(lower)) {
      // `v3.8b`: register, dot, arrangement.
      const dot = lower.indexOf('.');
      out.push({ kind: 'id', text: lower.slice(0, dot), value: 0n, column });
      out.push({ kind: 'punct', text: '.', value: 0n, column: column + dot });
      out.push({ kind: 'id', text: lower.slice(dot + 1), value: 0n, column: column + dot + 1 });
    } else if (/^[a-z_.$]/.test(lower)) out.push({ kind: 'id', text: lower, raw, value: 0n, column });
    else out.push({ kind: 'punct', text: raw, value: 0n, column });
    pos = TOKEN_RE.lastIndex;
  }
  return out;
}

/** One step of a successful match, replayed for the next instruction of the same shape. */
interface Step {
  kind: 'op' | 'fixed' | 'hash' | 'lit' | 'omit';
  part: RawPart;
  pos: number;
  next: number;
}

/** Runs the rest of a match with `step` on the trace; the trace keeps only the successful path. */
function traced(state: MatchState, step: Step, rest: () => boolean): boolean {
  const trace = state.trace;
  if (!trace) return rest();
  trace.push(step);
  if (rest()) return true;
  trace.pop();
  return false;
}

/** Replays a recorded path against new tokens of the same shape; false when it does not fit. */
function replay(
  e: Encoding,
  mnemonic: string,
  plan: readonly Step[],
  tokens: Token[],
  state: MatchState,
): boolean {
  for (const step of plan) {
    switch (step.kind) {
      case 'op':
        if (matchOperand(e, mnemonic, step.part as string, tokens, step.pos, state) !== step.next)
          return false;
        break;
      case 'lit':
        if (tokens[step.pos]?.text !== step.part) return false;
        break;
      case 'hash':
        if ((tokens[step.pos]?.text === '#') !== (step.next === step.pos + 1)) return false;
        break;
      case 'fixed': {
        const t = tokens[step.next - 1];
        if (t?.kind !== 'num' || Number(t.text) !== Number((step.part as string).slice(1))) return false;
        if ((step.next === step.pos + 2) !== (tokens[step.pos]?.text === '#')) return false;
        break;
      }
      default:
        for (const q of (step.part as RawPart[]).slice(1))
          if (typeof q === 'string' && q.startsWith('%')) applyOmitted(e, q, state, mnemonic);
    }
  }
  return true;
}

function matchParts(
  e: Encoding,
  mnemonic: string,
  parts: readonly RawPart[],
  i: number,
  tokens: Token[],
  pos: number,
  state: MatchState,
  k: (pos: number) => boolean,
): boolean {
  if (i === parts.length) return k(pos);
  const p = parts[i];
  const column =
    tokens[pos]?.column ??
    (tokens.length ? tokens[tokens.length - 1].column + tokens[tokens.length - 1].text.length : 0);
  if (typeof p === 'string') {
    if (p.startsWith('%')) {
      const next = matchOperand(e, mnemonic, p, tokens, pos, state);
      if (next < 0) return false;
      return traced(state, { kind: 'op', part: p, pos, next }, () =>
        matchParts(e, mnemonic, parts, i + 1, tokens, next, state, k),
      );
    }
    const lit = p.toLowerCase();
    if (/^#\d+(\.\d+)?$/.test(lit)) {
      // A fixed immediate (`#0`, `#0.0`): the `#` is optional.
      const q = tokens[pos]?.text === '#' ? pos + 1 : pos;
      if (tokens[q]?.kind !== 'num' || Number(tokens[q].text) !== Number(lit.slice(1))) {
        if (!state.error || column >= state.error.column)
          state.error = { message: `expected '${lit}'`, column };
        return false;
      }
      return traced(state, { kind: 'fixed', part: lit, pos, next: q + 1 }, () =>
        matchParts(e, mnemonic, parts, i + 1, tokens, q + 1, state, k),
      );
    }
    if (lit === '#') {
      // `#` is optional before an immediate in GNU syntax.
      const next = tokens[pos]?.text === '#' ? pos + 1 : pos;
      return traced(state, { kind: 'hash', part: '#', pos, next }, () =>
        matchParts(e, mnemonic, parts, i + 1, tokens, next, state, k),
      );
    }
    if (tokens[pos]?.text !== lit) {
      if (!state.error || column >= state.error.column)
        state.error = { message: `expected '${lit}'`, column };
      return false;
    }
    return traced(state, { kind: 'lit', part: lit, pos, next: pos + 1 }, () =>
      matchParts(e, mnemonic, parts, i + 1, tokens, pos + 1, state, k),
    );
  }
  const saved = state.word;
  const savedFixups = state.fixups.length;
  if (p[0] === '?') {
    if (
      matchParts(e, mnemonic, p.slice(1), 0, tokens, pos, state, (q) =>
        matchParts(e, mnemonic, parts, i + 1, tokens, q, state, k),
      )
    )
      return true;
    state.word = saved;
    state.fixups.length = savedFixups;
    for (const q of p.slice(1))
      if (typeof q === 'string' && q.startsWith('%')) applyOmitted(e, q, state, mnemonic);
    return traced(state, { kind: 'omit', part: p, pos, next: pos }, () =>
      matchParts(e, mnemonic, parts, i + 1, tokens, pos, state, k),
    );
  }
  for (const alt of p.slice(1) as RawPart[][]) {
    if (
      matchParts(e, mnemonic, alt, 0, tokens, pos, state, (q) =>
        matchParts(e, mnemonic, parts, i + 1, tokens, q, state, k),
      )
    )
      return true;
    state.word = saved;
    state.fixups.length = savedFixups;
  }
  return false;
}

/** Applies an alias condition's field equalities to a word (`Rn == '11111'`, `Rn == Rm`). */
function applyCondition(e: Encoding, word: number, c: RawCond): number {
  if (!Array.isArray(c)) return word;
  if (c[0] === '&&') return applyCondition(e, applyCondition(e, word, c[1] as RawCond), c[2] as RawCond);
  if (c[0] === '==' && typeof c[1] === 'string' && e.fields.some((f) => f.name === c[1])) {
    const rhs = c[2] as RawCond;
    if (Array.isArray(rhs) && rhs[0] === 'bits' && !String(rhs[1]).includes('x'))
      return setField(e, word, c[1], Number.parseInt(rhs[1] as string, 2));
    // `Rn == Rm`: one side was written by the template (the other is still zero); copy it over.
    if (typeof rhs === 'string' && e.fields.some((f) => f.name === rhs)) {
      const left = getField(e, word, c[1]);
      return left === 0 ? setField(e, word, c[1], getField(e, word, rhs)) : setField(e, word, rhs, left);
    }
  }
  return word;
}

/** Register-offset forms: the register class must agree with option<0>. */
function consistent(e: Encoding, word: number, rmClass: 'w' | 'x' | undefined): boolean {
  if (e.group.endsWith('/ldst_regoff')) {
    const option = getField(e, word, 'option');
    if ((option & 2) === 0) return false;
    if (rmClass && (option & 1) !== (rmClass === 'x' ? 1 : 0)) return false;
  }
  if (e.group.endsWith('/addsub_ext') && rmClass && dataSize(e) === 64) {
    if (((getField(e, word, 'option') & 3) === 3) !== (rmClass === 'x')) return false;
  }
  if (e.group.endsWith('/addsub_ext') && rmClass === 'x' && dataSize(e) === 32) return false;
  return true;
}

/**
 * Operand combinations the architecture makes CONSTRAINED UNPREDICTABLE, which an assembler must
 * refuse (Arm ARM K1.2: exclusive stores whose status register overlaps the data or base, and
 * writeback to a base register that is also transferred).
 */
/** Encodings with an unpredictable-operand rule (most have none: the check is skipped). */
const unpredictableGroups =
  /^(ldstexclr|ldstexclp|ldst_immpre|ldst_immpost|ldstpair_off|ldstpair_pre|ldstpair_post|ldst_pac)$/;
const unpredictableCache = new Map<Encoding, boolean>();

function mayBeUnpredictable(e: Encoding): boolean {
  let v = unpredictableCache.get(e);
  if (v === undefined) {
    v = unpredictableGroups.test(e.group.slice(e.group.indexOf('/') + 1));
    unpredictableCache.set(e, v);
  }
  return v;
}

function unpredictable(e: Encoding, word: number): string | null {
  const group = e.group.slice(e.group.indexOf('/') + 1);
  const load = hasField(e, 'L') ? getField(e, word, 'L') === 1 : /^LD/.test(e.mnemonic);
  if ((group === 'ldstexclr' || group === 'ldstexclp') && hasField(e, 'Rs') && !load) {
    const rs = getField(e, word, 'Rs');
    if (
      rs === getField(e, word, 'Rt') ||
      (hasField(e, 'Rt2') && group === 'ldstexclp' && rs === getField(e, word, 'Rt2'))
    )
      return 'unpredictable: the status register must differ from the data registers';
    if (rs === getField(e, word, 'Rn') && getField(e, word, 'Rn') !== 31)
      return 'unpredictable: the status register must differ from the base register';
  }
  const writeback = /^ldst(pair)?_(immpre|immpost|pre|post)$/.test(group) || e.name.endsWith('W_ldst_pac');
  const llvmGap = e.name === 'LDPSW_64_ldstpair_post'; // LLVM 14 checks this form for Rt2 == Rt only
  if (writeback && getField(e, word, 'Rn') !== 31 && !llvmGap) {
    const rn = getField(e, word, 'Rn');
    const gpr =
      !/_[BHSDQ]_|_[SDQ]_ldstpair/.test(e.name) &&
      !e.name.includes('_B_') &&
      !/LDR_[BHSDQ]|STR_[BHSDQ]/.test(e.name);
    if (
      gpr &&
      (getField(e, word, 'Rt') === rn ||
        (hasField(e, 'Rt2') && group.startsWith('ldstpair') && getField(e, word, 'Rt2') === rn))
    )
      return 'unpredictable: writeback base is also transferred';
  }
  // LDP with one destination twice (LLVM checks this for all but the GPR writeback forms, which
  // it checks for base overlap instead; this assembler refuses what LLVM refuses).
  if (
    /^ldstpair_(off|pre|post)$/.test(group) &&
    load &&
    getField(e, word, 'Rt') === getField(e, word, 'Rt2')
  ) {
    const gprWriteback =
      ((group === 'ldstpair_pre' || group === 'ldstpair_post') && /^LDP_(32|64)_/.test(e.name)) ||
      e.name === 'LDPSW_64_ldstpair_pre';
    if (!gprWriteback) return 'unpredictable: the two destination registers must differ';
  }
  return null;
}

/** Entries remembered per mnemonic and operand shape (bounded; cleared when full). */
const SHAPE_CACHE_LIMIT = 4096;
const shapeCache = new Map<string, ShapeHit>();

/** A remembered match: the entry and the path through its template. */
interface ShapeHit {
  entry: { encoding: Encoding; alias: Alias | null };
  plan: readonly Step[];
}

/** Mnemonic plus the operand shape: register classes, punctuation, numbers, names. */
function shapeKey(mnemonic: string, tokens: Token[]): string {
  let key = mnemonic;
  for (const t of tokens) {
    if (t.kind === 'num') key += 'n';
    else if (t.kind === 'id')
      key += /^[wx]\d|^[wx]zr$|^w?sp$/.test(t.text)
        ? t.text[0]
        : /^[bhsdqv]\d/.test(t.text)
          ? t.text[0]
          : 'i';
    else key += t.text;
  }
  return key;
}

/** Result of encoding one instruction. */
export interface EncodeResult {
  /** The encoded word (fixup fields zero until resolved). */
  word: number;
  /** The encoding used. */
  encoding: Encoding;
  /** Symbol references to resolve. */
  fixups: Fixup[];
}

/**
 * Encodes one instruction from its mnemonic and operand tokens, trying the aliases and encodings
 * of the mnemonic in table order. Returns the error of the best attempt when none matches.
 */
export function encodeTokens(
  mnemonic: string,
  tokens: Token[],
  mnemonicColumn = 0,
): EncodeResult | { message: string; column: number } {
  let upper = mnemonic.toUpperCase();
  let condSuffix: Token | null = null;
  const dot = /^(B|BC)\.([A-Z]+)$/.exec(upper);
  if (dot) {
    upper = dot[1];
    condSuffix = {
      kind: 'id',
      text: dot[2].toLowerCase(),
      value: 0n,
      column: mnemonicColumn + dot[1].length + 1,
    };
  }
  let entries = entriesFor(upper);
  let suffix2 = false;
  if (entries.length === 0 && /2$/.test(upper)) {
    // `saddl2` is SADDL with Q = 1: the templates of the base mnemonic that take the suffix.
    entries = entriesFor(upper.slice(0, -1)).filter(
      ({ encoding, alias }) => templateOf(encoding, alias)?.[1] === '%SUF:Q',
    );
    suffix2 = true;
  }
  if (entries.length === 0) return { message: `unknown mnemonic '${mnemonic}'`, column: mnemonicColumn };
  const result = encodeEntries(upper, entries, tokens, condSuffix, suffix2, mnemonicColumn, mnemonic);
  // `ldr x0, [x1, #-8]`: an offset the scaled form cannot hold is the unscaled LDUR, as in GNU as and LLVM.
  if (!('word' in result) && /^(LD|ST)R(S?[BHW])?$/.test(upper)) {
    const unscaled = `${upper.slice(0, 2)}U${upper.slice(2)}`;
    const again = encodeEntries(
      unscaled,
      entriesFor(unscaled),
      tokens,
      null,
      false,
      mnemonicColumn,
      mnemonic,
    );
    if ('word' in again) return again;
  }
  return result;
}

function encodeEntries(
  upper: string,
  entries: readonly { encoding: Encoding; alias: Alias | null }[],
  tokens: Token[],
  condSuffix: Token | null,
  suffix2: boolean,
  mnemonicColumn: number,
  mnemonic: string,
): EncodeResult | { message: string; column: number } {
  const all = condSuffix ? [condSuffix, ...tokens] : tokens;
  const state: MatchState = { word: 0, fixups: [], error: null, suffix2 };
  // The path that matched this mnemonic and operand shape last time is replayed first; the
  // search over the mnemonic's templates runs only when it does not fit.
  const key = shapeKey(upper, all);
  const hit = shapeCache.get(key);
  for (let n = hit ? -1 : 0; n < entries.length; n++) {
    const entry = n < 0 ? (hit as ShapeHit).entry : entries[n];
    const { encoding: e, alias } = entry;
    const t = templateOf(e, alias);
    if (!t) continue;
    state.word = e.value;
    state.fixups = [];
    state.rmClass = undefined;
    state.enums = undefined;
    state.cacheOpRegister = undefined;
    if (n < 0) {
      if (!replay(e, upper, (hit as ShapeHit).plan, all, state)) continue;
    } else {
      const body = condSuffix ? t.slice(1).filter((x) => x !== '.') : t.slice(1);
      let consumed = -1;
      state.trace = [];
      const ok = matchParts(e, upper, body, 0, all, 0, state, (q) => {
        if (q !== all.length) {
          const col = all[q].column;
          if (!state.error || col >= state.error.column)
            state.error = { message: `unexpected '${all[q].text}'`, column: col };
          return false;
        }
        consumed = q;
        return true;
      });
      if (!ok || consumed < 0) continue;
    }
    const plan = state.trace as Step[] | undefined;
    state.trace = undefined;
    let word = state.word;
    // The alias's field equalities, from its condition and from its preferred form (`mov v0.16b, v1.16b` is ORR with Rm = Rn).
    if (alias)
      word = applyCondition(
        e,
        applyCondition(e, word, conditionOf(alias)),
        PREFERRED_OVERRIDES[alias.name] ?? alias.preferred,
      );
    if ((word & e.mask) >>> 0 !== e.value || excluded(e, word)) {
      if (!state.error)
        state.error = { message: 'operands do not fit this encoding', column: mnemonicColumn };
      continue;
    }
    if (alias && evaluate(e, word, conditionOf(alias)) !== true) continue;
    if (alias && ASSEMBLE_ONLY_PREFERRED.has(alias.name) && evaluate(e, word, alias.preferred) !== true)
      continue;
    if (alias && state.cacheOpRegister !== undefined) {
      const given = getField(e, word, 'Rt') !== 31 || all.length > 1;
      if (given !== state.cacheOpRegister) {
        state.error = {
          message: state.cacheOpRegister
            ? 'this operation needs a register'
            : 'this operation takes no register',
          column: mnemonicColumn,
        };
        continue;
      }
    }
    if (!consistent(e, word, state.rmClass)) continue;
    const reserved = undefinedReason(e, word);
    if (reserved) {
      if (!state.error || state.error.column <= mnemonicColumn)
        state.error = { message: reserved, column: mnemonicColumn };
      continue;
    }
    const bad = mayBeUnpredictable(e) ? unpredictable(e, word) : null;
    if (bad) return { message: bad, column: mnemonicColumn };
    if (n >= 0 && plan) {
      if (shapeCache.size > SHAPE_CACHE_LIMIT) shapeCache.clear();
      shapeCache.set(key, { entry, plan });
    }
    return { word: word >>> 0, encoding: e, fixups: state.fixups };
  }
  return state.error ?? { message: `invalid operands for '${mnemonic}'`, column: mnemonicColumn };
}
