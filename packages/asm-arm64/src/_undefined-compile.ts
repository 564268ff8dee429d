/**
 * `undefinedReason(e, word) !== null` compiled once per encoding for the compiled encoders: the
 * fields each rule reads resolved to shifts and masks when the candidate is made, so the check per
 * instruction is shifts and compares, with no field looked up by spec name. With the rules read
 * through `getField` (a map lookup by name per field) they and the lookups were about 12% of the
 * builder mix's profile. A group this file does not compile is checked by `undefinedReason`
 * itself; `test/fast-path.test.ts` checks the compiled tests equal it on random words of every
 * encoding of the compiled groups.
 * @module
 */
import { type Encoding, mayBeUndefined, undefinedReason } from './tables';

type Test = (word: number) => boolean;
/** A field reader: `(word >>> lo) & mask`, or -1 when the encoding has no such field. */
type Read = (word: number) => number;

const NONE: Read = () => -1;

function reader(e: Encoding, name: string): Read {
  const f = e.fields.find((x) => x.name === name);
  if (f === undefined) return NONE;
  const lo = f.lo;
  const mask = f.width >= 32 ? -1 : (1 << f.width) - 1;
  return (w) => (w >>> lo) & mask;
}

/** True when the encoding has every named field as a single field. */
function hasAll(e: Encoding, names: readonly string[]): boolean {
  return names.every((n) => e.fields.some((f) => f.name === n));
}

/**
 * A test equal to `undefinedReason(e, word) !== null`, or null when no word of the encoding is
 * UNDEFINED by those rules (`mayBeUndefined`).
 */
export function compileUndefined(e: Encoding): Test | null {
  if (!mayBeUndefined(e)) return null;
  const group = e.group.slice(e.group.indexOf('/') + 1);
  const sf = reader(e, 'sf');
  switch (group) {
    case 'addsub_shift': {
      if (!hasAll(e, ['shift', 'imm6'])) break;
      const shift = reader(e, 'shift');
      const imm6 = reader(e, 'imm6');
      return (w) => shift(w) === 3 || (sf(w) === 0 && imm6(w) > 31);
    }
    case 'log_shift': {
      if (!hasAll(e, ['imm6'])) break;
      const imm6 = reader(e, 'imm6');
      return (w) => sf(w) === 0 && imm6(w) > 31;
    }
    case 'addsub_ext': {
      if (!hasAll(e, ['imm3'])) break;
      const imm3 = reader(e, 'imm3');
      return (w) => imm3(w) > 4;
    }
    case 'log_imm': {
      if (!hasAll(e, ['N', 'imms'])) break;
      const nf = reader(e, 'N');
      const immsf = reader(e, 'imms');
      return (w) => {
        const n = nf(w);
        if (sf(w) === 0 && n === 1) return true;
        const imms = immsf(w);
        const combined = (n << 6) | (~imms & 0x3f);
        if (combined === 0) return true;
        const len = 31 - Math.clz32(combined);
        return len < 1 || (imms & ((1 << len) - 1)) === (1 << len) - 1;
      };
    }
    case 'bitfield': {
      if (!hasAll(e, ['N', 'immr', 'imms'])) break;
      const nf = reader(e, 'N');
      const immr = reader(e, 'immr');
      const imms = reader(e, 'imms');
      return (w) => {
        const s = sf(w);
        return s !== nf(w) || (s === 0 && (immr(w) > 31 || imms(w) > 31));
      };
    }
    case 'movewide': {
      if (!hasAll(e, ['hw'])) break;
      const hw = reader(e, 'hw');
      return (w) => sf(w) === 0 && hw(w) > 1;
    }
    case 'ldst_regoff': {
      if (!hasAll(e, ['option'])) break;
      const option = reader(e, 'option');
      return (w) => (option(w) & 2) === 0;
    }
    default:
      break;
  }
  return (w) => undefinedReason(e, w) !== null;
}
