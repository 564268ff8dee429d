/**
 * Alias conditions compiled once per encoding into closures over the word, for the compiled
 * encoders: the same answers as `evaluate` and `applyCondition`, without walking the condition
 * tree and allocating a value per node on every instruction (`evaluate` was 12% of the builder's
 * time on a mix of aliases: `mov`, `cmp`, `lsl`, `cset`). A node this compiler does not know
 * is evaluated by `evaluate` itself, so the two cannot disagree on it.
 * @module
 */

import { evaluate } from './conditions';
import type { RawCond } from './generated/a64';
import type { Encoding, Field } from './tables';

type WordFn = (word: number) => number;
type TestFn = (word: number) => boolean;

/** A compiled node: a number (a field, an integer, a truth value as 1/0), a bit pattern or a name. */
type Node =
  | { kind: 'num'; f: WordFn; width: number; field: boolean }
  | { kind: 'bool'; f: TestFn }
  | { kind: 'pattern'; bits: string }
  | { kind: 'name'; name: string }
  | { kind: 'any'; cond: RawCond };

const FALSE: TestFn = () => false;

function fieldReader(f: Field): WordFn {
  const lo = f.lo;
  const mask = (2 ** f.width - 1) | 0;
  return (w) => (w >>> lo) & mask;
}

function compileNode(e: Encoding, c: RawCond): Node {
  if (typeof c === 'boolean') return { kind: 'bool', f: c ? () => true : FALSE };
  if (typeof c === 'number') return { kind: 'num', f: () => c, width: 32, field: false };
  if (typeof c === 'string') {
    const f = e.fields.find((x) => x.name === c);
    return f ? { kind: 'num', f: fieldReader(f), width: f.width, field: true } : { kind: 'name', name: c };
  }
  const op = c[0] as string;
  switch (op) {
    case 'bits':
      return { kind: 'pattern', bits: c[1] as string };
    case 'int': {
      const v = c[1] as number;
      return { kind: 'num', f: () => v, width: 32, field: false };
    }
    case '==':
    case '!=': {
      const eq = equality(compileNode(e, c[1] as RawCond), compileNode(e, c[2] as RawCond));
      if (!eq) return { kind: 'any', cond: c };
      return { kind: 'bool', f: op === '==' ? eq : (w) => !eq(w) };
    }
    case '&&':
    case '||': {
      const a = truth(e, compileNode(e, c[1] as RawCond));
      const b = truth(e, compileNode(e, c[2] as RawCond));
      return { kind: 'bool', f: op === '&&' ? (w) => a(w) && b(w) : (w) => a(w) || b(w) };
    }
    case '!': {
      const a = truth(e, compileNode(e, c[1] as RawCond));
      return { kind: 'bool', f: (w) => !a(w) };
    }
    case '<':
    case '>':
    case '>=': {
      const a = numeric(compileNode(e, c[1] as RawCond));
      const b = numeric(compileNode(e, c[2] as RawCond));
      if (!a || !b) return { kind: 'any', cond: c };
      const f: TestFn =
        op === '<' ? (w) => a(w) < b(w) : op === '>' ? (w) => a(w) > b(w) : (w) => a(w) >= b(w);
      return { kind: 'bool', f };
    }
    case '+': {
      const a = numeric(compileNode(e, c[1] as RawCond));
      const b = numeric(compileNode(e, c[2] as RawCond));
      if (!a || !b) return { kind: 'any', cond: c };
      return { kind: 'num', f: (w) => a(w) + b(w), width: 32, field: false };
    }
    case 'IN': {
      const v = compileNode(e, c[1] as RawCond);
      const set = c[2] as RawCond[];
      const tests: TestFn[] = [];
      for (let i = 1; i < set.length; i++) {
        const t = equality(v, compileNode(e, set[i]));
        if (!t) return { kind: 'any', cond: c };
        tests.push(t);
      }
      return { kind: 'bool', f: (w) => tests.some((t) => t(w)) };
    }
    case 'call': {
      const name = c[1] as string;
      const args = (c.slice(2) as RawCond[]).map((x) => compileNode(e, x));
      if (name === 'IsFeatureImplemented') return { kind: 'bool', f: () => true };
      if (name === 'UInt') {
        const a = numeric(args[0]);
        return a ? { kind: 'num', f: a, width: 32, field: false } : { kind: 'any', cond: c };
      }
      if (name === 'IsZero') {
        const a = numeric(args[0]);
        return a ? { kind: 'bool', f: (w) => a(w) === 0 } : { kind: 'any', cond: c };
      }
      if (name === 'IsOnes') {
        const a = args[0];
        if (a.kind !== 'num') return { kind: 'any', cond: c };
        const ones = 2 ** a.width - 1;
        return { kind: 'bool', f: (w) => a.f(w) === ones };
      }
      return { kind: 'any', cond: c };
    }
    default:
      return { kind: 'any', cond: c };
  }
}

/** `evaluate`'s `num()` of a node, or null when it is left to `evaluate`. */
function numeric(n: Node): WordFn | null {
  if (n.kind === 'num') return n.f;
  if (n.kind === 'bool') {
    const f = n.f;
    return (w) => (f(w) ? 1 : 0);
  }
  if (n.kind === 'pattern') {
    const v = Number.parseInt(n.bits, 2);
    return () => v;
  }
  if (n.kind === 'name') return () => Number.NaN;
  return null;
}

/** `x === true` of a node's value: only a truth value can be true. */
function truth(e: Encoding, n: Node): TestFn {
  if (n.kind === 'bool') return n.f;
  if (n.kind === 'any') {
    const c = n.cond;
    return (w) => evaluate(e, w, c) === true;
  }
  return FALSE;
}

/** `evaluate`'s `equals(a, b)`, or null when it is left to `evaluate`. */
function equality(a: Node, b: Node): TestFn | null {
  if (a.kind === 'any' || b.kind === 'any') return null;
  if (b.kind === 'pattern' && a.kind === 'num') {
    // Only a field or integer value is matched bit by bit against a pattern (`equals`).
    let mask = 0;
    let value = 0;
    const p = b.bits;
    if (p.length > 31) return null;
    for (let i = 0; i < p.length; i++) {
      const ch = p[p.length - 1 - i];
      if (ch === 'x') continue;
      mask |= 1 << i;
      if (ch === '1') value |= 1 << i;
    }
    const f = a.f;
    return (w) => (f(w) & mask) === value;
  }
  if (a.kind === 'name' || b.kind === 'name') {
    const same = a.kind === 'name' && b.kind === 'name' && a.name === b.name;
    return () => same;
  }
  const x = numeric(a);
  const y = numeric(b);
  if (!x || !y) return null;
  return (w) => x(w) === y(w);
}

/** A field's lowest bit and unshifted mask. */
interface At {
  lo: number;
  mask: number;
}

function fieldAt(e: Encoding, name: string): At {
  const f = e.fields.find((x) => x.name === name) as Field;
  return { lo: f.lo, mask: f.width >= 32 ? -1 : (1 << f.width) - 1 };
}

function put(w: number, f: At, v: number): number {
  return ((w & ~(f.mask << f.lo)) | ((v & f.mask) << f.lo)) >>> 0;
}

/** A condition as a test of the word: `evaluate(e, word, c) === true`. */
export function compileCondition(e: Encoding, c: RawCond): TestFn {
  return truth(e, compileNode(e, c));
}

/**
 * `applyCondition(e, word, c)` as a function of the word: the field equalities of an alias
 * (`Rn == '11111'` writes the field, `Rn == Rm` copies the one written into the other).
 */
export function compileApply(e: Encoding, c: RawCond): ((word: number) => number) | null {
  const steps: ((word: number) => number)[] = [];
  const walk = (x: RawCond): void => {
    if (!Array.isArray(x)) return;
    if (x[0] === '&&') {
      walk(x[1] as RawCond);
      walk(x[2] as RawCond);
      return;
    }
    if (x[0] === '==' && typeof x[1] === 'string' && e.fields.some((f) => f.name === x[1])) {
      // Fields resolved here to a shift and a mask: through `getField`/`setField` (a lookup by
      // name per access) these equalities were about 6% of the builder mix's profile.
      const l = fieldAt(e, x[1]);
      const rhs = x[2] as RawCond;
      if (Array.isArray(rhs) && rhs[0] === 'bits' && !String(rhs[1]).includes('x')) {
        const v = Number.parseInt(rhs[1] as string, 2);
        const bits = ((v & l.mask) << l.lo) >>> 0;
        const clear = ~(l.mask << l.lo);
        steps.push((w) => ((w & clear) | bits) >>> 0);
      } else if (typeof rhs === 'string' && e.fields.some((f) => f.name === rhs)) {
        const r = fieldAt(e, rhs);
        steps.push((w) => {
          const lv = (w >>> l.lo) & l.mask;
          return lv === 0 ? put(w, l, (w >>> r.lo) & r.mask) : put(w, r, lv);
        });
      }
    }
  };
  walk(c);
  if (steps.length === 0) return null;
  if (steps.length === 1) return steps[0];
  return (w) => {
    let word = w;
    for (const s of steps) word = s(word);
    return word;
  };
}
