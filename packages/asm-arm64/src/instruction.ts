/**
 * Text to word for one instruction: the template matcher over the operand tokens, the per-shape
 * replay of a successful match, alias conditions applied to the word, and the checks that refuse
 * what the architecture leaves CONSTRAINED UNPREDICTABLE.
 * @module
 */

import { expandRegisterRanges, llvmForm } from './_llvm-forms';
import { evaluate } from './conditions';
import type { RawCond, RawPart } from './generated/a64';
import { applyOmitted, dataSize, type Fixup, type MatchState, matchOperand, type Token } from './operands';
import { type Alias, type Encoding, excluded, getField, hasField, setField, undefinedReason } from './tables';
import {
  ASSEMBLE_ONLY_PREFERRED,
  CHOSEN_BY_VALUE,
  conditionOf,
  entriesFor,
  PREFERRED_OVERRIDES,
  templateOf,
} from './templates';

// Re-exported for the tests and tools that take the whole text/word path from one module.
export { disassembleWord, preferredAlias, printInstruction } from './printer';
export { conditionOf, templateOf } from './templates';
export { tokenize } from './tokenizer';

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
        if (!fixedMatches(mnemonic, step.part as string, tokens[step.next - 1])) return false;
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

/**
 * A fixed immediate of a template (`#0`, `#0.0`) as written. LLVM takes `#0` for `#0.0` in the
 * vector compares (`fcmeq v0.2d, v1.2d, #0`) but not in `fcmp`/`fcmpe`, whose operand it parses
 * as a floating-point literal only.
 */
function fixedMatches(mnemonic: string, lit: string, t: Token | undefined): boolean {
  if (t?.kind !== 'num' || Number(t.text) !== Number(lit.slice(1))) return false;
  return !(lit.includes('.') && (mnemonic === 'FCMP' || mnemonic === 'FCMPE') && !t.text.includes('.'));
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
      if (!fixedMatches(mnemonic, lit, tokens[q])) {
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
    // LLVM takes `[xn, #0]` in the exclusive and ordered forms but not in compare-and-swap.
    if (lit === '0' && mnemonic.startsWith('CAS') && tokens[pos]?.text === '0') {
      state.error = { message: 'compare-and-swap takes no offset', column };
      return false;
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
export function applyCondition(e: Encoding, word: number, c: RawCond): number {
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
export function consistent(e: Encoding, word: number, rmClass: 'w' | 'x' | undefined): boolean {
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

export function mayBeUnpredictable(e: Encoding): boolean {
  let v = unpredictableCache.get(e);
  if (v === undefined) {
    v = unpredictableGroups.test(e.group.slice(e.group.indexOf('/') + 1));
    unpredictableCache.set(e, v);
  }
  return v;
}

/** What `unpredictable` needs of an encoding apart from the word, worked out once per encoding. */
interface UnpredictableFacts {
  group: string;
  /** L field present: the load/store direction is in the word; else from the mnemonic. */
  hasL: boolean;
  loadByName: boolean;
  exclusive: boolean;
  hasRs: boolean;
  hasRt2: boolean;
  /** Writeback checked for base overlap (not the LLVM 14 gap `LDPSW_64_ldstpair_post`). */
  writeback: boolean;
  gpr: boolean;
  pair: boolean;
  /** LDP with one destination twice is refused (all but the GPR writeback forms). */
  pairSameRefused: boolean;
}

const unpredictableFacts = new Map<Encoding, UnpredictableFacts>();

function factsOf(e: Encoding): UnpredictableFacts {
  let f = unpredictableFacts.get(e);
  if (f) return f;
  const group = e.group.slice(e.group.indexOf('/') + 1);
  const writeback = /^ldst(pair)?_(immpre|immpost|pre|post)$/.test(group) || e.name.endsWith('W_ldst_pac');
  const llvmGap = e.name === 'LDPSW_64_ldstpair_post'; // LLVM 14 checks this form for Rt2 == Rt only
  const gprWriteback =
    ((group === 'ldstpair_pre' || group === 'ldstpair_post') && /^LDP_(32|64)_/.test(e.name)) ||
    e.name === 'LDPSW_64_ldstpair_pre';
  f = {
    group,
    hasL: hasField(e, 'L'),
    loadByName: /^LD/.test(e.mnemonic),
    exclusive: group === 'ldstexclr' || group === 'ldstexclp',
    hasRs: hasField(e, 'Rs'),
    hasRt2: hasField(e, 'Rt2'),
    writeback: writeback && !llvmGap,
    gpr:
      !/_[BHSDQ]_|_[SDQ]_ldstpair/.test(e.name) &&
      !e.name.includes('_B_') &&
      !/LDR_[BHSDQ]|STR_[BHSDQ]/.test(e.name),
    pair: group.startsWith('ldstpair'),
    pairSameRefused: /^ldstpair_(off|pre|post)$/.test(group) && !gprWriteback,
  };
  unpredictableFacts.set(e, f);
  return f;
}

export function unpredictable(e: Encoding, word: number): string | null {
  // The encoding's facts are worked out once (the regular expressions per call were 4% of the
  // builder's time on a mix with pairs and writeback).
  const f = factsOf(e);
  const load = f.hasL ? getField(e, word, 'L') === 1 : f.loadByName;
  if (f.exclusive && f.hasRs && !load) {
    const rs = getField(e, word, 'Rs');
    if (
      rs === getField(e, word, 'Rt') ||
      (f.hasRt2 && f.group === 'ldstexclp' && rs === getField(e, word, 'Rt2'))
    )
      return 'unpredictable: the status register must differ from the data registers';
    if (rs === getField(e, word, 'Rn') && getField(e, word, 'Rn') !== 31)
      return 'unpredictable: the status register must differ from the base register';
  }
  if (f.writeback && getField(e, word, 'Rn') !== 31) {
    const rn = getField(e, word, 'Rn');
    if (f.gpr && (getField(e, word, 'Rt') === rn || (f.hasRt2 && f.pair && getField(e, word, 'Rt2') === rn)))
      return 'unpredictable: writeback base is also transferred';
  }
  // LDP with one destination twice (LLVM checks this for all but the GPR writeback forms, which
  // it checks for base overlap instead; this assembler refuses what LLVM refuses).
  if (f.pairSameRefused && load && getField(e, word, 'Rt') === getField(e, word, 'Rt2'))
    return 'unpredictable: the two destination registers must differ';
  return null;
}

/** A field reader by shift and mask, or null when the encoding has no such field. */
function readerOf(e: Encoding, name: string): ((word: number) => number) | null {
  const f = e.fields.find((x) => x.name === name);
  if (f === undefined) return null;
  const lo = f.lo;
  const mask = f.width >= 32 ? -1 : (1 << f.width) - 1;
  return (w) => (w >>> lo) & mask;
}

/**
 * `unpredictable(e, word) !== null` with the fields resolved once (shifts, no lookup by name per
 * read: those lookups were about 4% of the builder mix's profile). The compiled encoders use it;
 * `test/fast-path.test.ts` checks it against `unpredictable` on random words of every encoding.
 */
export function unpredictableTest(e: Encoding): (word: number) => boolean {
  const f = factsOf(e);
  const slow = (w: number) => unpredictable(e, w) !== null;
  const L = readerOf(e, 'L');
  const rs = readerOf(e, 'Rs');
  const rt = readerOf(e, 'Rt');
  const rn = readerOf(e, 'Rn');
  const rt2 = readerOf(e, 'Rt2');
  const needRt = (f.exclusive && f.hasRs) || (f.writeback && f.gpr) || f.pairSameRefused;
  const needRn = (f.exclusive && f.hasRs) || f.writeback;
  if ((needRt && rt === null) || (needRn && rn === null) || (f.pairSameRefused && rt2 === null)) return slow;
  const Rt = rt ?? (() => 0);
  const Rn = rn ?? (() => 0);
  const Rs = rs ?? (() => 0);
  const Rt2 = rt2 ?? (() => -1);
  const checkRt2Excl = f.hasRt2 && f.group === 'ldstexclp';
  const checkRt2Wb = f.hasRt2 && f.pair;
  return (w) => {
    const load = L !== null ? L(w) === 1 : f.loadByName;
    if (f.exclusive && f.hasRs && !load) {
      const s = Rs(w);
      if (s === Rt(w) || (checkRt2Excl && s === Rt2(w))) return true;
      const n = Rn(w);
      if (s === n && n !== 31) return true;
    }
    if (f.writeback) {
      const n = Rn(w);
      if (n !== 31 && f.gpr && (Rt(w) === n || (checkRt2Wb && Rt2(w) === n))) return true;
    }
    return f.pairSameRefused && load && Rt(w) === Rt2(w);
  };
}

/** Entries remembered per mnemonic and operand shape (bounded; cleared when full). */
const SHAPE_CACHE_LIMIT = 4096;
const shapeCache = new Map<string, ShapeHit>();
/** Off only to compare the fast paths with a plain search (`test/fast-path.test.ts`). */
let replayEnabled = true;

/** Turns the per-shape replay on or off; returns the previous setting. */
export function setReplay(on: boolean): boolean {
  const was = replayEnabled;
  replayEnabled = on;
  return was;
}

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
  if (entries.length === 0) {
    // LLVM's conditional branch without the dot: `beq` is `b.eq`.
    const cc = /^B(EQ|NE|CS|HS|CC|LO|MI|PL|VS|VC|HI|LS|GE|LT|GT|LE|AL|NV)$/.exec(upper);
    if (cc) return encodeTokens(`b.${cc[1]}`, tokens, mnemonicColumn);
    const form = condSuffix ? null : llvmForm(upper, tokens);
    if (form)
      return encodeEntries(
        form.upper,
        entriesFor(form.upper),
        form.tokens,
        null,
        false,
        mnemonicColumn,
        mnemonic,
      );
    return { message: `unknown mnemonic '${mnemonic}'`, column: mnemonicColumn };
  }
  if (tokens.some((t) => t.text === '{')) tokens = expandRegisterRanges(tokens);
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
  // Spellings LLVM accepts beyond the templates (`add x0, x1, #4096`, `cmp x0, #-1`): see `_llvm-forms.ts`.
  if (!('word' in result) && !condSuffix && !suffix2) {
    const form = llvmForm(upper, tokens);
    if (form) {
      const again = encodeEntries(
        form.upper,
        entriesFor(form.upper),
        form.tokens,
        null,
        false,
        mnemonicColumn,
        mnemonic,
      );
      if ('word' in again || form.preferError) return again;
    }
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
  const hit = replayEnabled ? shapeCache.get(key) : undefined;
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
    if (n >= 0 && plan && !(alias && CHOSEN_BY_VALUE.has(alias.name))) {
      if (shapeCache.size > SHAPE_CACHE_LIMIT) shapeCache.clear();
      shapeCache.set(key, { entry, plan });
    }
    return { word: word >>> 0, encoding: e, fixups: state.fixups };
  }
  return state.error ?? { message: `invalid operands for '${mnemonic}'`, column: mnemonicColumn };
}
