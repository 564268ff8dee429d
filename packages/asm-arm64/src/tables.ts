/**
 * The encoding tables in usable form: rows generated from Arm's specification are parsed once,
 * on first use, into `Encoding` objects with a decode index (by the top eight bits) and a
 * mnemonic index (for the assembler).
 * @module
 */
import { assert, popcount32 } from './_bits';
import { decodeCandidates } from './_decode-index';
import { ENCODINGS, GROUPS, type RawCond, type RawPart } from './generated/a64';

/** A named bit field of an encoding. */
export interface Field {
  /** Field name as the specification spells it (`Rd`, `imm12`, `sh`). */
  name: string;
  /** Lowest bit. */
  lo: number;
  /** Width in bits. */
  width: number;
}

/** An alias of an encoding (`mov` for `orr`, `cmp` for `subs`). */
export interface Alias {
  /** Specification name, e.g. `MOV_ORR_log_imm`. */
  name: string;
  /** Upper-case mnemonic. */
  mnemonic: string;
  /** Syntax template, or null when the runtime supplies it (computed operands). */
  template: readonly RawPart[] | null;
  /** When the alias applies, over the encoding's fields. */
  condition: RawCond;
  /** When the alias is the preferred disassembly. */
  preferred: RawCond;
}

/** One A64 encoding. */
export interface Encoding {
  /** Index in the table. */
  index: number;
  /** Specification name, e.g. `ADD_32_addsub_imm`. */
  name: string;
  /** Group path, e.g. `dpimm/addsub_imm`. */
  group: string;
  /** Bits fixed by the encoding. */
  mask: number;
  /** Values of the fixed bits. */
  value: number;
  /** Variable fields. */
  fields: readonly Field[];
  /** Architecture feature that gates the encoding (`LSE`), empty for the base set. */
  feature: string;
  /** Upper-case mnemonic (empty when the template is unresolved). */
  mnemonic: string;
  /** Syntax template, or null when the operands are not covered. */
  template: readonly RawPart[] | null;
  /** Aliases in specification order. */
  aliases: readonly Alias[];
  /** `[mask, value]` pairs: a word matching one is not this encoding. */
  exclusions: readonly (readonly [number, number])[];
}

let table: Encoding[] | null = null;
let decodeIndex: Encoding[][] | null = null;
let mnemonicIndex: Map<string, { encoding: Encoding; alias: Alias | null }[]> | null = null;

function parseFields(spec: string): Field[] {
  if (!spec) return [];
  return spec.split(',').map((f) => {
    const [name, lo, width] = f.split(':');
    return { name, lo: Number(lo), width: Number(width) };
  });
}

/**
 * All encodings, in specification order.
 *
 * @example
 * ```ts
 * encodings().find((e) => e.name === 'ADD_64_addsub_imm')?.mnemonic; // 'ADD'
 * ```
 */
export function encodings(): readonly Encoding[] {
  if (table) return table;
  const built: Encoding[] = ENCODINGS.map((row, index) => ({
    index,
    name: row[0],
    group: GROUPS[row[1]],
    mask: row[2] >>> 0,
    value: row[3] >>> 0,
    fields: parseFields(row[4]),
    feature: row[5],
    mnemonic: row[6],
    template: row[7],
    aliases: row[8].map((a) => ({
      name: a[0],
      mnemonic: a[1],
      template: a[2],
      condition: a[3],
      preferred: a[4],
    })),
    exclusions: row[9],
  }));
  table = built;
  return built;
}

/**
 * The encodings a word may belong to, most specific (most fixed bits) first.
 */
export function candidates(word: number): readonly Encoding[] {
  if (decodeIndex === null) {
    const index: Encoding[][] = [];
    for (let top = 0; top < 256; top++) {
      const hi = (top << 24) >>> 0;
      const list = encodings().filter((e) => (e.mask & 0xff000000 & (hi ^ e.value)) >>> 0 === 0);
      list.sort((a, b) => popcount32(b.mask) - popcount32(a.mask));
      index.push(list);
    }
    decodeIndex = index;
  }
  return decodeIndex[word >>> 24];
}

/** Finds the encoding of a word, or null when the tables do not know it. */
export function decodeEncoding(word: number): Encoding | null {
  const w = word >>> 0;
  for (const e of decodeCandidates(w)) {
    if ((w & e.mask) >>> 0 !== e.value || excluded(e, w)) continue;
    return undefinedReason(e, w) === null ? e : null;
  }
  return null;
}

/** True when a word hits one of an encoding's exclusions. */
export function excluded(e: Encoding, word: number): boolean {
  for (const [m, v] of e.exclusions) if ((word & m) >>> 0 === v) return true;
  return false;
}

/** The encodings and aliases spelled with a mnemonic (upper case), aliases first. */
export function byMnemonic(mnemonic: string): readonly { encoding: Encoding; alias: Alias | null }[] {
  if (!mnemonicIndex) {
    const index = new Map<string, { encoding: Encoding; alias: Alias | null }[]>();
    const add = (m: string, entry: { encoding: Encoding; alias: Alias | null }) => {
      let list = index.get(m);
      if (!list) index.set(m, (list = []));
      list.push(entry);
    };
    for (const e of encodings()) {
      for (const a of e.aliases) add(a.mnemonic, { encoding: e, alias: a });
    }
    for (const e of encodings()) if (e.template) add(e.mnemonic, { encoding: e, alias: null });
    // `mov #imm` tries MOVZ, then MOVN, then ORR (the order LLVM and GNU as choose).
    const mov = index.get('MOV');
    if (mov) {
      const rank = (x: { alias: Alias | null }) =>
        x.alias?.name === 'MOV_MOVZ' ? 0 : x.alias?.name === 'MOV_MOVN' ? 1 : 2;
      mov.sort((a, b) => rank(a) - rank(b));
    }
    mnemonicIndex = index;
  }
  return mnemonicIndex.get(mnemonic) ?? [];
}

// By encoding index, then by spec: an array index instead of a map lookup on the encoding
// object (this runs for every field access of the printer and the interpreter).
const fieldCache: Map<string, Field[]>[] = [];

/** The fields of a spec (`Rd`, `immhi+immlo`), looked up once per encoding and spec. */
function fieldsOf(e: Encoding, spec: string): Field[] {
  let byEncoding = fieldCache[e.index];
  if (!byEncoding) fieldCache[e.index] = byEncoding = new Map();
  let list = byEncoding.get(spec);
  if (!list) {
    list = spec.split('+').map((name) => {
      const f = e.fields.find((x) => x.name === name);
      assert(f, `field ${name} of ${e.name}`);
      return f;
    });
    byEncoding.set(spec, list);
  }
  return list;
}

/** Reads a field (or `a+b` concatenation, high part first) from a word. */
export function getField(e: Encoding, word: number, spec: string): number {
  const list = fieldsOf(e, spec);
  if (list.length === 1) {
    const f = list[0];
    // A shift, not a power, for the mask (fields are narrower than 32 bits).
    return (word >>> f.lo) & (f.width >= 32 ? -1 : (1 << f.width) - 1);
  }
  let out = 0;
  for (const f of list) out = out * 2 ** f.width + ((word >>> f.lo) & ((2 ** f.width - 1) | 0));
  return out;
}

/** Total width in bits of a field spec (`immhi+immlo` is 21). */
export function fieldWidth(e: Encoding, spec: string): number {
  let w = 0;
  for (const f of fieldsOf(e, spec)) w += f.width;
  return w;
}

/** Writes a value into a field spec of a word. */
export function setField(e: Encoding, word: number, spec: string, value: number): number {
  const list = fieldsOf(e, spec);
  let v = value;
  let w = word;
  for (let i = list.length - 1; i >= 0; i--) {
    const f = list[i];
    const m = (2 ** f.width - 1) >>> 0;
    w = ((w & ~(m << f.lo)) | ((v & m) << f.lo)) >>> 0;
    v = Math.floor(v / 2 ** f.width);
  }
  return w >>> 0;
}

/**
 * Operand values the decode pseudocode of the Arm ARM makes UNDEFINED, which the bit patterns in
 * the tables do not exclude (the machine-readable release carries no decode pseudocode). Returns
 * why, or null. Used by the decoder (such words are not instructions), the assembler (such
 * operands are errors) and the interpreter.
 */
export function undefinedReason(e: Encoding, word: number): string | null {
  const group = e.group.slice(e.group.indexOf('/') + 1);
  const sf = hasField(e, 'sf') ? getField(e, word, 'sf') : -1;
  // A group added to this switch goes into UNDEFINED_GROUPS below as well.
  switch (group) {
    case 'addsub_shift':
      if (getField(e, word, 'shift') === 3) return 'ROR is not a shift for add/subtract';
      if (sf === 0 && getField(e, word, 'imm6') > 31) return 'shift amount out of range [0, 31]';
      return null;
    case 'log_shift':
      if (sf === 0 && getField(e, word, 'imm6') > 31) return 'shift amount out of range [0, 31]';
      return null;
    case 'addsub_ext':
      if (getField(e, word, 'imm3') > 4) return 'extend shift out of range [0, 4]';
      return null;
    case 'log_imm': {
      if (sf === 0 && getField(e, word, 'N') === 1) return 'reserved logical immediate';
      const n = getField(e, word, 'N');
      const imms = getField(e, word, 'imms');
      const combined = (n << 6) | (~imms & 0x3f);
      if (combined === 0) return 'reserved logical immediate';
      const len = 31 - Math.clz32(combined);
      if (len < 1 || (imms & ((1 << len) - 1)) === (1 << len) - 1) return 'reserved logical immediate';
      return null;
    }
    case 'bitfield':
      if (sf !== getField(e, word, 'N')) return 'N must equal sf';
      if (sf === 0 && (getField(e, word, 'immr') > 31 || getField(e, word, 'imms') > 31))
        return 'bit position out of range [0, 31]';
      return null;
    case 'extract':
      if (sf !== getField(e, word, 'N')) return 'N must equal sf';
      if (sf === 0 && getField(e, word, 'imms') > 31) return 'lsb out of range [0, 31]';
      return null;
    case 'float2fix':
      if (sf === 0 && getField(e, word, 'scale') < 32) return 'fbits out of range [1, 32]';
      return null;
    case 'asimdshf':
    case 'asisdshf':
      if (getField(e, word, 'immh') === 0) return 'immh = 0 is the modified-immediate group';
      return null;
    case 'ldst_regoff':
      if ((getField(e, word, 'option') & 2) === 0) return 'extend must be UXTW, LSL, SXTW or SXTX';
      return null;
    case 'comswappr':
      if ((getField(e, word, 'Rs') & 1) !== 0 || (getField(e, word, 'Rt') & 1) !== 0)
        return 'register pairs must start at an even register';
      return null;
    case 'movewide':
      if (sf === 0 && getField(e, word, 'hw') > 1) return 'shift out of range for a 32-bit move';
      return null;
    case 'asimdext':
      // Arm ARM C7.2, EXT: the index of an 8-byte vector is 0..7.
      if (getField(e, word, 'Q') === 0 && getField(e, word, 'imm4') > 7) return 'index out of range [0, 7]';
      return null;
    case 'asimdelem':
      // Arm ARM C7.2, FCMLA (by element): a 64-bit vector holds two half-precision pairs and no
      // single-precision form; single-precision pairs are indexed by H alone.
      if (e.mnemonic === 'FCMLA') {
        const q = getField(e, word, 'Q');
        const size = getField(e, word, 'size');
        if (size === 1 && q === 0 && getField(e, word, 'H') === 1) return 'index out of range [0, 1]';
        if (size === 2 && (q === 0 || getField(e, word, 'L') === 1)) return 'reserved FCMLA element';
      }
      return null;
    default:
      return null;
  }
}

/**
 * The groups `undefinedReason` checks (keep in step with its switch; `test/fast-path.test.ts`
 * checks that random words of every other group have no reason).
 */
const UNDEFINED_GROUPS: ReadonlySet<string> = new Set([
  'addsub_shift',
  'log_shift',
  'addsub_ext',
  'log_imm',
  'bitfield',
  'extract',
  'float2fix',
  'asimdshf',
  'asisdshf',
  'ldst_regoff',
  'comswappr',
  'movewide',
  'asimdext',
  'asimdelem',
]);

/** False when `undefinedReason` is null for every word of the encoding (its group has no rule). */
export function mayBeUndefined(e: Encoding): boolean {
  return UNDEFINED_GROUPS.has(e.group.slice(e.group.indexOf('/') + 1));
}

/** Covered encodings of one instruction group. */
export interface GroupCoverage {
  /** Group path, e.g. `dpimm/addsub_imm`. */
  group: string;
  /** Encodings in the specification. */
  total: number;
  /** Encodings with a resolved template (assembled, disassembled and checked against LLVM). */
  covered: number;
}

/**
 * Encodings covered per top-level group (`dpimm`, `dpreg`, `control`, `ldst`, `simd_dp`).
 *
 * @example
 * ```ts
 * coverage().find((g) => g.group === 'dpimm')?.total; // encodings in the group
 * ```
 */
export function coverage(): GroupCoverage[] {
  const byTop = new Map<string, GroupCoverage>();
  for (const e of encodings()) {
    const top = e.group.slice(0, e.group.indexOf('/'));
    let g = byTop.get(top);
    if (!g) byTop.set(top, (g = { group: top, total: 0, covered: 0 }));
    g.total++;
    if (e.template) g.covered++;
  }
  return [...byTop.values()];
}

/** True when an encoding has a field of that name. */
export function hasField(e: Encoding, name: string): boolean {
  for (const f of e.fields) if (f.name === name) return true;
  return false;
}
