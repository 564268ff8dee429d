/**
 * Running the compiled encoders (`_compile.ts` builds them): the shape table, the operations of a
 * compiled path over the operand values, and the general matcher's checks after a match.
 * @module
 */
import { encodeBitmask } from './_bits';
import { compileCandidates, isValueAtom } from './_compile';
import type { Fixup } from './_operand';
import {
  BITFIELD,
  BITMASK,
  type Candidate,
  COND,
  CONST,
  CR,
  conditionByWord,
  ENUM,
  type EnumAlt,
  FALLBACK,
  FIXED,
  fieldsOf,
  getF,
  IMM,
  LABEL_NUM,
  LABEL_SYM,
  MOVE_WIDE,
  NEXT_REG,
  NO_MATCH,
  type Op,
  type Operands,
  REG_PLUS,
  SET_REG,
  type Shape,
  setF,
  WORD,
  wordId,
} from './_shape';
import { consistent } from './instruction';
import { type Encoding, excluded, type Field } from './tables';

const I_ATOM = 105; // 'i'

const fixupPool: Fixup[] = [];

/**
 * Result of `encodeCompiled`: the encoding of the word it returned and its symbol references,
 * the first `fixupCount` records of `fixups` (reused by the next call: copy what you keep).
 */
export const compiledResult: { encoding: Encoding | null; fixups: Fixup[]; fixupCount: number } = {
  encoding: null,
  fixups: fixupPool,
  fixupCount: 0,
};

/** Shapes kept (a limit, not an accident: cleared when full; a real program has a few hundred). */
const SHAPE_LIMIT = 4096;
const table = new Map<number, Shape>();

function hashOf(prefixId: number, atoms: Uint8Array, count: number): number {
  let h = prefixId;
  for (let i = 0; i < count; i++) h = (Math.imul(h, 31) + atoms[i]) | 0;
  return h;
}

function sameAtoms(shape: Shape, ops: Operands): boolean {
  const a = shape.atoms;
  if (shape.prefixId !== ops.prefixId || a.length !== ops.atomCount) return false;
  const b = ops.atoms;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The compiled candidates of the operands' shape, compiled on first use. A caller that keeps the
 * shape (the builder, per method and operand classes) skips this lookup next time. The shape is
 * found by a numeric hash of the atoms, with no key string: building and hashing a string per
 * instruction cost 10% of the text rate.
 */
export function shapeOf(ops: Operands): Shape {
  const h = hashOf(ops.prefixId, ops.atoms, ops.atomCount);
  const first = table.get(h);
  for (let s: Shape | null = first ?? null; s !== null; s = s.next) if (sameAtoms(s, ops)) return s;
  if (table.size >= SHAPE_LIMIT) table.clear();
  const atomText = String.fromCharCode(...ops.atoms.subarray(0, ops.atomCount));
  const shape: Shape = {
    candidates: compileCandidates(ops.prefix, atomText),
    prefixId: ops.prefixId,
    atoms: ops.atoms.slice(0, ops.atomCount),
    next: table.get(h) ?? null,
  };
  table.set(h, shape);
  // Compiling interned the words this shape compares with: read the identifiers' ids again.
  for (let a = 0, slot = 0; a < ops.atomCount; a++) {
    const ch = ops.atoms[a];
    if (ch === I_ATOM) ops.values[slot] = wordId(ops.words[slot]);
    if (isValueAtom(atomText[a])) slot++;
  }
  return shape;
}

/**
 * Encodes the operands through the compiled encoders of their shape. Returns the word, or
 * `FALLBACK` when the general matcher must decide (no template compiled for the shape, values
 * no compiled template accepts, an error to report). The encoding and fixups of the word are in
 * `compiledResult` until the next call (copy the fixups to keep them).
 */
export function encodeCompiled(ops: Operands): number {
  return encodeShape(shapeOf(ops), ops);
}

let compiledEnabled = true;

/**
 * Turns the compiled encoders off (every instruction then takes the general path) or back on;
 * returns the previous setting. For tests that compare the two paths.
 */
export function setCompiledEncoders(on: boolean): boolean {
  const was = compiledEnabled;
  compiledEnabled = on;
  return was;
}

/** `encodeCompiled` with the shape already looked up (`shapeOf`). */
export function encodeShape(shape: Shape, ops: Operands): number {
  if (!compiledEnabled) return FALLBACK;
  const list = shape.candidates;
  for (let c = 0; c < list.length; c++) {
    const cand = list[c];
    if (cand.ops === null) return FALLBACK;
    compiledResult.fixupCount = 0;
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
  const e = cand.e;
  const word = cand.apply === null ? matched : cand.apply(matched);
  if ((word & e.mask) >>> 0 !== e.value || (e.exclusions.length > 0 && excluded(e, word))) return NO_MATCH;
  if (cand.condition !== null && !cand.condition(word)) return NO_MATCH;
  if (cand.preferred !== null && !cand.preferred(word)) return NO_MATCH;
  // Rules looked up once per candidate, not per word: the calls cost 10% of the builder's time.
  if (cand.checkConsistent && !consistent(e, word, cand.rmClass)) return NO_MATCH;
  if (cand.isUndefined?.(word)) return NO_MATCH;
  if (cand.isUnpredictable?.(word)) return FALLBACK;
  return word >>> 0;
}

// Logical immediates seen, by data size: `N:immr:imms` packed, or -1 (programs reuse a few masks;
// `encodeBitmask` works in BigInt and was 5% of the builder's time).
const BITMASK_CACHE_LIMIT = 4096;
const bitmasks32 = new Map<number, number>();
const bitmasks64 = new Map<number, number>();

function bitmask(v: number, size: 32 | 64): number {
  const cache = size === 64 ? bitmasks64 : bitmasks32;
  let b = cache.get(v);
  if (b === undefined) {
    const r = encodeBitmask(BigInt.asUintN(size, BigInt(v)), size);
    b = r ? (r.n << 12) | (r.immr << 6) | r.imms : -1;
    if (cache.size >= BITMASK_CACHE_LIMIT) cache.clear();
    cache.set(v, b);
  }
  return b;
}

/** Writes a value into a single-field operation's field. */
function put(word: number, o: Op, value: number): number {
  return ((word & ~(o.mask << o.lo)) | ((value & o.mask) << o.lo)) >>> 0;
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
        // A single field inline (shift and mask precomputed): setF's loop and powers were 12% of
        // the builder's time.
        word = o.lo >= 0 ? put(word, o, values[o.slot]) : setF(word, o.fields, values[o.slot]);
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
        // Bounds precomputed per operation: `2 ** width` per call was 5% of the builder's time.
        if (!Number.isInteger(f) || f < o.min || f > o.max) return NO_MATCH;
        const field = f < 0 ? f + o.span : f;
        word = o.lo >= 0 ? put(word, o, field) : setF(word, o.fields, field);
        break;
      }
      case LABEL_NUM: {
        const v = values[o.slot];
        if (v % o.a !== 0) return NO_MATCH;
        const f = v / o.a;
        if (!Number.isInteger(f) || f < o.min || f > o.max) return NO_MATCH;
        word = setF(word, o.fields, f < 0 ? f + o.span : f);
        break;
      }
      case LABEL_SYM: {
        // Fixup records are reused from a pool: the consumer copies what it keeps.
        // A counter, not `length = 0` per candidate (a runtime call: 3% of the builder's time).
        const n = compiledResult.fixupCount++;
        if (fixupPool.length === n)
          fixupPool.push({ symbol: '', addend: 0, kind: 'pcrel', fields: '', scale: 0, column: 0 });
        const f = fixupPool[n];
        f.symbol = ops.texts[o.slot];
        f.addend = 0;
        f.kind = o.a === 4096 ? 'page' : 'pcrel';
        f.fields = o.text;
        f.scale = o.a;
        f.column = ops.columns[o.slot];
        break;
      }
      case BITMASK: {
        const size = o.a as 32 | 64;
        const v = values[o.slot];
        if (!Number.isSafeInteger(v)) return FALLBACK;
        if (v >= 2 ** size || v < -(2 ** (size - 1))) return NO_MATCH;
        const b = bitmask(v, size);
        if (b < 0) return NO_MATCH;
        const e = cand.e;
        const nm = o.named;
        if (size === 64) word = setF(word, nm[0] ?? fieldsOf1(e, 'N'), b >>> 12);
        word = setF(word, nm[1] ?? fieldsOf1(e, 'immr'), (b >>> 6) & 63);
        word = setF(word, nm[2] ?? fieldsOf1(e, 'imms'), b & 63);
        break;
      }
      case MOVE_WIDE: {
        const r = moveWide(values[o.slot], o.a, o.signed);
        if (r < 0) return r === FALLBACK ? FALLBACK : NO_MATCH;
        word = setF(word, o.named[0] ?? fieldsOf1(cand.e, 'hw'), r >>> 16);
        word = setF(word, o.named[1] ?? fieldsOf1(cand.e, 'imm16'), r & 0xffff);
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
        word = o.lo >= 0 ? put(word, o, c) : setF(word, o.fields, c);
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
        const r = bitfield(cand.e, o, word, values[o.slot]);
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
  // One chunk at hw = 0, the common case, without the loop and its powers (about 2% of the
  // builder mix's profile).
  if (!inverted && v >= 0 && v < 0x10000 && Number.isInteger(v)) return v;
  if (inverted && v < 0 && v >= -0x10000 && Number.isInteger(v)) return -v - 1;
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
function bitfield(e: Encoding, o: Op, word: number, v: number): number {
  const kind = o.text;
  const size = o.a;
  const immr = o.named[0] ?? fieldsOf1(e, 'immr');
  const imms = o.named[1] ?? fieldsOf1(e, 'imms');
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
