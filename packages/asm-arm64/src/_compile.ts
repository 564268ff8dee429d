/**
 * Compiled encoders: the fast path shared by the typed builder and the text assembler.
 *
 * An instruction arrives as an _operand shape_ (its mnemonic and the kinds of its operand atoms:
 * `ADD x,x,n` for `add x0, x1, #4`) and a vector of values (register numbers, immediates, word
 * ids). The first time a shape is seen, every template of the mnemonic is matched against the
 * shape's atoms, not their values (the _structural_ match), in the order the general matcher
 * tries them; each template that fits becomes a list of small operations (write a register
 * number into `Rd`, check and scale an immediate into `imm12`, look a condition up by word id)
 * over the template's own operand kinds. The next instruction of that shape runs those
 * operations and the post-match checks of the general matcher, and nothing else: no tokens, no
 * strings, no search.
 *
 * The fast path returns a word only where the general matcher (`encodeTokens`) would return the
 * same word; everything else falls back to it (`FALLBACK`), and so do all errors, which keep the
 * general matcher's messages and columns. Falling back is always correct, so the compiler is
 * conservative: an operand kind it does not know makes the template a wildcard that can match
 * any run of atoms; if such a template is reached before a compiled one succeeds, the
 * instruction goes to the general matcher. New operand kinds therefore work at once, slowly,
 * until they are compiled here. `test/fast-path.test.ts` checks the agreement on random operands
 * of every covered encoding.
 * @module
 */
import { encodeBitmask } from './_bits';
import { dataSize, type Fixup, lslBits, type MatchState, parseEnum, splitOperand } from './_operand';
import { evaluate } from './conditions';
import type { RawPart } from './generated/a64';
import { applyCondition, consistent, mayBeUnpredictable, unpredictable } from './instruction';
import { applyOmitted } from './operand-match';
import { CONDITION_SYNONYMS, CONDITIONS } from './operand-names';
import { type Alias, type Encoding, excluded, type Field, undefinedReason } from './tables';
import {
  ASSEMBLE_ONLY_PREFERRED,
  conditionOf,
  entriesFor,
  PREFERRED_OVERRIDES,
  templateOf,
} from './templates';

/** Most value atoms in one instruction (`ld4 {v0.16b-v3.16b}, [x0]` has 13 atoms in all). */
export const MAX_VALUE_ATOMS = 24;

/**
 * The operands of one instruction in compiled-encoder form, filled by the scanner or the builder
 * and reused from instruction to instruction (no allocation per instruction).
 *
 * Atoms of the shape key: `x` x0..x30 (and fp, lr), `y` xzr, `s` sp, `w` w0..w30, `z` wzr,
 * `t` wsp, `B H S D Q` scalar FP/SIMD registers, `V` a vector register, `n` a number (its `#` and
 * sign folded in), `i` any other identifier (a symbol, a condition, an arrangement, a shift);
 * punctuation stands for itself. Every atom but punctuation has a value slot.
 */
export class Operands {
  /** `MNEMONIC atoms`, e.g. `ADD x,x,n`; `B.` for the conditional branch with the condition as its first atom. */
  key = '';
  /** Number of value atoms. */
  count = 0;
  /** Register numbers, immediates, and for `i` atoms the word id (`wordId`) or -1. */
  readonly values = new Float64Array(MAX_VALUE_ATOMS);
  /** Text of identifier atoms as written (symbols keep their case). */
  readonly texts: string[] = new Array<string>(MAX_VALUE_ATOMS).fill('');
  /** Text of `i` atoms as the operand kinds compare it (lower case from the scanner). */
  readonly words: string[] = new Array<string>(MAX_VALUE_ATOMS).fill('');
  /** 0-based column of each value atom, for fixup errors. */
  readonly columns = new Int32Array(MAX_VALUE_ATOMS);
}

const words = new Map<string, number>();
const wordList: string[] = [];

/** The id of a lower-case word the compiled encoders compare with (`lsl`, `eq`, `8b`), or -1. */
export function wordId(lower: string): number {
  return words.get(lower) ?? -1;
}

function internWord(lower: string): number {
  let id = words.get(lower);
  if (id === undefined) {
    id = wordList.length;
    words.set(lower, id);
    wordList.push(lower);
  }
  return id;
}

// Condition codes by word id (built as the words are interned).
const conditionByWord: number[] = [];
for (let c = 0; c < CONDITIONS.length; c++) conditionByWord[internWord(CONDITIONS[c])] = c;
for (const [name, c] of Object.entries(CONDITION_SYNONYMS)) conditionByWord[internWord(name)] = c;

/** Returned by `encodeCompiled` when the general matcher must decide. */
export const FALLBACK = -1;

// Operation codes of a compiled path.
const SET_REG = 0; // field := register number
const NEXT_REG = 1; // register must be the field's register + 1 (pairs)
const REG_PLUS = 2; // vector register must be field + k (lists)
const IMM = 3; // checked, scaled immediate
const LABEL_NUM = 4; // PC-relative offset given as a number
const LABEL_SYM = 5; // PC-relative symbol: a fixup
const BITMASK = 6; // logical immediate
const MOVE_WIDE = 7; // mov alias of MOVZ / MOVN
const COND = 8; // condition by word id (inverted for C!)
const ENUM = 9; // enumeration alternatives
const CONST = 10; // word := (word & keep) | set
const FIXED = 11; // a fixed immediate (`#0`)
const WORD = 12; // a literal word
const CR = 13; // c0..c15
const BITFIELD = 14; // LSL, BFZL, BFW, BFZW

interface EnumAlt {
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

interface Op {
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
}

function op(k: number, slot: number, fields: readonly Field[], extra: Partial<Op> = {}): Op {
  let width = 0;
  for (const f of fields) width += f.width;
  return {
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
    ...extra,
  };
}

/** A template of the mnemonic that fits the shape: compiled, or a wildcard (`ops` null). */
interface Candidate {
  e: Encoding;
  alias: Alias | null;
  ops: Op[] | null;
  /** More than one structural path: a failure of the first must go to the general matcher. */
  ambiguous: boolean;
  rmClass: 'w' | 'x' | undefined;
  checkUnpredictable: boolean;
  upper: string;
}

/** The compiled candidates of one operand shape. */
export interface Shape {
  candidates: Candidate[];
}

const SHAPE_LIMIT = 4096;
const shapes = new Map<string, Shape>();

function fieldsOf(e: Encoding, spec: string): Field[] {
  return spec.split('+').map((name) => {
    const f = e.fields.find((x) => x.name === name);
    if (!f) throw new Error(`asm-arm64 invariant: field ${name} of ${e.name}`);
    return f;
  });
}

function setF(word: number, fields: readonly Field[], value: number): number {
  if (fields.length === 1) {
    const f = fields[0];
    const m = (2 ** f.width - 1) >>> 0;
    return ((word & ~(m << f.lo)) | ((value & m) << f.lo)) >>> 0;
  }
  let v = value;
  let w = word;
  for (let i = fields.length - 1; i >= 0; i--) {
    const f = fields[i];
    const m = (2 ** f.width - 1) >>> 0;
    w = ((w & ~(m << f.lo)) | ((v & m) << f.lo)) >>> 0;
    v = Math.floor(v / 2 ** f.width);
  }
  return w >>> 0;
}

function getF(word: number, fields: readonly Field[]): number {
  let out = 0;
  for (const f of fields) out = out * 2 ** f.width + ((word >>> f.lo) & ((2 ** f.width - 1) | 0));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Structural match: templates against atoms

interface Atom {
  ch: string;
  slot: number;
}

function parseAtoms(atoms: string): Atom[] {
  const out: Atom[] = [];
  let slot = 0;
  for (const ch of atoms) out.push({ ch, slot: isValueAtom(ch) ? slot++ : -1 });
  return out;
}

function isValueAtom(ch: string): boolean {
  return /[xyswztBHSDQVni]/.test(ch);
}

const GPR_ATOMS = 'xyswzt';
const ID_ATOMS = 'iBHSDQV';

/** One way an operand consumes atoms: how many, and the operation (null: not compiled). */
interface Way {
  consumed: number;
  op: Op | null;
  rm?: 'w' | 'x';
}

const MAX_PATHS = 8;

function operandWays(
  e: Encoding,
  upper: string,
  part: string,
  atoms: Atom[],
  pos: number,
  suffix2: boolean,
): Way[] {
  const a = splitOperand(part);
  const at = atoms[pos];
  const ch = at?.ch ?? '';
  switch (a[0]) {
    case 'R': {
      if (!GPR_ATOMS.includes(ch) || ch === '') return [];
      if (a[2] === 'imm5') return wildcard(atoms, pos);
      const c = 'xys'.includes(ch) ? 'x' : 'w';
      const special = ch === 'y' || ch === 'z' ? 'zr' : ch === 's' || ch === 't' ? 'sp' : '';
      const cls = a[2] === 'b5' || a[2] === 'opt' ? c : a[2];
      if (c !== cls) return [];
      if (special && special !== a[3]) return [];
      const o = op(SET_REG, at.slot, fieldsOf(e, a[1]));
      if (a[2] === 'b5') {
        const b5 = fieldsOf(e, 'b5');
        const set = setF(0, b5, c === 'x' ? 1 : 0);
        return [{ consumed: 1, op: o, rm: a[1] === 'Rm' ? c : undefined, ...withConst(set, b5) }];
      }
      return [{ consumed: 1, op: o, rm: a[1] === 'Rm' ? c : undefined }];
    }
    case 'R+': {
      if (!GPR_ATOMS.includes(ch) || ch === '') return [];
      const c = 'xys'.includes(ch) ? 'x' : 'w';
      if (c !== a[2]) return [];
      return [{ consumed: 1, op: op(NEXT_REG, at.slot, fieldsOf(e, a[1])) }];
    }
    case 'V':
      if (ch !== a[2].toUpperCase()) return [];
      return [{ consumed: 1, op: op(SET_REG, at.slot, fieldsOf(e, a[1])) }];
    case 'VV':
      if (ch !== 'V') return [];
      return [{ consumed: 1, op: op(SET_REG, at.slot, fieldsOf(e, a[1])) }];
    case 'VV+':
      if (ch !== 'V') return [];
      return [{ consumed: 1, op: op(REG_PLUS, at.slot, fieldsOf(e, a[1]), { a: Number(a[2]) }) }];
    case 'SUF': {
      const f = fieldsOf(e, a[1]);
      return [{ consumed: 0, op: constOp(setF(0, f, suffix2 ? 1 : 0), f) }];
    }
    case 'I':
      if (ch !== 'n') return [];
      return [
        {
          consumed: 1,
          op: op(IMM, at.slot, fieldsOf(e, a[1]), { a: Number(a[3]), signed: a[2] === 's' }),
        },
      ];
    case 'L': {
      const scale = Number(a[2]);
      if (ch === 'n') return [{ consumed: 1, op: op(LABEL_NUM, at.slot, fieldsOf(e, a[1]), { a: scale }) }];
      if (ID_ATOMS.includes(ch) && ch !== '') {
        // `b label+4` takes an addend: the scanner sends such operands to the general matcher.
        return [
          {
            consumed: 1,
            op: op(LABEL_SYM, at.slot, fieldsOf(e, a[1]), { a: scale, text: a[1] }),
          },
        ];
      }
      return [];
    }
    case 'M':
      if (ch !== 'n') return [];
      return [{ consumed: 1, op: op(BITMASK, at.slot, [], { a: Number(a[1]) }) }];
    case 'MOVZ':
    case 'MOVN':
      if (ch !== 'n') return [];
      return [{ consumed: 1, op: op(MOVE_WIDE, at.slot, [], { a: dataSize(e), signed: a[0] === 'MOVN' }) }];
    case 'C':
    case 'C!':
      if (ch !== 'i') return [];
      return [{ consumed: 1, op: op(COND, at.slot, fieldsOf(e, a[1]), { signed: a[0] === 'C!' }) }];
    case 'CR':
      if (ch !== 'i') return [];
      return [{ consumed: 1, op: op(CR, at.slot, fieldsOf(e, a[1])) }];
    case 'LSL':
    case 'BFZL':
    case 'BFW':
    case 'BFZW':
      if (ch !== 'n') return [];
      return [
        {
          consumed: 1,
          op: op(BITFIELD, at.slot, [], { a: dataSize(e), text: a[0] }),
        },
      ];
    case 'E':
      return enumWays(e, a, atoms, pos);
    default:
      void upper;
      return wildcard(atoms, pos);
  }
}

function withConst(set: number, fields: readonly Field[]): { extra: Op } {
  return { extra: constOp(set, fields) };
}

function constOp(set: number, fields: readonly Field[]): Op {
  let mask = 0;
  for (const f of fields) mask |= ((2 ** f.width - 1) << f.lo) >>> 0;
  return op(CONST, -1, [], { a: ~mask >>> 0, b: set >>> 0 });
}

/** An operand kind the compiler does not know: it may consume any run of atoms. */
function wildcard(atoms: Atom[], pos: number): Way[] {
  const out: Way[] = [];
  for (let n = 0; pos + n <= atoms.length; n++) out.push({ consumed: n, op: null });
  return out;
}

function enumWays(e: Encoding, a: string[], atoms: Atom[], pos: number): Way[] {
  const shift = Number(a[2]);
  const fields = fieldsOf(e, a[1]);
  const alts: EnumAlt[] = [];
  for (const alt of parseEnum(a.slice(3).join(':'))) {
    const altWords = alt.text
      .toLowerCase()
      .split(/\s+|(?=#)/)
      .filter(Boolean);
    let p = pos;
    let fits = true;
    const expect: EnumAlt['expect'] = [];
    for (const w of altWords) {
      if (w === '#') continue;
      const at = atoms[p];
      if (w.startsWith('#')) {
        if (at?.ch !== 'n') {
          fits = false;
          break;
        }
        expect.push({ slot: at.slot, word: -1, number: Number(w.slice(1)) });
        p++;
        continue;
      }
      // Words are compared by id: only plain identifiers carry one (a word spelled like a
      // register is left to the general matcher).
      if (/^[bhsdqvxw]\d+$/.test(w)) return wildcard(atoms, pos);
      if (at?.ch !== 'i') {
        fits = false;
        break;
      }
      expect.push({ slot: at.slot, word: internWord(w), number: 0 });
      p++;
    }
    const bits = lslBits(e, alt.bits).replace(/x/g, '0');
    let keep = 0;
    for (let i = 0; i < alt.bits.length; i++)
      if (alt.bits[alt.bits.length - 1 - i] === 'x') keep |= 1 << (i + shift);
    alts.push({
      fits,
      consumed: p - pos,
      expect,
      bits: alt.bits,
      value: Number.parseInt(bits, 2) << shift,
      width: bits.length,
      keep,
    });
  }
  const counts = [...new Set(alts.filter((x) => x.fits).map((x) => x.consumed))];
  return counts.map((consumed) => ({
    consumed,
    op: op(ENUM, -1, fields, { a: consumed, b: shift, alts, spec: a[1] }),
  }));
}

interface PathState {
  ops: Op[];
  rm: 'w' | 'x' | undefined;
  wild: boolean;
}

/** All structural paths of a template over the atoms, in the general matcher's order. */
function structuralPaths(
  e: Encoding,
  upper: string,
  parts: readonly RawPart[],
  atoms: Atom[],
  suffix2: boolean,
): PathState[] {
  const out: PathState[] = [];
  const walk = (
    list: readonly RawPart[],
    i: number,
    pos: number,
    st: PathState,
    k: (pos: number, st: PathState) => void,
  ) => {
    if (out.length > MAX_PATHS) return;
    if (i === list.length) return k(pos, st);
    const p = list[i];
    if (typeof p === 'string') {
      if (p.startsWith('%')) {
        for (const way of operandWays(e, upper, p, atoms, pos, suffix2)) {
          const ops = way.op ? [...st.ops, way.op] : st.ops;
          const extra = (way as { extra?: Op }).extra;
          walk(
            list,
            i + 1,
            pos + way.consumed,
            {
              ops: extra ? [...ops, extra] : ops,
              rm: way.rm ?? st.rm,
              wild: st.wild || way.op === null,
            },
            k,
          );
        }
        return;
      }
      const lit = p.toLowerCase();
      if (/^#\d+(\.\d+)?$/.test(lit)) {
        const at = atoms[pos];
        if (at?.ch !== 'n') return;
        walk(
          list,
          i + 1,
          pos + 1,
          { ...st, ops: [...st.ops, op(FIXED, at.slot, [], { a: Number(lit.slice(1)) })] },
          k,
        );
        return;
      }
      if (lit === '#') return walk(list, i + 1, pos, st, k);
      const at = atoms[pos];
      if (!at) return;
      if (/^[a-z][a-z0-9_]*$/.test(lit)) {
        if (!ID_ATOMS.includes(at.ch)) return;
        walk(list, i + 1, pos + 1, { ...st, ops: [...st.ops, op(WORD, at.slot, [], { text: lit })] }, k);
        return;
      }
      if (lit.length === 1 && !/[a-z0-9]/.test(lit)) {
        if (at.ch === lit && at.slot < 0) walk(list, i + 1, pos + 1, st, k);
        return;
      }
      // A literal the atoms cannot spell: only the general matcher knows.
      for (let n = 0; pos + n <= atoms.length; n++) walk(list, i + 1, pos + n, { ...st, wild: true }, k);
      return;
    }
    if (p[0] === '?') {
      const inner = p.slice(1);
      walk(inner, 0, pos, st, (q, s2) => walk(list, i + 1, q, s2, k));
      walk(list, i + 1, pos, { ...st, ops: [...st.ops, omitOp(e, upper, inner)] }, k);
      return;
    }
    for (const alt of p.slice(1) as RawPart[][])
      walk(alt, 0, pos, st, (q, s2) => walk(list, i + 1, q, s2, k));
  };
  walk(parts, 0, 0, { ops: [], rm: undefined, wild: false }, (pos, st) => {
    if (pos === atoms.length) out.push(st);
  });
  return out;
}

/** The constant writes of omitted optional operands (`add x0, x1, x2` implies `lsl #0`). */
function omitOp(e: Encoding, upper: string, inner: readonly RawPart[]): Op {
  // applyOmitted writes constants into fields: run it on all-zeros and all-ones to learn which
  // bits it keeps and which it sets.
  const zero: MatchState = { word: 0, fixups: [], error: null };
  const ones: MatchState = { word: 0xffffffff, fixups: [], error: null };
  for (const q of inner) {
    if (typeof q !== 'string' || !q.startsWith('%')) continue;
    applyOmitted(e, q, zero, upper);
    applyOmitted(e, q, ones, upper);
  }
  const keep = (ones.word & ~zero.word) >>> 0;
  return op(CONST, -1, [], { a: keep, b: zero.word >>> 0 });
}

/** Builds the candidates of a shape key: every template of the mnemonic that fits, in order. */
function compileShape(key: string): Shape {
  const space = key.indexOf(' ');
  let upper = key.slice(0, space);
  const atoms = parseAtoms(key.slice(space + 1));
  const condSuffix = upper.endsWith('.');
  if (condSuffix) upper = upper.slice(0, -1);
  let entries = entriesFor(upper);
  let suffix2 = false;
  if (entries.length === 0 && /2$/.test(upper)) {
    entries = entriesFor(upper.slice(0, -1)).filter(
      ({ encoding, alias }) => templateOf(encoding, alias)?.[1] === '%SUF:Q',
    );
    suffix2 = true;
  }
  const candidates: Candidate[] = [];
  const add = (list: typeof entries, name: string, suffix: boolean, cond: boolean) => {
    for (const { encoding: e, alias } of list) {
      const t = templateOf(e, alias);
      if (!t) continue;
      const body = cond ? t.slice(1).filter((x) => x !== '.') : t.slice(1);
      const paths = structuralPaths(e, name, body, atoms, suffix);
      if (paths.length === 0) continue;
      const first = paths[0];
      candidates.push({
        e,
        alias,
        ops: first.wild || paths.length > MAX_PATHS ? null : first.ops,
        ambiguous: paths.length > 1,
        rmClass: first.rm,
        checkUnpredictable: mayBeUnpredictable(e),
        upper: name,
      });
    }
  };
  add(entries, upper, suffix2, condSuffix);
  // `ldr x0, [x1, #-8]`: the unscaled form after every scaled one, as `encodeTokens` tries it.
  if (!condSuffix && /^(LD|ST)R(S?[BHW])?$/.test(upper)) {
    const unscaled = `${upper.slice(0, 2)}U${upper.slice(2)}`;
    add(entriesFor(unscaled), unscaled, false, false);
  }
  return { candidates };
}

// ---------------------------------------------------------------------------------------------
// Running a compiled path

const fixupScratch: Fixup[] = [];

/** Result of `encodeCompiled`: the encoding and fixups of the word it returned. */
export const compiledResult: { encoding: Encoding | null; fixups: Fixup[] } = {
  encoding: null,
  fixups: fixupScratch,
};

const NO_MATCH = -2;

/**
 * Encodes the operands through the compiled encoders of their shape. Returns the word, or
 * `FALLBACK` when the general matcher must decide (no template compiled for the shape, values
 * no compiled template accepts, an error to report). The encoding and fixups of the word are in
 * `compiledResult` until the next call (copy the fixups to keep them).
 */
export function encodeCompiled(ops: Operands): number {
  let shape = shapes.get(ops.key);
  if (shape === undefined) {
    shape = shapeOf(ops.key);
    // Compiling interned the words this shape compares with: read the identifiers' ids again.
    const atoms = ops.key.slice(ops.key.indexOf(' ') + 1);
    for (let a = 0, slot = 0; a < atoms.length; a++) {
      const ch = atoms[a];
      if (ch === 'i') ops.values[slot] = wordId(ops.words[slot]);
      if (isValueAtom(ch)) slot++;
    }
  }
  return encodeShape(shape, ops);
}

/**
 * The compiled candidates of a shape key, compiled on first use (bounded cache). A caller that
 * keeps the shape (the builder, per method and operand classes) skips the key lookup.
 */
export function shapeOf(key: string): Shape {
  let shape = shapes.get(key);
  if (shape === undefined) {
    if (shapes.size >= SHAPE_LIMIT) shapes.clear();
    shape = compileShape(key);
    shapes.set(key, shape);
  }
  return shape;
}

/** `encodeCompiled` with the shape already looked up (`shapeOf`). */
export function encodeShape(shape: Shape, ops: Operands): number {
  const list = shape.candidates;
  for (let c = 0; c < list.length; c++) {
    const cand = list[c];
    if (cand.ops === null) return FALLBACK;
    fixupScratch.length = 0;
    const word = runOps(cand, ops);
    if (word === FALLBACK) return FALLBACK;
    if (word === NO_MATCH) {
      if (cand.ambiguous) return FALLBACK;
      continue;
    }
    const checked = check(cand, word);
    if (checked === FALLBACK) return FALLBACK;
    if (checked === NO_MATCH) continue;
    compiledResult.encoding = cand.e;
    return checked;
  }
  return FALLBACK;
}

/** The general matcher's checks after a match (`encodeEntries`), without its error messages. */
function check(cand: Candidate, matched: number): number {
  const { e, alias } = cand;
  let word = matched;
  if (alias)
    word = applyCondition(
      e,
      applyCondition(e, word, conditionOf(alias)),
      PREFERRED_OVERRIDES[alias.name] ?? alias.preferred,
    );
  if ((word & e.mask) >>> 0 !== e.value || excluded(e, word)) return NO_MATCH;
  if (alias && evaluate(e, word, conditionOf(alias)) !== true) return NO_MATCH;
  if (alias && ASSEMBLE_ONLY_PREFERRED.has(alias.name) && evaluate(e, word, alias.preferred) !== true)
    return NO_MATCH;
  if (!consistent(e, word, cand.rmClass)) return NO_MATCH;
  if (undefinedReason(e, word) !== null) return NO_MATCH;
  if (cand.checkUnpredictable && unpredictable(e, word) !== null) return FALLBACK;
  return word >>> 0;
}

function fitsUnsigned(v: number, width: number): boolean {
  return Number.isInteger(v) && v >= 0 && v < 2 ** width;
}
function fitsSigned(v: number, width: number): boolean {
  return Number.isInteger(v) && v >= -(2 ** (width - 1)) && v < 2 ** (width - 1);
}

function runOps(cand: Candidate, ops: Operands): number {
  const values = ops.values;
  const list = cand.ops as Op[];
  let word = cand.e.value;
  runCounter++;
  for (let i = 0; i < list.length; i++) {
    const o = list[i];
    switch (o.k) {
      case SET_REG:
        word = setF(word, o.fields, values[o.slot]);
        break;
      case NEXT_REG:
        if (values[o.slot] !== ((getF(word, o.fields) + 1) & 31)) return NO_MATCH;
        break;
      case REG_PLUS:
        if (values[o.slot] !== ((getF(word, o.fields) + o.a) & 31)) return NO_MATCH;
        break;
      case CONST:
        word = ((word & o.a) | o.b) >>> 0;
        break;
      case IMM: {
        const v = values[o.slot];
        const scale = o.a;
        if (v % scale !== 0) return NO_MATCH;
        const f = v / scale;
        if (o.signed ? !fitsSigned(f, o.width) : !fitsUnsigned(f, o.width)) return NO_MATCH;
        word = setF(word, o.fields, f < 0 ? f + 2 ** o.width : f);
        break;
      }
      case LABEL_NUM: {
        const v = values[o.slot];
        if (v % o.a !== 0 || !fitsSigned(v / o.a, o.width)) return NO_MATCH;
        const f = v / o.a;
        word = setF(word, o.fields, f < 0 ? f + 2 ** o.width : f);
        break;
      }
      case LABEL_SYM:
        fixupScratch.push({
          symbol: ops.texts[o.slot],
          addend: 0,
          kind: o.a === 4096 ? 'page' : 'pcrel',
          fields: o.text,
          scale: o.a,
          column: ops.columns[o.slot],
        });
        break;
      case BITMASK: {
        const size = o.a as 32 | 64;
        const v = values[o.slot];
        if (!Number.isSafeInteger(v)) return FALLBACK;
        if (v >= 2 ** size || v < -(2 ** (size - 1))) return NO_MATCH;
        const b = encodeBitmask(BigInt.asUintN(size, BigInt(v)), size);
        if (!b) return NO_MATCH;
        const e = cand.e;
        if (size === 64) word = setF(word, fieldsOf1(e, 'N'), b.n);
        word = setF(word, fieldsOf1(e, 'immr'), b.immr);
        word = setF(word, fieldsOf1(e, 'imms'), b.imms);
        break;
      }
      case MOVE_WIDE: {
        const r = moveWide(values[o.slot], o.a, o.signed);
        if (r < 0) return r === FALLBACK ? FALLBACK : NO_MATCH;
        word = setF(word, fieldsOf1(cand.e, 'hw'), r >>> 16);
        word = setF(word, fieldsOf1(cand.e, 'imm16'), r & 0xffff);
        break;
      }
      case COND: {
        const id = values[o.slot];
        let c = id >= 0 ? (conditionByWord[id] ?? -1) : -1;
        if (c < 0) return NO_MATCH;
        if (o.signed) {
          if (c >= 14) return NO_MATCH;
          c ^= 1;
        }
        word = setF(word, o.fields, c);
        break;
      }
      case FIXED: {
        const v = values[o.slot];
        if (v !== o.a || Object.is(v, -0)) return NO_MATCH;
        break;
      }
      case WORD:
        if (ops.words[o.slot] !== o.text) return NO_MATCH;
        break;
      case CR: {
        const m = /^c(\d+)$/.exec(ops.words[o.slot]);
        if (!m || Number(m[1]) > 15) return NO_MATCH;
        word = setF(word, o.fields, Number(m[1]));
        break;
      }
      case BITFIELD: {
        const r = bitfield(cand.e, word, o.text, values[o.slot], o.a);
        if (r < 0) return NO_MATCH;
        word = r;
        break;
      }
      case ENUM: {
        const r = runEnum(o, word, ops);
        if (r < 0) return r;
        word = r;
        break;
      }
      default:
        return FALLBACK;
    }
  }
  return word >>> 0;
}

const singleFields = new Map<Encoding, Map<string, Field[]>>();
function fieldsOf1(e: Encoding, name: string): Field[] {
  let m = singleFields.get(e);
  if (!m) singleFields.set(e, (m = new Map()));
  let f = m.get(name);
  if (!f) m.set(name, (f = fieldsOf(e, name)));
  return f;
}

/** MOVZ/MOVN alias: `hw << 16 | imm16`, or NO_MATCH / FALLBACK. Mirrors `matchOperand`. */
function moveWide(v: number, size: number, inverted: boolean): number {
  if (!Number.isSafeInteger(v)) return FALLBACK;
  if (v >= 2 ** size || v < -(2 ** (size - 1))) return NO_MATCH;
  let target: number;
  if (!inverted && v >= 0) target = v;
  else if (inverted && v < 0) target = -v - 1;
  else {
    // The other half of the range needs 64-bit two's complement: BigInt, as the general matcher.
    const u = BigInt.asUintN(size, BigInt(v));
    const t = inverted ? BigInt.asUintN(size, ~u) : u;
    for (let hw = 0; hw < size / 16; hw++) {
      const shift = BigInt(16 * hw);
      if ((t & ~(0xffffn << shift)) === 0n) return (hw << 16) | Number(t >> shift);
    }
    return NO_MATCH;
  }
  for (let hw = 0; hw < size / 16; hw++) {
    const unit = 2 ** (16 * hw);
    const imm16 = target / unit;
    if (Number.isInteger(imm16) && imm16 < 0x10000) return (hw << 16) | imm16;
  }
  return NO_MATCH;
}

/** LSL, BFZL, BFW, BFZW (bitfield aliases). Mirrors `matchOperand`. */
function bitfield(e: Encoding, word: number, kind: string, v: number, size: number): number {
  const immr = fieldsOf1(e, 'immr');
  const imms = fieldsOf1(e, 'imms');
  if (kind === 'LSL') {
    if (v < 0 || v >= size) return NO_MATCH;
    return setF(setF(word, immr, (size - v) % size), imms, size - 1 - v);
  }
  if (kind === 'BFZL') {
    if (v < 0 || v >= size) return NO_MATCH;
    return setF(word, immr, (size - v) % size);
  }
  if (kind === 'BFZW') {
    const lsb = (size - getF(word, immr)) % size;
    if (v < 1 || v > size - lsb) return NO_MATCH;
    return setF(word, imms, v - 1);
  }
  const lsb = getF(word, immr);
  if (v < 1 || v > size - lsb) return NO_MATCH;
  return setF(word, imms, lsb + v - 1);
}

function runEnum(o: Op, word: number, ops: Operands): number {
  const alts = o.alts as EnumAlt[];
  for (let j = 0; j < alts.length; j++) {
    const alt = alts[j];
    if (!alt.fits) continue;
    let ok = true;
    for (let x = 0; x < alt.expect.length; x++) {
      const ex = alt.expect[x];
      const v = ops.values[ex.slot];
      if (ex.word >= 0 ? v !== ex.word : v !== ex.number) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    // The general matcher takes the first alternative that matches, whatever follows.
    if (alt.consumed !== o.a) return FALLBACK;
    if (o.spec.includes('+') || o.spec === 'size' || o.spec === 'imm5') {
      if (!agrees(o.spec, alt.bits)) continue;
    }
    const cur = getF(word, o.fields);
    const mask = ((1 << alt.width) - 1) << o.b;
    let v = (cur & ~mask) | alt.value;
    if (alt.keep !== 0) v = (v & ~alt.keep) | (cur & alt.keep);
    return setF(word, o.fields, v);
  }
  return NO_MATCH;
}

// Arrangements named by several operands (`v0.8b, v1.8b`) must agree: the bits chosen per field
// spec during one run.
const chosenSpecs: string[] = [];
const chosenBits: string[] = [];
let chosenRun = -1;
let runCounter = 0;

function agrees(spec: string, bits: string): boolean {
  if (chosenRun !== runCounter) {
    chosenRun = runCounter;
    chosenSpecs.length = 0;
    chosenBits.length = 0;
  }
  const i = chosenSpecs.indexOf(spec);
  if (i >= 0) return chosenBits[i] === bits;
  chosenSpecs.push(spec);
  chosenBits.push(bits);
  return true;
}
