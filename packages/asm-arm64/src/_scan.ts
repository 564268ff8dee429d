/**
 * The single-pass operand scanner of the fast path: operand text to an `Operands` shape key and
 * value vector, over character codes (no regular expression, no token objects, no split).
 *
 * It accepts the plain forms that make up almost all code (registers, `#imm`, `[xn, #imm]!`,
 * labels, shifts, conditions, arrangements) and declines everything else (expressions,
 * relocation specifiers, character constants, floating-point numbers, `=literal`, `label+4`),
 * which then goes through `tokenize` and the general matcher exactly as before. What it accepts
 * it reads the way `tokenize` does; `test/fast-path.test.ts` checks that on the whole corpus.
 * @module
 */
import { internPrefix, MAX_ATOMS, MAX_VALUE_ATOMS, type Operands, wordId } from './_shape';

// Character codes.
const TAB = 9;
const SPACE = 32;
const HASH = 35;
const DOLLAR = 36;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const UNDERSCORE = 95;
const LEFT_BRACKET = 91;
const RIGHT_BRACKET = 93;
const BANG = 33;
const LEFT_BRACE = 123;
const RIGHT_BRACE = 125;
// Atoms (see `Operands`).
const I = 105; // i
const N = 110; // n
const V = 86; // V

/** Largest magnitude read as a number (exact in a double); larger ones go to the general path. */
const MAX_EXACT = 2 ** 53;

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}
/** `[\w.$]`: characters that continue an identifier in `tokenize`. */
function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === UNDERSCORE || c === DOT || c === DOLLAR;
}
function hexDigit(c: number): number {
  if (isDigit(c)) return c - ZERO;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

interface Mnemonic {
  /** As written. */
  raw: string;
  prefix: string;
  id: number;
  cond: string | null;
  /** The next mnemonic with the same hash. */
  next: Mnemonic | null;
}
const MNEMONIC_CACHE_LIMIT = 1024;
const mnemonicCache = new Map<number, Mnemonic>();

function describe(raw: string, next: Mnemonic | null): Mnemonic {
  const upper = raw.toUpperCase();
  const dot = /^(B|BC)\.([A-Z]+)$/.exec(upper);
  const prefix = dot ? `${dot[1]}.` : upper;
  return { raw, prefix, id: internPrefix(prefix), cond: dot ? dot[2].toLowerCase() : null, next };
}

/**
 * The mnemonic `text[start, end)`, found by a hash of its character codes: no string sliced per
 * line (about 3% of the text rate in an A/B on the bundled mix, near the noise).
 */
function mnemonicAt(text: string, start: number, end: number): Mnemonic {
  let h = end - start;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  const first = mnemonicCache.get(h);
  for (let m = first ?? null; m !== null; m = m.next) {
    const raw = m.raw;
    if (raw.length !== end - start) continue;
    let same = true;
    for (let i = 0; i < raw.length && same; i++) same = raw.charCodeAt(i) === text.charCodeAt(start + i);
    if (same) return m;
  }
  if (mnemonicCache.size >= MNEMONIC_CACHE_LIMIT) mnemonicCache.clear();
  const m = describe(text.slice(start, end), mnemonicCache.get(h) ?? null);
  mnemonicCache.set(h, m);
  return m;
}

/**
 * Scans one instruction: `mnemonic` as written and the operand text `text[start, end)`. Fills `out`
 * and returns true, or returns false when the general path must read it.
 */
export function scanInstruction(
  mnemonic: string,
  mnemonicColumn: number,
  text: string,
  start: number,
  end: number,
  out: Operands,
): boolean {
  return scanOperands(mnemonicAt(mnemonic, 0, mnemonic.length), mnemonicColumn, text, start, end, out);
}

/**
 * `scanInstruction` with the mnemonic in the line itself: `text[mnemonicColumn, mnemonicEnd)`.
 */
export function scanLine(
  text: string,
  mnemonicColumn: number,
  mnemonicEnd: number,
  start: number,
  end: number,
  out: Operands,
): boolean {
  return scanOperands(mnemonicAt(text, mnemonicColumn, mnemonicEnd), mnemonicColumn, text, start, end, out);
}

function scanOperands(
  m: Mnemonic,
  mnemonicColumn: number,
  text: string,
  start: number,
  end: number,
  out: Operands,
): boolean {
  out.prefix = m.prefix;
  out.prefixId = m.id;
  const atoms = out.atoms;
  let n = 0;
  let slot = 0;
  const values = out.values;
  if (m.cond !== null) {
    atoms[n++] = I;
    values[0] = wordId(m.cond);
    out.texts[0] = m.cond;
    out.words[0] = m.cond;
    out.columns[0] = mnemonicColumn + m.prefix.length;
    slot = 1;
  }
  let i = start;
  let hash = false;
  // The previous atom allows a sign before a number: start, ',', '[' or '#'.
  let signAllowed = true;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SPACE || (c >= TAB && c <= 13)) {
      i++;
      continue;
    }
    if (slot >= MAX_VALUE_ATOMS - 1 || n >= MAX_ATOMS - 3) return false;
    if (c === HASH) {
      if (hash) return false;
      hash = true;
      signAllowed = true;
      i++;
      continue;
    }
    let negative = false;
    let at = i;
    if (c === MINUS) {
      if (!signAllowed || i + 1 >= end || !isDigit(text.charCodeAt(i + 1))) return false;
      negative = true;
      at = i + 1;
    }
    const d = text.charCodeAt(at);
    if (isDigit(d)) {
      // Numbers: decimal, 0x hex, 0b binary; `1b`/`1f` are numeric local labels.
      let j = at;
      let v = 0;
      const next = at + 1 < end ? text.charCodeAt(at + 1) | 32 : 0;
      if (d === ZERO && next === 120) {
        j = at + 2;
        let h = j < end ? hexDigit(text.charCodeAt(j)) : -1;
        if (h < 0) return false;
        while (j < end && h >= 0) {
          v = v * 16 + h;
          j++;
          h = j < end ? hexDigit(text.charCodeAt(j)) : -1;
        }
      } else if (d === ZERO && next === 98 && at + 2 < end && (text.charCodeAt(at + 2) | 1) === 49) {
        j = at + 2;
        while (j < end && (text.charCodeAt(j) | 1) === 49) v = v * 2 + (text.charCodeAt(j++) - ZERO);
      } else {
        while (j < end && isDigit(text.charCodeAt(j))) v = v * 10 + (text.charCodeAt(j++) - ZERO);
        const l = j < end ? text.charCodeAt(j) | 32 : 0;
        if (
          (l === 98 || l === 102) &&
          !negative &&
          !hash &&
          !(j + 1 < end && isWordChar(text.charCodeAt(j + 1)))
        ) {
          // A numeric local label reference.
          const name = text.slice(at, j + 1).toLowerCase();
          atoms[n++] = I;
          values[slot] = -1;
          out.texts[slot] = name;
          out.words[slot] = name;
          out.columns[slot++] = at;
          i = j + 1;
          hash = false;
          signAllowed = false;
          continue;
        }
      }
      if (j < end && isWordChar(text.charCodeAt(j))) return false;
      if (v >= MAX_EXACT) return false;
      atoms[n++] = N;
      values[slot] = negative ? -v : v;
      out.columns[slot++] = hash ? at - 1 : i;
      i = j;
      hash = false;
      signAllowed = false;
      continue;
    }
    if (hash) return false;
    if (isLetter(c) || c === UNDERSCORE || c === DOT || c === DOLLAR) {
      let j = i + 1;
      let upperSeen = c >= 65 && c <= 90;
      while (j < end) {
        const x = text.charCodeAt(j);
        if (!isWordChar(x)) break;
        if (x >= 65 && x <= 90) upperSeen = true;
        j++;
      }
      if (c === DOT && j === i + 1) {
        atoms[n++] = DOT;
        i = j;
        signAllowed = false;
        continue;
      }
      // x0..x30 and w0..w30 straight from the character codes: no string for the commonest
      // operand (slicing every register name was 6% of the text rate in garbage collection).
      const r = j - i <= 3 ? numberedRegister(text, i, j) : -1;
      if (r >= 0) {
        atoms[n++] = (c | 32) === 120 ? 120 : 119;
        values[slot] = r;
        out.texts[slot] = '';
        out.words[slot] = '';
        out.columns[slot++] = i;
        i = j;
        signAllowed = false;
        continue;
      }
      const raw = text.slice(i, j);
      const lower = upperSeen ? raw.toLowerCase() : raw;
      const split = vectorSplit(lower);
      if (split > 0) {
        // `v3.8b`: register, dot, arrangement (as `tokenize` splits it).
        const r = Number(lower.slice(1, split));
        if (r <= 31) {
          atoms[n++] = V;
          values[slot] = r;
        } else {
          atoms[n++] = I;
          values[slot] = -1;
        }
        out.texts[slot] = raw.slice(0, split);
        out.words[slot] = lower.slice(0, split);
        out.columns[slot++] = i;
        const arrangement = lower.slice(split + 1);
        atoms[n++] = DOT;
        atoms[n++] = I;
        values[slot] = wordId(arrangement);
        out.texts[slot] = arrangement;
        out.words[slot] = arrangement;
        out.columns[slot++] = i + split + 1;
      } else {
        atoms[n++] = classify(lower, values, slot);
        out.texts[slot] = raw;
        out.words[slot] = lower;
        out.columns[slot++] = i;
      }
      i = j;
      signAllowed = false;
      continue;
    }
    switch (c) {
      case COMMA:
        atoms[n++] = COMMA;
        signAllowed = true;
        break;
      case LEFT_BRACKET:
        atoms[n++] = LEFT_BRACKET;
        signAllowed = true;
        break;
      case RIGHT_BRACKET:
        atoms[n++] = RIGHT_BRACKET;
        signAllowed = false;
        break;
      case BANG:
        atoms[n++] = BANG;
        signAllowed = false;
        break;
      case LEFT_BRACE:
        atoms[n++] = LEFT_BRACE;
        signAllowed = false;
        break;
      case RIGHT_BRACE:
        atoms[n++] = RIGHT_BRACE;
        signAllowed = false;
        break;
      default:
        return false;
    }
    i++;
  }
  if (hash) return false;
  out.atomCount = n;
  out.count = slot;
  return true;
}

/** The number of `x0`..`x30` / `w0`..`w30` (either case, as `gpr` reads them) in `text[i, j)`, or -1. */
function numberedRegister(text: string, i: number, j: number): number {
  const c0 = text.charCodeAt(i) | 32;
  if ((c0 !== 120 && c0 !== 119) || j - i < 2) return -1;
  const d1 = text.charCodeAt(i + 1) - ZERO;
  if (d1 < 0 || d1 > 9) return -1;
  if (j - i === 2) return d1;
  const d2 = text.charCodeAt(i + 2) - ZERO;
  if (d2 < 0 || d2 > 9 || d1 === 0) return -1;
  const n = d1 * 10 + d2;
  return n <= 30 ? n : -1;
}

/** Index of the dot in `v<digits>.<word chars>`, or 0. */
function vectorSplit(lower: string): number {
  if (lower.charCodeAt(0) !== 118) return 0;
  let k = 1;
  while (k < lower.length && isDigit(lower.charCodeAt(k))) k++;
  if (k === 1 || k >= lower.length - 1 || lower.charCodeAt(k) !== DOT) return 0;
  for (let q = k + 1; q < lower.length; q++) {
    const x = lower.charCodeAt(q);
    if (!(isLetter(x) || isDigit(x) || x === UNDERSCORE)) return 0;
  }
  return k;
}

/** The atom of an identifier (lower case) and its value, as `gpr()` and the operand kinds read it. */
export function classify(lower: string, values: Float64Array, slot: number): number {
  const len = lower.length;
  const c0 = lower.charCodeAt(0);
  // x0..x30, w0..w30 (no leading zero), as `gpr`.
  if ((c0 === 120 || c0 === 119) && len >= 2 && len <= 3) {
    const d1 = lower.charCodeAt(1) - ZERO;
    const d2 = len === 3 ? lower.charCodeAt(2) - ZERO : -1;
    if (d1 >= 0 && d1 <= 9 && (d2 === -1 || (d2 >= 0 && d2 <= 9 && d1 !== 0))) {
      const n = d2 === -1 ? d1 : d1 * 10 + d2;
      if (n <= 30) {
        values[slot] = n;
        return c0;
      }
      values[slot] = -1;
      return I;
    }
  }
  switch (lower) {
    case 'xzr':
      values[slot] = 31;
      return 121;
    case 'wzr':
      values[slot] = 31;
      return 122;
    case 'sp':
      values[slot] = 31;
      return 115;
    case 'wsp':
      values[slot] = 31;
      return 116;
    case 'fp':
      values[slot] = 29;
      return 120;
    case 'lr':
      values[slot] = 30;
      return 120;
  }
  // b0..b31, h, s, d, q scalar registers and v0..v31 (any digits, value at most 31).
  if (len >= 2 && (c0 === 98 || c0 === 104 || c0 === 115 || c0 === 100 || c0 === 113 || c0 === 118)) {
    let n = 0;
    let k = 1;
    for (; k < len; k++) {
      const x = lower.charCodeAt(k);
      if (!isDigit(x)) break;
      n = n * 10 + (x - ZERO);
    }
    if (k === len && n <= 31) {
      values[slot] = n;
      return c0 === 118 ? V : c0 - 32;
    }
  }
  values[slot] = wordId(lower);
  return I;
}
