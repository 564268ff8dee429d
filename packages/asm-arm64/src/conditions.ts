/**
 * The evaluator of the specification's alias and preferred-form conditions over a word's fields,
 * with the Arm ARM helper functions they call (`BFXPreferred`, `MoveWidePreferred`).
 * @module
 */
import type { RawCond } from './generated/a64';
import { CACHE_OPS, cacheOp, type SysOperationKind } from './operand-names';
import { type Encoding, getField } from './tables';

/** The value of a condition term: a field, a bit pattern, a truth value or a name. */
export type Value = { v: number; w: number } | { pattern: string } | boolean | string;

function fieldValue(e: Encoding, word: number, name: string): Value {
  const f = e.fields.find((x) => x.name === name);
  if (!f) return name;
  return { v: getField(e, word, name), w: f.width };
}

function num(x: Value): number {
  if (typeof x === 'object' && 'v' in x) return x.v;
  if (typeof x === 'object' && 'pattern' in x) return Number.parseInt(x.pattern, 2);
  if (typeof x === 'boolean') return x ? 1 : 0;
  return Number.NaN;
}

function equals(a: Value, b: Value): boolean {
  if (typeof b === 'object' && 'pattern' in b && typeof a === 'object' && 'v' in a) {
    const p = b.pattern;
    for (let i = 0; i < p.length; i++) {
      const ch = p[p.length - 1 - i];
      if (ch !== 'x' && ((a.v >>> i) & 1) !== (ch === '1' ? 1 : 0)) return false;
    }
    return true;
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return num(a) === num(b);
}

/** Arm ARM `BFXPreferred(sf, uns, imms, immr)`. */
function bfxPreferred(sf: number, uns: number, imms: number, immr: number): boolean {
  if (imms < immr) return false;
  if (imms === (sf << 5) + 31) return false;
  if (immr === 0) {
    if (sf === 0 && (imms === 7 || imms === 15)) return false;
    if (sf === 1 && uns === 0 && (imms === 7 || imms === 15 || imms === 31)) return false;
  }
  return true;
}

/** Arm ARM `MoveWidePreferred(sf, immN, imms, immr)`. */
function moveWidePreferred(sf: number, immN: number, imms: number, immr: number): boolean {
  const s = imms;
  const r = immr;
  const width = sf === 1 ? 64 : 32;
  if (sf === 1 && immN !== 1) return false;
  if (sf === 0 && !(immN === 0 && (imms & 0x20) === 0)) return false;
  if (s < 16) return ((-r % 16) + 16) % 16 <= 15 - s;
  if (s >= width - 15) return r % 16 <= s - (width - 15);
  return false;
}

/** Evaluates a compiled specification condition over a word's fields. */
export function evaluate(e: Encoding, word: number, c: RawCond): Value {
  if (typeof c === 'boolean') return c;
  if (typeof c === 'number') return { v: c, w: 32 };
  if (typeof c === 'string') return fieldValue(e, word, c);
  const op = c[0] as string;
  const arg = (i: number) => evaluate(e, word, c[i] as RawCond);
  switch (op) {
    case 'bits':
      return { pattern: c[1] as string };
    case 'int':
      return { v: c[1] as number, w: 32 };
    case '==':
      return equals(arg(1), arg(2));
    case '!=':
      return !equals(arg(1), arg(2));
    case '&&':
      return arg(1) === true && arg(2) === true;
    case '||':
      return arg(1) === true || arg(2) === true;
    case '!':
      return arg(1) !== true;
    case '<':
      return num(arg(1)) < num(arg(2));
    case '>':
      return num(arg(1)) > num(arg(2));
    case '>=':
      return num(arg(1)) >= num(arg(2));
    case '+':
      return { v: num(arg(1)) + num(arg(2)), w: 32 };
    case 'IN': {
      const v = arg(1);
      const set = c[2] as RawCond[];
      for (let i = 1; i < set.length; i++) if (equals(v, evaluate(e, word, set[i]))) return true;
      return false;
    }
    case 'slice': {
      const v = arg(1);
      const idx = num(evaluate(e, word, c[2] as RawCond));
      return { v: (num(v) >>> idx) & 1, w: 1 };
    }
    case 'call': {
      const name = c[1] as string;
      const args = (c.slice(2) as RawCond[]).map((x) => evaluate(e, word, x));
      switch (name) {
        case 'IsFeatureImplemented':
          return true;
        case 'UInt':
          return { v: num(args[0]), w: 32 };
        case 'IsZero':
          return num(args[0]) === 0;
        case 'IsOnes': {
          const a0 = args[0];
          return typeof a0 === 'object' && 'v' in a0 && a0.v === 2 ** a0.w - 1;
        }
        case 'BitCount': {
          let n = 0;
          for (let v = num(args[0]); v; v >>>= 1) n += v & 1;
          return { v: n, w: 32 };
        }
        case 'BFXPreferred':
          return bfxPreferred(num(args[0]), num(args[1]), num(args[2]), num(args[3]));
        case 'CacheOpNamed': {
          const kind = c[2] as SysOperationKind;
          const name = cacheOp(
            kind,
            getField(e, word, 'op1'),
            getField(e, word, 'CRn'),
            getField(e, word, 'CRm'),
            getField(e, word, 'op2'),
          );
          if (!name) return false;
          return CACHE_OPS[kind][name].register || getField(e, word, 'Rt') === 31;
        }
        case 'MoveWidePreferred':
          return moveWidePreferred(num(args[0]), num(args[1]), num(args[2]), num(args[3]));
        default:
          return false;
      }
    }
    default:
      return false;
  }
}
