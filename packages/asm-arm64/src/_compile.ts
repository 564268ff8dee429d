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

import { compileApply, compileCondition } from './_condition-compile';
import { dataSize, lslBits, type MatchState, parseEnum, splitOperand } from './_operand';
import {
  BITFIELD,
  BITMASK,
  type Candidate,
  COND,
  CONST,
  CR,
  ENUM,
  type EnumAlt,
  FIXED,
  fieldsOf,
  fieldsOrNull,
  IMM,
  internWord,
  LABEL_NUM,
  LABEL_SYM,
  MOVE_WIDE,
  NEXT_REG,
  type Op,
  op,
  REG_PLUS,
  SET_REG,
  setF,
  WORD,
} from './_shape';
import { compileUndefined } from './_undefined-compile';
import type { RawPart } from './generated/a64';
import { mayBeUnpredictable, unpredictableTest } from './instruction';
import { applyOmitted } from './operand-match';
import type { Alias, Encoding, Field } from './tables';
import {
  ASSEMBLE_ONLY_PREFERRED,
  conditionOf,
  entriesFor,
  PREFERRED_OVERRIDES,
  templateOf,
} from './templates';

/** An alias's checks after a match, compiled (as `encodeEntries` runs them). */
function aliasTests(e: Encoding, alias: Alias | null): Pick<Candidate, 'apply' | 'condition' | 'preferred'> {
  if (!alias) return { apply: null, condition: null, preferred: null };
  const first = compileApply(e, conditionOf(alias));
  const second = compileApply(e, PREFERRED_OVERRIDES[alias.name] ?? alias.preferred);
  const apply = first && second ? (w: number) => second(first(w)) : (first ?? second);
  return {
    apply,
    condition: compileCondition(e, conditionOf(alias)),
    preferred: ASSEMBLE_ONLY_PREFERRED.has(alias.name) ? compileCondition(e, alias.preferred) : null,
  };
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

/** True for atoms with a value slot (letters; punctuation has none). */
export function isValueAtom(ch: string): boolean {
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
    case 'I': {
      if (ch !== 'n') return [];
      // `tbz w0, #n`: bit numbers of a W register fit b40 alone (b5 stays 0).
      const spec = a[1] === 'b5+b40' && !'xys'.includes(atoms[0]?.ch ?? '') ? 'b40' : a[1];
      return [
        {
          consumed: 1,
          op: op(IMM, at.slot, fieldsOf(e, spec), { a: Number(a[3]), signed: a[2] === 's' }),
        },
      ];
    }
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
      return [
        {
          consumed: 1,
          op: op(BITMASK, at.slot, [], {
            a: Number(a[1]),
            named: [fieldsOrNull(e, 'N'), fieldsOrNull(e, 'immr'), fieldsOrNull(e, 'imms')],
          }),
        },
      ];
    case 'MOVZ':
    case 'MOVN':
      if (ch !== 'n') return [];
      return [
        {
          consumed: 1,
          op: op(MOVE_WIDE, at.slot, [], {
            a: dataSize(e),
            signed: a[0] === 'MOVN',
            named: [fieldsOrNull(e, 'hw'), fieldsOrNull(e, 'imm16')],
          }),
        },
      ];
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
          op: op(BITFIELD, at.slot, [], {
            a: dataSize(e),
            text: a[0],
            named: [fieldsOrNull(e, 'immr'), fieldsOrNull(e, 'imms')],
          }),
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

function partOfArrangement(parts: readonly RawPart[], field: string): boolean {
  return parts.some((p) =>
    typeof p === 'string'
      ? p.startsWith('%E:') && p.split(':')[1].includes('+') && p.split(':')[1].split('+').includes(field)
      : partOfArrangement(p, field),
  );
}

/** Whether the template's `2` suffix (`%SUF:Q`) sets a field of `spec`. */
function suffixIn(parts: readonly RawPart[], spec: string): boolean {
  return parts.some((p) =>
    typeof p === 'string' ? p.startsWith('%SUF:') && spec.split('+').includes(p.slice(5)) : suffixIn(p, spec),
  );
}

/** An operand kind the compiler does not know: it may consume any run of atoms. */
function wildcard(atoms: Atom[], pos: number): Way[] {
  const out: Way[] = [];
  for (let n = 0; pos + n <= atoms.length; n++) out.push({ consumed: n, op: null });
  return out;
}

function enumWays(e: Encoding, a: string[], atoms: Atom[], pos: number): Way[] {
  // A field that is also part of an arrangement (`Q` of `size+Q` in `ld1 ..., [x0], #32`) must
  // agree with it: the general matcher checks that.
  if (!a[1].includes('+') && e.template && partOfArrangement(e.template, a[1])) return wildcard(atoms, pos);
  // So must the `2` suffix (`saddl2 v0.8h, v1.16b, v2.16b`, not `v1.8b`).
  if (a[1].includes('+') && e.template && suffixIn(e.template, a[1])) return wildcard(atoms, pos);
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
    // `lsl` in an extend needs its amount, as in LLVM (see the 'E' operand in operand-match.ts).
    if (a[1] === 'option' && altWords.length === 1 && altWords[0] === 'lsl' && atoms[p]?.ch !== 'n')
      fits = false;
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
        // `fcmp d0, #0` is refused (see `fixedMatches`): the general matcher reads the text.
        if (lit.includes('.') && (upper === 'FCMP' || upper === 'FCMPE')) return;
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

/**
 * The candidates of a shape: every template of the mnemonic that fits the atoms, in the general
 * matcher's order, compiled where its operand kinds are known.
 */
export function compileCandidates(prefix: string, atomText: string): Candidate[] {
  let upper = prefix;
  const atoms = parseAtoms(atomText);
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
        isUnpredictable: mayBeUnpredictable(e) ? unpredictableTest(e) : null,
        isUndefined: compileUndefined(e),
        // The groups `consistent` has rules for; it returns true for every other group.
        checkConsistent: e.group.endsWith('/ldst_regoff') || e.group.endsWith('/addsub_ext'),
        upper: name,
        ...aliasTests(e, alias),
      });
    }
  };
  add(entries, upper, suffix2, condSuffix);
  // `ldr x0, [x1, #-8]`: the unscaled form after every scaled one, as `encodeTokens` tries it.
  if (!condSuffix && /^(LD|ST)R(S?[BHW])?$/.test(upper)) {
    const unscaled = `${upper.slice(0, 2)}U${upper.slice(2)}`;
    add(entriesFor(unscaled), unscaled, false, false);
  }
  return candidates;
}
