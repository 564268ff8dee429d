/**
 * Spellings LLVM's AArch64 assembler accepts beyond the specification's templates, written by
 * hand (the templates stay generated from Arm's specification; these rules are LLVM's, not
 * Arm's). Each rule turns a line the templates refuse into the line LLVM encodes it as:
 * `add x0, x1, #4096` is `add x0, x1, #1, lsl #12`, `cmp x0, #-1` is `cmn x0, #1`,
 * `bic x0, x1, #1` is `and x0, x1, #~1`. `encodeTokens` tries the rewrite only when the line as
 * written matches no template, so nothing the templates accept changes meaning.
 * @module
 */
import { gpr, parseNumber, type Token } from './_operand';

/** A line in the form LLVM encodes it as. */
export interface Rewritten {
  /** Upper-case mnemonic. */
  upper: string;
  /** Operand tokens. */
  tokens: Token[];
  /** Report this form's error rather than the original's when it does not match either. */
  preferError: boolean;
}

function num(value: bigint, column: number): Token {
  return { kind: 'num', text: String(value), value, column };
}

function punct(text: string, column: number): Token {
  return { kind: 'punct', text, value: 0n, column };
}

function id(text: string, column: number): Token {
  return { kind: 'id', text, value: 0n, column };
}

/** The operand tokens that start after `commas` top-level commas, or -1. */
function afterCommas(tokens: Token[], commas: number): number {
  let seen = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].text === ',' && ++seen === commas) return i + 1;
  }
  return commas === 0 ? 0 : -1;
}

const ADD_SUB_FLIP: Record<string, string> = {
  ADD: 'SUB',
  SUB: 'ADD',
  ADDS: 'SUBS',
  SUBS: 'ADDS',
  CMP: 'CMN',
  CMN: 'CMP',
};

/**
 * LLVM's add/sub immediates (AArch64AsmParser, `isAddSubImm` and the `addsub_shifted_imm`
 * negation): the value times its optional `lsl #0`/`lsl #12` is what counts; a multiple of 4096
 * up to 0xfff000 is written `#v>>12, lsl #12`, and a negative value is the opposite operation
 * (`add` ↔ `sub`, `adds` ↔ `subs`, `cmp` ↔ `cmn`) with the magnitude.
 */
function addSubImmediate(upper: string, tokens: Token[]): Rewritten | null {
  const flip = ADD_SUB_FLIP[upper];
  if (!flip) return null;
  const at = afterCommas(tokens, upper.startsWith('C') ? 1 : 2);
  if (at < 0) return null;
  const n = parseNumber(tokens, at);
  if (!n) return null;
  let end = n.next;
  let shift = 0n;
  if (tokens[end]?.text === ',' && tokens[end + 1]?.text === 'lsl') {
    const s = parseNumber(tokens, end + 2);
    if (!s || (s.value !== 0n && s.value !== 12n)) return null;
    shift = s.value;
    end = s.next;
  }
  if (end !== tokens.length) return null;
  const total = n.value << shift;
  const magnitude = total < 0n ? -total : total;
  const column = tokens[at].column;
  const out = tokens.slice(0, at);
  out.push(punct('#', column));
  if (magnitude <= 0xfffn) out.push(num(magnitude, column));
  else if ((magnitude & 0xfffn) === 0n && magnitude >> 12n <= 0xfffn)
    out.push(
      num(magnitude >> 12n, column),
      punct(',', column),
      id('lsl', column),
      punct('#', column),
      num(12n, column),
    );
  else return null;
  return { upper: total < 0n ? flip : upper, tokens: out, preferError: false };
}

const INVERTED_LOGICAL: Record<string, string> = { BIC: 'AND', BICS: 'ANDS', ORN: 'ORR', EON: 'EOR' };

/**
 * LLVM's `bic`, `bics`, `orn` and `eon` with an immediate (the `logical_imm32_not` and
 * `logical_imm64_not` aliases): `and`, `ands`, `orr`, `eor` with the complement.
 */
function invertedLogical(upper: string, tokens: Token[]): Rewritten | null {
  const base = INVERTED_LOGICAL[upper];
  if (!base) return null;
  const at = afterCommas(tokens, 2);
  const rd = gpr(tokens[0]?.text ?? '');
  if (at < 0 || !rd) return null;
  const n = parseNumber(tokens, at);
  if (!n || n.next !== tokens.length) return null;
  const size = rd.c === 'x' ? 64 : 32;
  // The complement within the register; the upper half of a 32-bit value may be all ones (LLVM
  // takes the 64-bit pattern, see the logical immediates in operand-match.ts).
  if (n.value < -(1n << 63n) || n.value >= 1n << 64n) return null;
  const u = BigInt.asUintN(64, n.value);
  if (size === 32 && u >> 32n !== 0n && u >> 32n !== 0xffffffffn) return null;
  const inverted = BigInt.asUintN(size, ~u);
  const column = tokens[at].column;
  return {
    upper: base,
    tokens: [...tokens.slice(0, at), punct('#', column), num(inverted, column)],
    preferError: true,
  };
}

const HALF_ARRANGEMENTS = new Set(['4h', '2s', '1d']);
const FULL_ARRANGEMENTS = new Set(['8h', '4s', '2d']);

/**
 * LLVM's `mov vd.T, vn.T` for every arrangement (the `ORRv16i8`/`ORRv8i8` aliases accept
 * `.8h .4s .2d` and `.4h .2s .1d`): the byte arrangement of the same width.
 */
function vectorMove(upper: string, tokens: Token[]): Rewritten | null {
  if (upper !== 'MOV' || tokens.length !== 7) return null;
  const t = tokens[2].text;
  if (tokens[1].text !== '.' || tokens[5].text !== '.' || tokens[6].text !== t) return null;
  const bytes = HALF_ARRANGEMENTS.has(t) ? '8b' : FULL_ARRANGEMENTS.has(t) ? '16b' : null;
  if (!bytes) return null;
  const out = tokens.slice();
  out[2] = id(bytes, tokens[2].column);
  out[6] = id(bytes, tokens[6].column);
  return { upper, tokens: out, preferError: false };
}

/** LLVM's `fmov h0|s0|d0, #0.0`: the move from the zero register (`fmov d0, xzr`). */
function floatZero(upper: string, tokens: Token[]): Rewritten | null {
  if (upper !== 'FMOV' || tokens.length < 3 || tokens[1].text !== ',') return null;
  const r = /^([hsd])\d+$/.exec(tokens[0].text);
  let p = 2;
  if (tokens[p]?.text === '#') p++;
  const t = tokens[p];
  // `#0` and `#0.0`; `#0x0` is the encoding 0 (2.0), which the first attempt already took.
  if (!r || p !== tokens.length - 1 || t.kind !== 'num' || t.text.startsWith('0x') || Number(t.text) !== 0)
    return null;
  return {
    upper,
    tokens: [tokens[0], tokens[1], id(r[1] === 'd' ? 'xzr' : 'wzr', t.column)],
    preferError: false,
  };
}

/** `x3` → `w3`, `xzr` → `wzr`. */
function asW(t: Token): Token {
  return id(`w${t.text.slice(1)}`, t.column);
}

/**
 * LLVM's extends with a 64-bit destination: `sxtb xd, xn` (the source may be written as an X
 * register: SBFM reads the low bits either way), `uxtb`/`uxth xd, wn` (the 32-bit instruction:
 * its result is already zero-extended) and `uxtw xd, wn|xn` (`ubfx xd, xn, #0, #32`).
 */
function extend(upper: string, tokens: Token[]): Rewritten | null {
  if (!/^[SU]XT[BHW]$/.test(upper) || tokens.length !== 3 || tokens[1].text !== ',') return null;
  const d = gpr(tokens[0].text);
  const n = gpr(tokens[2].text);
  if (!d || !n || d.c !== 'x' || d.special === 'sp' || n.special === 'sp') return null;
  if (upper.startsWith('S'))
    return n.c === 'x' ? { upper, tokens: [tokens[0], tokens[1], asW(tokens[2])], preferError: false } : null;
  if (upper !== 'UXTW')
    return n.c === 'w' ? { upper, tokens: [asW(tokens[0]), tokens[1], tokens[2]], preferError: false } : null;
  const column = tokens[2].column;
  return {
    upper: 'UBFX',
    tokens: [
      tokens[0],
      tokens[1],
      id(`x${tokens[2].text.slice(1)}`, column),
      punct(',', column),
      punct('#', column),
      num(0n, column),
      punct(',', column),
      punct('#', column),
      num(32n, column),
    ],
    preferError: false,
  };
}

/** LLVM's `isb sy`: the only named ISB option, `#15`. */
function isbOption(upper: string, tokens: Token[]): Rewritten | null {
  if (upper !== 'ISB' || tokens.length !== 1 || tokens[0].text !== 'sy') return null;
  return { upper, tokens: [punct('#', tokens[0].column), num(15n, tokens[0].column)], preferError: false };
}

const RULES = [addSubImmediate, invertedLogical, vectorMove, floatZero, extend, isbOption];

/** The form LLVM encodes a line as, when one of its acceptance rules applies; else null. */
export function llvmForm(upper: string, tokens: Token[]): Rewritten | null {
  for (const rule of RULES) {
    const r = rule(upper, tokens);
    if (r) return r;
  }
  return null;
}

/**
 * LLVM's register ranges in lists, `{v0.16b-v3.16b}` for `{v0.16b, v1.16b, v2.16b, v3.16b}`
 * (wrapping past v31, at most four registers): the tokens with the range written out, or the
 * tokens themselves when there is no range.
 */
export function expandRegisterRanges(tokens: Token[]): Token[] {
  let out: Token[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const [a, d1, t1, dash, b, d2, t2] = tokens.slice(i, i + 7);
    const first = a && /^v(\d+)$/.exec(a.text);
    const last = b && /^v(\d+)$/.exec(b.text);
    if (
      !first ||
      !last ||
      d1.text !== '.' ||
      dash.text !== '-' ||
      d2?.text !== '.' ||
      t2?.text !== t1.text ||
      tokens[i - 1]?.text !== '{'
    ) {
      out?.push(tokens[i]);
      continue;
    }
    if (!out) out = tokens.slice(0, i);
    const from = Number(first[1]);
    const count = ((Number(last[1]) - from + 32) % 32) + 1;
    if (from > 31 || Number(last[1]) > 31 || count > 4) {
      out.push(tokens[i]);
      continue;
    }
    for (let k = 0; k < count; k++) {
      const column = k === 0 ? a.column : b.column;
      if (k > 0) out.push(punct(',', column));
      out.push(id(`v${(from + k) % 32}`, column), punct('.', column), id(t1.text, column));
    }
    i += 6;
  }
  return out ?? tokens;
}
