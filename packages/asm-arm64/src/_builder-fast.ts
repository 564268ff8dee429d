/**
 * The typed builder's fast path: operands straight from the builder's register objects, numbers,
 * memory operands and labels into the compiled encoders (`_compile.ts`), with the shape of each
 * call remembered per mnemonic and operand classes.
 * @module
 */
import { encodeShape, shapeOf } from './_encode-compiled';
import { classify } from './_scan';
import { FALLBACK, internedWords, internPrefix, Operands, type Shape, wordId } from './_shape';
import type { Label, Operand, SpReg, WReg, XReg } from './builder';

/** A mnemonic's compiled shapes, keyed by the classes of the operands (see `operandCode`). */
export interface MnemonicShapes {
  mnemonic: string;
  prefix: string;
  prefixId: number;
  shapes: Map<number, Shape>;
  /** The operand classes of the last call and their shape (a call site repeats its classes). */
  lastCode: number;
  lastShape: Shape | null;
}

const byMnemonic = new Map<string, MnemonicShapes>();
/** Operand-class combinations remembered per mnemonic (cleared when full). */
const SHAPES_PER_MNEMONIC = 256;
/** Mnemonics remembered by `emit` (cleared when full). */
const MNEMONIC_LIMIT = 4096;

/** The compiled shapes of a mnemonic (as the builder spells it). */
export function shapesOf(mnemonic: string): MnemonicShapes {
  let m = byMnemonic.get(mnemonic);
  if (!m) {
    const upper = mnemonic.toUpperCase();
    const dot = /^(B|BC)\.([A-Z]+)$/.exec(upper);
    // `b.ne` goes through `emit`'s general path: the typed `b_cond` passes the condition as an operand.
    const prefix = dot ? '' : upper;
    m = {
      mnemonic,
      prefix,
      prefixId: internPrefix(prefix),
      shapes: new Map(),
      lastCode: -1,
      lastShape: null,
    };
    if (byMnemonic.size >= MNEMONIC_LIMIT) byMnemonic.clear();
    byMnemonic.set(mnemonic, m);
  }
  return m;
}

/** `b.<cond>`: the condition is the first operand. */
export const B_COND: MnemonicShapes = {
  mnemonic: 'b',
  prefix: 'B.',
  prefixId: internPrefix('B.'),
  shapes: new Map(),
  lastCode: -1,
  lastShape: null,
};

/** Builder operands per value atom: the atoms of register objects, by class. */
const GPR_ATOMS = [120, 121, 115, 119, 122, 116]; // x y s w z t
const ID_ATOM_CODES = 'xyswztBHSDQVi';
/** Operand classes (six bits each in a shape code); `SLOW` sends the call to the general path. */
const END = 0;
const NUMBER = 7;
const MEM = 8; // + mode * 6 + register class: 8..31
const IDENT = 33; // + index in ID_ATOM_CODES: 33..45
const SLOW = 63;

/** The property under which the builder's register constants carry their `registerClass`. */
export const REGISTER_CLASS = '__nexusClass';

/** A register's operand class: 1 x, 2 xzr, 3 sp, 4 w, 5 wzr, 6 wsp. */
export function registerClass(r: XReg | WReg | SpReg): number {
  const known = (r as unknown as Record<string, number | undefined>)[REGISTER_CLASS];
  if (known !== undefined) return known;
  switch (r.kind) {
    case 'x':
      return r.n === 31 ? 2 : 1;
    case 'w':
      return r.n === 31 ? 5 : 4;
    case 'sp':
      return 3;
    default:
      return 6;
  }
}

const scratchValues = new Float64Array(1);

/** The class of one operand (six bits). */
function operandCode(x: Operand | undefined): number {
  if (x === undefined) return END;
  if (typeof x === 'number') return Number.isSafeInteger(x) ? NUMBER : SLOW;
  if (typeof x === 'string') return identifierCode(x);
  if (typeof x !== 'object') return SLOW;
  // The builder's registers carry their class: one load, before any `in` test (about 4% of the
  // builder's rate, A/B on the bundled mix).
  const known = (x as unknown as Record<string, number | undefined>)[REGISTER_CLASS];
  if (known !== undefined) return known;
  if ('mode' in x) {
    if (!Number.isSafeInteger(x.offset)) return SLOW;
    const mode = x.mode === 'pre' ? 2 : x.mode === 'post' ? 3 : x.offset !== 0 ? 1 : 0;
    return MEM + mode * 6 + registerClass(x.base) - 1;
  }
  if ('kind' in x) return registerClass(x);
  return (x instanceof BuilderLabel ? x.identifier() : identifierOf(x.name)).code;
}

/** What a name operand is (`eq`, `lsl`, a label): its class, atom and value, worked out once. */
interface Identifier {
  code: number;
  atom: number;
  /** Register number for register atoms; for `i` atoms the word id once known (-1 until then). */
  value: number;
  /** `internedWords()` when `value` was last looked up. */
  words: number;
}

const identifiers = new Map<string, Identifier>();
/** Names remembered (cleared when full). */
const IDENTIFIER_LIMIT = 4096;

/** The class of a name, remembered: classifying per call was 6% of the builder's time. */
function identifierOf(text: string): Identifier {
  let r = identifiers.get(text);
  if (r === undefined) {
    r = classifyName(text);
    if (identifiers.size >= IDENTIFIER_LIMIT) identifiers.clear();
    identifiers.set(text, r);
  }
  return r;
}

function identifierCode(text: string): number {
  return identifierOf(text).code;
}

function classifyName(text: string): Identifier {
  const atom = classify(text, scratchValues, 0);
  return {
    code: IDENT + ID_ATOM_CODES.indexOf(String.fromCharCode(atom)),
    atom,
    value: scratchValues[0],
    words: internedWords(),
  };
}

/** A label made by `Builder.label`: it carries its name's class (a map lookup per use was 6%). */
export class BuilderLabel implements Label {
  readonly name: string;
  private cached: Identifier | null = null;
  constructor(name: string) {
    this.name = name;
  }
  identifier(): Identifier {
    if (this.cached === null) this.cached = classifyName(this.name);
    return this.cached;
  }
  /**
   * A label named `.L<n>` by `Builder.label`: a plain name to the scanner (no register or word
   * starts with a dot), classified without the scanner's tests (about 3% of the builder mix).
   */
  static generated(name: string): BuilderLabel {
    const label = new BuilderLabel(name);
    label.cached = { code: IDENT + ID_ATOM_CODES.indexOf('i'), atom: 105, value: -1, words: -1 };
    return label;
  }
}

const ops = new Operands();
let atomCount = 0;
let slot = 0;
/** Tokens so far, as the general path would number them (fixup columns are token numbers). */
let tokenCount = 0;

function pushAtom(code: number): void {
  ops.atoms[atomCount++] = code;
}

/** Writes one operand's values (and, when `atoms`, its atoms). */
function fill(x: Operand, atoms: boolean): void {
  if (typeof x === 'number') {
    if (atoms) pushAtom(110);
    // -0 is 0 to the general path (it reads numbers as BigInt).
    ops.values[slot++] = x === 0 ? 0 : x;
    tokenCount += x < 0 ? 3 : 2;
    return;
  }
  if (typeof x === 'string') {
    fillIdentifier(x, atoms);
    return;
  }
  if (typeof x !== 'object') return;
  if ('mode' in x) {
    if (atoms) pushAtom(91);
    fill(x.base, atoms);
    tokenCount++;
    if (x.mode === 'post') {
      if (atoms) pushAtom(93);
      if (atoms) pushAtom(44);
      tokenCount += 2;
      fill(x.offset, atoms);
      return;
    }
    if (x.offset !== 0 || x.mode === 'pre') {
      if (atoms) pushAtom(44);
      tokenCount++;
      fill(x.offset, atoms);
    }
    if (atoms) pushAtom(93);
    tokenCount++;
    if (x.mode === 'pre') {
      if (atoms) pushAtom(33);
      tokenCount++;
    }
    return;
  }
  if ('kind' in x) {
    if (atoms) pushAtom(GPR_ATOMS[registerClass(x) - 1]);
    ops.values[slot++] = x.n;
    tokenCount++;
    return;
  }
  fillName(x.name, x instanceof BuilderLabel ? x.identifier() : identifierOf(x.name), atoms);
}

function fillAfterComma(x: Operand, atoms: boolean, joined: boolean): void {
  if (!joined) {
    if (atoms) pushAtom(44);
    tokenCount++;
  }
  fill(x, atoms);
}

function fillIdentifier(text: string, atoms: boolean): void {
  fillName(text, identifierOf(text), atoms);
}

function fillName(text: string, r: Identifier, atoms: boolean): void {
  if (atoms) pushAtom(r.atom);
  // Word ids never change once interned; until then, look again when words were interned since
  // (a label is never one: looking it up per call was 3% of the builder's time).
  if (r.atom === 105 && r.value < 0 && r.words !== internedWords()) {
    r.value = wordId(text);
    r.words = internedWords();
  }
  ops.values[slot] = r.value;
  ops.texts[slot] = text;
  ops.words[slot] = text;
  ops.columns[slot++] = tokenCount;
  tokenCount++;
}

/**
 * Fills the operands (comma-separated; with `joinLast` the last one follows the one before it
 * without a comma, as the amount of `lsl #3`) and encodes them, or returns `FALLBACK`.
 */
export function encodeFast(
  m: MnemonicShapes,
  joinLast: boolean,
  a?: Operand,
  b?: Operand,
  c?: Operand,
  d?: Operand,
  e?: Operand,
): number {
  const code =
    ((((operandCode(a) * 64 + operandCode(b)) * 64 + operandCode(c)) * 64 + operandCode(d)) * 64 +
      operandCode(e)) *
      2 +
    (joinLast ? 1 : 0);
  // The last classes first: a Map lookup per call, on a key past the small-integer range when
  // the first operand is a name, cost 8% of the builder's time.
  let shape = code === m.lastCode ? (m.lastShape as Shape) : m.shapes.get(code);
  const build = shape === undefined;
  if (build) {
    // Any operand of a class the fast path does not take sends the call to the general path.
    for (const x of [a, b, c, d, e]) if (operandCode(x) === SLOW) return FALLBACK;
  }
  atomCount = 0;
  slot = 0;
  // The condition of `b.<cond>` is part of the mnemonic in the general path: not a token.
  tokenCount = m === B_COND ? -1 : 0;
  ops.prefix = m.prefix;
  ops.prefixId = m.prefixId;
  const last =
    e !== undefined
      ? 5
      : d !== undefined
        ? 4
        : c !== undefined
          ? 3
          : b !== undefined
            ? 2
            : a !== undefined
              ? 1
              : 0;
  // Unrolled, no array of operands: one allocation per call cost 15% of the builder's rate.
  if (last > 0) fill(a as Operand, build);
  if (last > 1) fillAfterComma(b as Operand, build, joinLast && last === 2);
  if (last > 2) fillAfterComma(c as Operand, build, joinLast && last === 3);
  if (last > 3) fillAfterComma(d as Operand, build, joinLast && last === 4);
  if (last > 4) fillAfterComma(e as Operand, build, joinLast);
  if (build) {
    ops.atomCount = atomCount;
    ops.count = slot;
    shape = shapeOf(ops);
    if (m.shapes.size >= SHAPES_PER_MNEMONIC) m.shapes.clear();
    m.shapes.set(code, shape);
  }
  m.lastCode = code;
  m.lastShape = shape as Shape;
  ops.count = slot;
  return encodeShape(shape as Shape, ops);
}
