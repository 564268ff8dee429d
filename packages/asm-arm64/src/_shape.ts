/**
 * The data of the compiled encoders (`_compile.ts` builds them, `_encode-compiled.ts` runs them):
 * the operand buffer producers fill, the word ids, the operations of a compiled path, and the
 * field helpers both sides use.
 * @module
 */
import { CONDITION_SYNONYMS, CONDITIONS } from './operand-names';
import type { Alias, Encoding, Field } from './tables';

/** Most value atoms in one instruction (`ld4 {v0.16b-v3.16b}, [x0]` has 13 atoms in all). */
export const MAX_VALUE_ATOMS = 24;
/** Most atoms, punctuation included. */
export const MAX_ATOMS = 64;

/**
 * The operands of one instruction in compiled-encoder form, filled by the scanner or the builder
 * and reused from instruction to instruction (no allocation per instruction).
 *
 * Atoms of the shape: `x` x0..x30 (and fp, lr), `y` xzr, `s` sp, `w` w0..w30, `z` wzr, `t` wsp,
 * `B H S D Q` scalar FP/SIMD registers, `V` a vector register, `n` a number (its `#` and sign
 * folded in), `i` any other identifier (a symbol, a condition, an arrangement, a shift);
 * punctuation stands for itself. Every atom but punctuation has a value slot. The shape is the
 * mnemonic prefix and the atoms, as character codes: no string is built per instruction.
 */
export class Operands {
  /** Upper-case mnemonic, or `B.`/`BC.` for conditional branches (the condition is the first atom). */
  prefix = '';
  /** `internPrefix(prefix)`. */
  prefixId = 0;
  /** Atoms as character codes. */
  readonly atoms = new Uint8Array(MAX_ATOMS);
  /** Number of atoms. */
  atomCount = 0;
  /** Number of value atoms. */
  count = 0;
  /** Register numbers, immediates, and for `i` atoms the word id (`wordId`) or -1. */
  readonly values = new Float64Array(MAX_VALUE_ATOMS);
  /** Text of identifier atoms as written (symbols keep their case). */
  readonly texts: string[] = new Array<string>(MAX_VALUE_ATOMS).fill('');
  /** Text of identifier atoms as the operand kinds compare it (lower case from the scanner). */
  readonly words: string[] = new Array<string>(MAX_VALUE_ATOMS).fill('');
  /** 0-based column of each value atom, for fixup errors. */
  readonly columns = new Int32Array(MAX_VALUE_ATOMS);

  /** The shape as text, `ADD x,x,n` (built when a shape is compiled, and for tests). */
  get key(): string {
    return `${this.prefix} ${String.fromCharCode(...this.atoms.subarray(0, this.atomCount))}`;
  }
}

const prefixes = new Map<string, number>();

/** A small number per mnemonic prefix, for the shape table's hash. */
export function internPrefix(prefix: string): number {
  let id = prefixes.get(prefix);
  if (id === undefined) {
    id = prefixes.size + 1;
    prefixes.set(prefix, id);
  }
  return id;
}

const words = new Map<string, number>();
const wordList: string[] = [];

/** The id of a lower-case word the compiled encoders compare with (`lsl`, `eq`, `8b`), or -1. */
export function wordId(lower: string): number {
  return words.get(lower) ?? -1;
}

/** How many words are interned: a word's id can only have changed since when this grew. */
export function internedWords(): number {
  return wordList.length;
}

/** Interns a word the compiled encoders compare with. */
export function internWord(lower: string): number {
  let id = words.get(lower);
  if (id === undefined) {
    id = wordList.length;
    words.set(lower, id);
    wordList.push(lower);
  }
  return id;
}

// Condition codes by word id (built as the words are interned).
export const conditionByWord: number[] = [];
for (let c = 0; c < CONDITIONS.length; c++) conditionByWord[internWord(CONDITIONS[c])] = c;
for (const [name, c] of Object.entries(CONDITION_SYNONYMS)) conditionByWord[internWord(name)] = c;

/** Returned by the compiled encoders when the general matcher must decide. */
export const FALLBACK = -1;
/** A compiled path does not match: try the next candidate. */
export const NO_MATCH = -2;

// Operation codes of a compiled path.
export const SET_REG = 0; // field := register number
export const NEXT_REG = 1; // register must be the field's register + 1 (pairs)
export const REG_PLUS = 2; // vector register must be field + k (lists)
export const IMM = 3; // checked, scaled immediate
export const LABEL_NUM = 4; // PC-relative offset given as a number
export const LABEL_SYM = 5; // PC-relative symbol: a fixup
export const BITMASK = 6; // logical immediate
export const MOVE_WIDE = 7; // mov alias of MOVZ / MOVN
export const COND = 8; // condition by word id (inverted for C!)
export const ENUM = 9; // enumeration alternatives
export const CONST = 10; // word := (word & keep) | set
export const FIXED = 11; // a fixed immediate (`#0`)
export const WORD = 12; // a literal word
export const CR = 13; // c0..c15
export const BITFIELD = 14; // LSL, BFZL, BFW, BFZW

/** One alternative of an enumeration operand, as compiled for a shape. */
export interface EnumAlt {
  /** Does the alternative fit the atoms at the operand's position (structure only)? */
  fits: boolean;
  /** Atoms it consumes. */
  consumed: number;
  /** Per consumed value atom: expected word id (for words) or number. */
  expect: { slot: number; word: number; number: number }[];
  bits: string;
  value: number;
  width: number;
  keep: number;
}

/** One operation of a compiled path. */
export interface Op {
  k: number;
  slot: number;
  fields: readonly Field[];
  width: number;
  a: number;
  b: number;
  signed: boolean;
  text: string;
  alts: EnumAlt[] | null;
  /** ENUM: index of the earlier ENUM op on the same field spec that must agree, or -1. */
  agree: number;
  /** ENUM: the field spec (fields named by several operands must agree). */
  spec: string;
  /** A single field's lowest bit, or -1 for a concatenation (`immhi+immlo`). */
  lo: number;
  /** A single field's mask (unshifted). */
  mask: number;
  /**
   * BITMASK (`N`, `immr`, `imms`), MOVE_WIDE (`hw`, `imm16`), BITFIELD (`immr`, `imms`): the fields
   * resolved when compiled (null when the encoding lacks one: looked up by name when run, as before).
   * A map lookup by name per write was about 2% of the builder mix's profile.
   */
  named: readonly (readonly Field[] | null)[];
  /** IMM, LABEL_NUM: the field's value range (signed or unsigned) and 2^width. */
  min: number;
  max: number;
  span: number;
}

/** An operation with defaults. */
export function op(k: number, slot: number, fields: readonly Field[], extra: Partial<Op> = {}): Op {
  let width = 0;
  for (const f of fields) width += f.width;
  // Offsets (LABEL_NUM) are signed like `signed` immediates.
  const signed = extra.signed === true || k === LABEL_NUM;
  const span = 2 ** width;
  return {
    min: signed ? -(span / 2) : 0,
    max: signed ? span / 2 - 1 : span - 1,
    span,
    k,
    slot,
    fields,
    width,
    a: 0,
    b: 0,
    signed: false,
    text: '',
    alts: null,
    agree: -1,
    spec: '',
    named: [],
    lo: fields.length === 1 ? fields[0].lo : -1,
    mask: fields.length === 1 ? (2 ** fields[0].width - 1) >>> 0 : 0,
    ...extra,
  };
}

/** A template of the mnemonic that fits the shape: compiled, or a wildcard (`ops` null). */
export interface Candidate {
  e: Encoding;
  alias: Alias | null;
  ops: Op[] | null;
  /** More than one structural path: a failure of the first must go to the general matcher. */
  ambiguous: boolean;
  rmClass: 'w' | 'x' | undefined;
  /** `unpredictable(e, word) !== null`, compiled (`unpredictableTest`); null when it never is. */
  isUnpredictable: ((word: number) => boolean) | null;
  /** `undefinedReason(e, word) !== null`, compiled (`_undefined-compile.ts`); null when it never is. */
  isUndefined: ((word: number) => boolean) | null;
  /** `consistent` has a rule for this encoding's group (register-offset and extended forms). */
  checkConsistent: boolean;
  upper: string;
  /** The alias's field equalities written into the word (`applyCondition`), or null. */
  apply: ((word: number) => number) | null;
  /** The alias's condition, compiled, or null for an encoding. */
  condition: ((word: number) => boolean) | null;
  /** For aliases that assemble only where preferred: the preferred condition. */
  preferred: ((word: number) => boolean) | null;
}

/** The compiled candidates of one operand shape. */
export interface Shape {
  /** Candidates in the general matcher's order. */
  candidates: Candidate[];
  /** The shape it was compiled for (to tell hash collisions apart). */
  prefixId: number;
  atoms: Uint8Array;
  /** The next shape with the same hash. */
  next: Shape | null;
}

/** The fields of a spec (`immhi+immlo`). */
export function fieldsOf(e: Encoding, spec: string): Field[] {
  return spec.split('+').map((name) => {
    const f = e.fields.find((x) => x.name === name);
    if (!f) throw new Error(`asm-arm64 invariant: field ${name} of ${e.name}`);
    return f;
  });
}

/** The fields of a spec, or null when the encoding lacks one of them. */
export function fieldsOrNull(e: Encoding, spec: string): Field[] | null {
  for (const name of spec.split('+')) if (!e.fields.some((x) => x.name === name)) return null;
  return fieldsOf(e, spec);
}

/** The unshifted mask of a field of `width` bits (1..32). */
function maskOf(width: number): number {
  return width >= 32 ? -1 : (1 << width) - 1;
}

/**
 * Writes a value into fields (high part first), as `setField`. Masks by shifts, not `2 **`
 * (`setF` was 5% of the builder's profile, its hottest line the power).
 */
export function setF(word: number, fields: readonly Field[], value: number): number {
  if (fields.length === 1) {
    const f = fields[0];
    const m = maskOf(f.width);
    return ((word & ~(m << f.lo)) | ((value & m) << f.lo)) >>> 0;
  }
  let v = value;
  let w = word;
  for (let i = fields.length - 1; i >= 0; i--) {
    const f = fields[i];
    const m = maskOf(f.width);
    w = ((w & ~(m << f.lo)) | ((v & m) << f.lo)) >>> 0;
    v = Math.floor(v / 2 ** f.width);
  }
  return w >>> 0;
}

/** Reads fields (high part first), as `getField`. */
export function getF(word: number, fields: readonly Field[]): number {
  if (fields.length === 1) return ((word >>> fields[0].lo) & maskOf(fields[0].width)) >>> 0;
  let out = 0;
  for (const f of fields) out = out * 2 ** f.width + (((word >>> f.lo) & maskOf(f.width)) >>> 0);
  return out;
}
