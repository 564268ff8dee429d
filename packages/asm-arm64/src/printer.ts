/**
 * Word to text: the preferred alias of a word, its template printed in LLVM's canonical spelling,
 * and the fallback to a less specific encoding of the same group.
 * @module
 */

import { evaluate } from './conditions';
import type { RawPart } from './generated/a64';
import { isDefault, NoSuchOperand, printOperand } from './operands';
import {
  type Alias,
  candidates,
  decodeEncoding,
  type Encoding,
  excluded,
  getField,
  undefinedReason,
} from './tables';
import { conditionOf, NOT_PREFERRED_BY_LLVM, PREFERRED_OVERRIDES, templateOf } from './templates';

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
