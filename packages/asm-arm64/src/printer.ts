/**
 * Word to text: the preferred alias of a word, its template printed in LLVM's canonical spelling,
 * and the fallback to a less specific encoding of the same group.
 * @module
 */

import { compileCondition } from './_condition-compile';
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

// Template groups are printed from index 1 in place (`p.slice(1)` per group per word was 8% of
// the disassembly time, most of it in garbage collection).
function printParts(
  e: Encoding,
  mnemonic: string,
  word: number,
  parts: readonly RawPart[],
  start: number,
  address: number,
  out: string[],
): void {
  for (let i = start; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p === 'string') {
      if (p.charCodeAt(0) === 37 /* % */) out.push(printOperand(e, mnemonic, word, p, address));
      else if (p !== '#') out.push(lower(p));
      continue;
    }
    if (p[0] === '?') {
      // Pre-index forms keep their offset even when it is zero (`[x0, #0]!`).
      const preIndex = parts[i + 1] === ']' && parts[i + 2] === '!';
      if (preIndex || !allDefault(e, word, p, 1, mnemonic)) printParts(e, mnemonic, word, p, 1, address, out);
    } else if (p[0] === '|') {
      printParts(e, mnemonic, word, chooseAlternative(e, word, p), 0, address, out);
    }
  }
}

const lowered = new Map<string, string>();

/** Literal parts in lower case, converted once. */
function lower(p: string): string {
  let l = lowered.get(p);
  if (l === undefined) {
    l = p.toLowerCase();
    lowered.set(p, l);
  }
  return l;
}

function allDefault(
  e: Encoding,
  word: number,
  parts: readonly RawPart[],
  start: number,
  mnemonic: string,
): boolean {
  for (let i = start; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p === 'string') {
      if (p.charCodeAt(0) !== 37 /* % */) continue;
      if (!isDefault(e, word, p, mnemonic)) return false;
    } else if (p[0] === '?') {
      if (!allDefault(e, word, p, 1, mnemonic)) return false;
    } else return false;
  }
  // A group of literals only (`, #0`) is printed never.
  return true;
}

/** Per alternatives group: the Wm and Xm alternatives and the first non-empty one. */
interface AlternativeIndex {
  w: number;
  x: number;
  first: number;
}

const alternativeIndex = new WeakMap<readonly RawPart[], AlternativeIndex>();

/** The alternative to print of a `['|', ...alternatives]` group. */
function chooseAlternative(e: Encoding, word: number, group: readonly RawPart[]): readonly RawPart[] {
  let index = alternativeIndex.get(group);
  if (index === undefined) {
    const alts = group.slice(1) as RawPart[][];
    const w = alts.findIndex((a) => typeof a[0] === 'string' && /^%R:Rm:w/.test(a[0]));
    const x = alts.findIndex((a) => typeof a[0] === 'string' && /^%R:Rm:x/.test(a[0]));
    const first = alts.findIndex((a) => a.length > 0);
    index = { w: w < 0 ? -1 : w + 1, x: x < 0 ? -1 : x + 1, first: first < 0 ? 1 : first + 1 };
    alternativeIndex.set(group, index);
  }
  // Register-offset forms choose Wm or Xm by option<0> (Arm ARM: option<0> set means 64-bit).
  if (index.w > 0 && index.x > 0 && e.fields.some((f) => f.name === 'option'))
    return group[(getField(e, word, 'option') & 3) === 3 ? index.x : index.w] as RawPart[];
  return group[index.first] as RawPart[];
}

function joinText(list: string[]): string {
  if (list.length === 0) return '';
  // The `2` suffix of upper-half forms (`saddl2`) joins the mnemonic; without it, nothing.
  let out = list[0];
  let i = 1;
  if (list[1] === '2' || list[1] === '') {
    out += list[1];
    i = 2;
  }
  // `prev` is the previous token as the loop below sees it (the joined mnemonic counts as one).
  if (list[i] === '.' || out.endsWith('.')) {
    // `b.eq`: the condition is part of the mnemonic.
    if (list[i] === '.') i++;
    out = `${out.endsWith('.') ? out.slice(0, -1) : out}.${list[i]}`;
    i++;
  }
  let first = true;
  let prev = list[i - 1];
  for (; i < list.length; i++) {
    const t = list[i];
    if (t === ',') out += ',';
    else if (t === ']' || t === '!' || t === '_' || t === '.') out += t;
    else if (t === '[' && !first && prev !== ',')
      out += t; // `v0.d[1]`
    else out += (first ? '\t' : prev === '[' || prev === '_' || prev === '.' ? '' : ' ') + t;
    first = false;
    prev = t;
  }
  return out;
}

/** Per alias: its condition and preferred condition compiled into one test (see `_condition-compile.ts`). */
const preferredTests = new Map<Alias, (word: number) => boolean>();

function preferredTest(e: Encoding, a: Alias): (word: number) => boolean {
  let t = preferredTests.get(a);
  if (t === undefined) {
    const condition = compileCondition(e, conditionOf(a));
    const preferred = compileCondition(e, PREFERRED_OVERRIDES[a.name] ?? a.preferred);
    t = (w) => condition(w) && preferred(w);
    preferredTests.set(a, t);
  }
  return t;
}

/** The alias to print for a word, following the specification's preferred conditions. */
export function preferredAlias(e: Encoding, word: number): Alias | null {
  for (const a of e.aliases) {
    if (NOT_PREFERRED_BY_LLVM.has(a.name)) continue;
    if (!templateOf(e, a)) continue;
    if (preferredTest(e, a)(word)) return a;
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
    printParts(e, alias ? alias.mnemonic : e.mnemonic || String(t[0]), word, t, 0, address, out);
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
