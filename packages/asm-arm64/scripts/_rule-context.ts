/**
 * The context of operand resolution for `generate.ts`: the spec's assembly rules, the leaf being
 * resolved, and the helpers that find an operand's field (register fields, the free immediate
 * field, access sizes).
 */
// biome-ignore lint/suspicious/noExplicitAny: the spec is a large untyped JSON tree
export type Json = any;

/** The spec's `assembly_rules`, set once by `generate.ts` before any resolution. */
export let rules: Record<string, Json> = {};

/** Sets the assembly rules every resolution reads. */
export function useRules(r: Record<string, Json>): void {
  rules = r;
}

export interface FieldInfo {
  lo: number;
  width: number;
}

export interface Leaf {
  name: string;
  group: string;
  top: string;
  mask: number;
  value: number;
  fields: Map<string, FieldInfo>;
  feature: string;
  exclusions: [number, number][];
  node: Json;
}

/** A template part: a literal token, an operand, an optional group or a choice. */
export type Part = string | Part[];

export class Unresolved extends Error {}

export interface Ctx {
  leaf: Leaf;
  used: Set<string>;
  mnemonic: string;
  /** Class of the first register operand (`x`, `w`, `q`...), which sets the access size. */
  firstClass: string;
  /** A `<V>` size choice waiting for its register number (`<V><d>`). */
  pendingScalar: string;
}

export const base = (id: string): string => id.replace(/__\d+$/, '');

export function renderLiteral(symbols: Json[] | null | undefined): string | null {
  // Renders a rule tree made only of literals and tokens to text; null if it has operands.
  let out = '';
  for (const s of symbols ?? []) {
    if (s._type === 'Instruction.Symbols.Literal') out += s.value;
    else {
      const r = rules[s.rule_id];
      if (!r) return null;
      if (s.rule_id === 'hash') out += '#';
      else if (s.rule_id === 'OPT_SPACE' || s.rule_id === 'SPACE') out += ' ';
      else if (s.rule_id === 'COMMA') out += ', ';
      else if (r._type === 'Instruction.Rules.Rule') {
        const inner = renderLiteral(r.symbols?.symbols);
        if (inner === null) return null;
        out += inner;
      } else return null;
    }
  }
  return out;
}

export function field(ctx: Ctx, name: string): FieldInfo {
  const f = ctx.leaf.fields.get(name);
  if (!f) throw new Unresolved(`no field ${name}`);
  return f;
}

export const REG_FIELD: Record<string, string> = {
  d: 'Rd',
  n: 'Rn',
  m: 'Rm',
  t: 'Rt',
  t1: 'Rt',
  t2: 'Rt2',
  s: 'Rs',
  a: 'Ra',
};

/** Variable fields not yet used by an operand, for plain immediates. */
export function freeImmFields(ctx: Ctx): string[] {
  const out: string[] = [];
  for (const [name, f] of ctx.leaf.fields) {
    if (ctx.used.has(name)) continue;
    let fixed = true;
    for (let i = 0; i < f.width; i++) if (((ctx.leaf.mask >>> (f.lo + i)) & 1) === 0) fixed = false;
    if (fixed) continue;
    if (/^R[a-z]\d?$/.test(name)) continue;
    out.push(name);
  }
  return out;
}

export function accessSize(ctx: Ctx, regClass: string): number {
  const m = ctx.mnemonic;
  if (/^(LDR|STR|LDUR|STUR|LDTR|STTR|LDAPUR|STLUR)S?B$/.test(m) || /^(LD|ST)[A-Z]*B$/.test(m)) return 1;
  if (/^(LDR|STR|LDUR|STUR|LDTR|STTR|LDAPUR|STLUR)S?H$/.test(m) || /^(LD|ST)[A-Z]*H$/.test(m)) return 2;
  if (/SW$/.test(m)) return 4;
  if (/^PRF/.test(m)) return 8;
  const sizes: Record<string, number> = { w: 4, x: 8, b: 1, h: 2, s: 4, d: 8, q: 16 };
  return sizes[regClass] ?? 0;
}

export function firstRegClass(parts: Part[]): string {
  for (const p of parts) {
    if (typeof p === 'string' && /^%[RV]:/.test(p)) return p.split(':')[2];
    if (Array.isArray(p)) {
      const c = firstRegClass(p);
      if (c) return c;
    }
  }
  return '';
}

export const IMM_FIELD_PREFERENCE = [
  'imm12',
  'imm9',
  'imm7',
  'imm6',
  'imm16',
  'imm5',
  'imm4',
  'imm3',
  'imm8',
  'imm2',
  'imm',
  'uimm6',
  'uimm4',
];

/** Resolves a plain immediate: the one remaining immediate-like field of the encoding. */
export function plainImm(ctx: Ctx, signed: boolean, scaled: boolean, parts: Part[]): string {
  const free = freeImmFields(ctx);
  let pick = '';
  for (const p of IMM_FIELD_PREFERENCE)
    if (free.includes(p)) {
      pick = p;
      break;
    }
  if (!pick && free.length === 1) pick = free[0];
  if (!pick) throw new Unresolved(`imm: free fields ${free.join(',')}`);
  ctx.used.add(pick);
  if (ctx.mnemonic === 'FMOV' && pick === 'imm8') return '%FP:imm8'; // VFPExpandImm
  let scale = 1;
  if (scaled) {
    scale = accessSize(ctx, ctx.firstClass || firstRegClass(parts));
    if (!scale) throw new Unresolved('imm scale');
  }
  return `%I:${pick}:${signed ? 's' : 'u'}:${scale}`;
}

export function tokenizeLiteral(text: string): Part[] {
  const fixed = /^\s*#(\d+\.\d+)\s*$/.exec(text);
  if (fixed) return [`#${fixed[1]}`]; // `#0.0` of the compare-with-zero forms
  return text
    .split(/(\s+|,|\[|\]|!|#|\.)/)
    .filter((t) => t && !/^\s+$/.test(t))
    .map((t) => t.toUpperCase());
}
