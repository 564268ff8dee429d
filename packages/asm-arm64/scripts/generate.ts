/**
 * Generates `src/generated/a64.ts` from Arm's machine-readable A64 specification (AARCHMRS,
 * BSD-3-Clause).
 *
 * Usage (from the package folder):
 *
 *   node --import tsx scripts/generate.ts <path to Instructions.json or Instructions.json.xz>
 *
 * The spec gives, for every encoding, its fixed bits (nested encodesets from the instruction set
 * down to the leaf), its named fields, its assembly syntax as a tree of rules, its aliases with
 * their conditions over the fields, and the architecture feature that gates it. The release has
 * no "encoded in" links from operands to fields, so this script resolves each operand rule to an
 * operand kind and a field by the spec's own naming (`<Xd>` lives in `Rd`, `shift_01_LSR` sets
 * the shift field to `01`, `imm19_offset` is a PC-relative label in `imm19`). An encoding whose
 * every operand resolves is emitted with a template; the others are emitted without one, so the
 * decoder still knows them and the README counts them as not covered.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { template } from './_operand-rules';
import { base, type FieldInfo, type Json, type Leaf, type Part, Unresolved, useRules } from './_rule-context';

const specPath = process.argv[2];
if (!specPath) {
  console.error('usage: generate.ts <Instructions.json[.xz]>');
  process.exit(2);
}
const text = specPath.endsWith('.xz')
  ? spawnSync('xz', ['-dc', specPath], { maxBuffer: 1 << 30, encoding: 'utf8' }).stdout
  : readFileSync(specPath, 'utf8');
const spec: Json = JSON.parse(text);
const rules: Record<string, Json> = spec.assembly_rules;
useRules(rules);
const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'src', 'generated');

/** Top-level groups the tables carry (SVE and SME are outside this package's scope). */
const TOP_GROUPS = ['dpimm', 'dpreg', 'control', 'ldst', 'simd_dp', 'reserved'];

function applyEncodeset(enc: Json, mask: { m: number; v: number }, fields: Map<string, FieldInfo>): void {
  if (!enc) return;
  for (const item of enc.values) {
    const lo: number = item.range.start;
    const width: number = item.range.width;
    const bits: string = item.value.value.replace(/'/g, '');
    if (item._type === 'Instruction.Encodeset.Field') {
      // A deeper level refines the bits: forget ancestor fields that overlap this one.
      for (const [n, f] of fields) if (f.lo < lo + width && lo < f.lo + f.width) fields.delete(n);
      fields.set(item.name, { lo, width });
    }
    for (let i = 0; i < width; i++) {
      const ch = bits[width - 1 - i];
      if (ch === '0' || ch === '1') {
        mask.m |= 1 << (lo + i);
        if (ch === '1') mask.v |= 1 << (lo + i);
      }
    }
  }
}

function featuresOf(ast: Json, out: string[]): void {
  if (!ast || typeof ast !== 'object') return;
  if (ast._type === 'AST.Function' && ast.name === 'IsFeatureImplemented') {
    for (const a of ast.arguments ?? []) if (a.value) out.push(String(a.value).replace(/^FEAT_/, ''));
  }
  for (const v of Object.values(ast)) {
    if (Array.isArray(v)) for (const x of v) featuresOf(x, out);
    else if (v && typeof v === 'object') featuresOf(v, out);
  }
}

/**
 * Folds a level's condition into the encoding: `field == 'bits'` conjuncts fix bits, and
 * `field != 'bits'` conjuncts become exclusions (a word matching one is not this encoding).
 */
function applyCondition(
  ast: Json,
  fields: Map<string, FieldInfo>,
  m: { m: number; v: number },
  excl: [number, number][],
): void {
  if (ast?._type !== 'AST.BinaryOp') return;
  if (ast.op === '&&') {
    applyCondition(ast.left, fields, m, excl);
    applyCondition(ast.right, fields, m, excl);
    return;
  }
  if (ast.op === 'IN' && ast.right._type === 'AST.Set' && ast.right.values.length === 1) {
    applyCondition(
      { _type: 'AST.BinaryOp', op: '==', left: ast.left, right: ast.right.values[0] },
      fields,
      m,
      excl,
    );
    return;
  }
  if (
    (ast.op === '==' || ast.op === '!=') &&
    ast.left._type === 'AST.Identifier' &&
    ast.right._type === 'Values.Value'
  ) {
    const f = fields.get(ast.left.value);
    const bits = String(ast.right.value).replace(/'/g, '');
    if (!f || bits.length !== f.width) return;
    let mask = 0;
    let value = 0;
    for (let i = 0; i < f.width; i++) {
      const ch = bits[f.width - 1 - i];
      if (ch === 'x') continue;
      mask |= 1 << (f.lo + i);
      if (ch === '1') value |= 1 << (f.lo + i);
    }
    if (ast.op === '==') {
      m.m |= mask;
      m.v = (m.v & ~mask) | value;
    } else excl.push([mask >>> 0, value >>> 0]);
  }
}

/**
 * Field values the decode pseudocode requires (`if size != '10' then UNDEFINED`), which the
 * encodesets of this release leave variable. Arm ARM C7.2 SDOT (vector), UDOT (vector).
 */
const DECODE_FIXED: Record<string, Record<string, string>> = {
  SDOT_asimdsame2_D: { size: '10' },
  UDOT_asimdsame2_D: { size: '10' },
  SDOT_asimdelem_D: { size: '10' },
  UDOT_asimdelem_D: { size: '10' },
};

const leaves: Leaf[] = [];
function walk(
  node: Json,
  top: string,
  m: { m: number; v: number },
  fields: Map<string, FieldInfo>,
  feats: string[],
  excl: [number, number][],
): void {
  const mm = { m: m.m, v: m.v };
  const ff = new Map(fields);
  applyEncodeset(node.encoding, mm, ff);
  const f2 = [...feats];
  featuresOf(node.condition, f2);
  const ex = [...excl];
  applyCondition(node.condition, ff, mm, ex);
  if (node._type === 'Instruction.Instruction') {
    for (const [name, bits] of Object.entries(DECODE_FIXED[node.name] ?? {})) {
      const f = ff.get(name);
      if (!f) continue;
      for (let i = 0; i < f.width; i++) {
        mm.m |= 1 << (f.lo + i);
        if (bits[f.width - 1 - i] === '1') mm.v |= 1 << (f.lo + i);
        else mm.v &= ~(1 << (f.lo + i));
      }
    }
    leaves.push({
      name: node.name,
      group: '',
      top,
      mask: mm.m >>> 0,
      value: mm.v >>> 0,
      fields: ff,
      feature: [...new Set(f2)].join('+'),
      exclusions: ex,
      node,
    });
    return;
  }
  for (const c of node.children ?? []) {
    if (c._type === 'Instruction.InstructionAlias') continue;
    const before = leaves.length;
    walk(c, top, mm, ff, f2, ex);
    if (node._type === 'Instruction.InstructionGroup') {
      for (let i = before; i < leaves.length; i++) if (!leaves[i].group) leaves[i].group = node.name;
    }
  }
}
const root = spec.instructions[0];
for (const top of root.children) {
  if (!TOP_GROUPS.includes(top.name)) continue;
  walk(top, top.name, { m: 0, v: 0 }, new Map(), [], []);
}

// ---------------------------------------------------------------------------------------------
// Alias conditions: compiled to a small prefix form the runtime evaluates.

type Cond = (string | number | Cond)[] | string | number | boolean;

function compileAst(a: Json): Cond {
  switch (a._type) {
    case 'AST.Bool':
      return a.value;
    case 'AST.Identifier':
      return a.value;
    case 'AST.Integer':
      return ['int', a.value];
    case 'Values.Value':
      return ['bits', String(a.value).replace(/'/g, '')];
    case 'AST.BinaryOp':
      return [a.op, compileAst(a.left), compileAst(a.right)];
    case 'AST.UnaryOp':
      return [a.op, compileAst(a.expr)];
    case 'AST.Set':
      return ['set', ...a.values.map(compileAst)];
    case 'AST.Function':
      return ['call', a.name, ...(a.arguments ?? []).map(compileAst)];
    case 'AST.Concat':
      return ['concat', ...a.values.map(compileAst)];
    case 'AST.SquareOp':
      return [
        'slice',
        compileAst(a.var),
        ...(a.arguments ?? []).map((x: Json) =>
          x._type === 'AST.Slice' ? ['range', compileAst(x.left), compileAst(x.right)] : compileAst(x),
        ),
      ];
    default:
      throw new Unresolved(`ast ${a._type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Emit

interface Row {
  name: string;
  group: string;
  top: string;
  mask: number;
  value: number;
  fields: string;
  feature: string;
  mnemonic: string;
  parts: Part[] | null;
  reason?: string;
  exclusions: [number, number][];
  aliases: { name: string; mnemonic: string; parts: Part[] | null; cond: Cond; preferred: Cond }[];
}

const rows: Row[] = [];
const unresolved = new Map<string, number>();
for (const leaf of leaves) {
  const fields = [...leaf.fields.entries()].map(([n, f]) => `${n}:${f.lo}:${f.width}`).join(',');
  const t = template(leaf, leaf.node.assembly.symbols);
  const row: Row = {
    name: leaf.name,
    group: leaf.group,
    top: leaf.top,
    mask: leaf.mask,
    value: leaf.value,
    fields,
    feature: leaf.feature,
    mnemonic: typeof t === 'string' ? '' : t.mnemonic,
    parts: typeof t === 'string' ? null : t.parts,
    exclusions: leaf.exclusions,
    aliases: [],
  };
  if (typeof t === 'string') {
    row.reason = t;
    if (process.env.GEN_DEBUG && leaf.name.includes(process.env.GEN_DEBUG)) console.log(leaf.name, t);
    const key = t.replace(/\d+/g, 'N');
    unresolved.set(key, (unresolved.get(key) ?? 0) + 1);
  }
  for (const c of leaf.node.children ?? []) {
    if (c._type !== 'Instruction.InstructionAlias') continue;
    const at = template(leaf, c.assembly.symbols);
    const first = c.assembly.symbols[0];
    const aliasMnemonic =
      first._type === 'Instruction.Symbols.Literal'
        ? String(first.value).replace(/\..*$/, '').toUpperCase()
        : '';
    try {
      row.aliases.push({
        name: c.operation_id,
        mnemonic: typeof at === 'string' ? aliasMnemonic : at.mnemonic,
        parts: typeof at === 'string' ? null : at.parts,
        cond: compileAst(c.condition),
        preferred: c.preferred ? compileAst(c.preferred) : true,
      });
    } catch (e) {
      if (!(e instanceof Unresolved)) throw e;
    }
  }
  rows.push(row);
}

const groups = [...new Set(rows.map((r) => `${r.top}/${r.group}`))];
const lines: string[] = [];
lines.push('// Generated by scripts/generate.ts from Arm AARCHMRS (A-profile');
lines.push(
  `// ${spec._meta.version.architecture}, build ${spec._meta.version.build}, schema ${spec._meta.version.schema}). Do not edit.`,
);
lines.push(
  '// Copyright (c) 2010-2024 Arm Limited or its affiliates; BSD-3-Clause, see LICENSE-ARM beside this file.',
);
lines.push('');
lines.push('/** Instruction groups, `top/leaf`, indexed by the group number of each row. */');
lines.push(`export const GROUPS: readonly string[] = ${JSON.stringify(groups)};`);
lines.push('');
lines.push('/**');
lines.push(' * One row per encoding: [name, group index, mask, value, fields, feature, mnemonic, template,');
lines.push(
  ' * aliases, exclusions]. A template of `null` marks an encoding whose operands are not resolved.',
);
lines.push(' */');
lines.push('export const ENCODINGS: readonly RawEncoding[] = [');
for (const r of rows) {
  const aliases = r.aliases.map((a) => [a.name, a.mnemonic, a.parts, a.cond, a.preferred]);
  lines.push(
    `${JSON.stringify([r.name, groups.indexOf(`${r.top}/${r.group}`), r.mask >>> 0, r.value >>> 0, r.fields, r.feature, r.mnemonic, r.parts, aliases, r.exclusions])},`,
  );
}
lines.push('];');
lines.push('');
lines.push(
  '/** A template part: a literal token, an operand (`%kind:...`), or an optional (`?`) or choice (`|`) group. */',
);
lines.push('export type RawPart = string | readonly RawPart[];');
lines.push('/** A compiled alias condition in prefix form. */');
lines.push('export type RawCond = string | number | boolean | readonly RawCond[];');
lines.push('/** A table row as generated. */');
lines.push(
  'export type RawEncoding = readonly [name: string, group: number, mask: number, value: number, fields: string, feature: string, mnemonic: string, template: readonly RawPart[] | null, aliases: readonly (readonly [name: string, mnemonic: string, template: readonly RawPart[] | null, condition: RawCond, preferred: RawCond])[], exclusions: readonly (readonly [mask: number, value: number])[]];',
);
// The named operations of AT, DC, IC and TLBI: the SYS aliases' operand rules carry their field
// values in their names (`tlbi_op_000_1000_0111_001_VAE1` is op1 000, CRn 1000, CRm 0111, op2 001).
const sysOperations: [string, string, number, number, number, number][] = [];
for (const [id, rule] of Object.entries(rules)) {
  const m = /^(at|dc|ic|tlbi)_op_option$/.exec(id);
  if (!m || rule._type !== 'Instruction.Rules.Choice') continue;
  const kind = m[1].toUpperCase();
  for (const c of rule.choices) {
    const cid: string = c.symbols[0].rule_id;
    const bits = base(cid)
      .slice(m[1].length + 4)
      .split('_');
    const name = bits.pop() as string;
    const n = bits.map((b) => Number.parseInt(b, 2));
    // AT names only CRm<0> (CRm is 100x); DC and IC have CRn 0111; TLBI gives all four.
    const [op1, crn, crm, op2] =
      kind === 'TLBI' ? n : kind === 'AT' ? [n[0], 7, 8 | n[1], n[2]] : [n[0], 7, n[1], n[2]];
    sysOperations.push([kind, name.toLowerCase(), op1, crn, crm, op2]);
  }
}
lines.push('');
lines.push(
  '/** Named operations of the AT, DC, IC and TLBI aliases of SYS: [kind, name, op1, CRn, CRm, op2]. */',
);
lines.push(
  `export const SYS_OPERATIONS: readonly (readonly [kind: 'AT' | 'DC' | 'IC' | 'TLBI', name: string, op1: number, crn: number, crm: number, op2: number])[] = ${JSON.stringify(sysOperations)};`,
);
writeFileSync(join(outDir, 'a64.ts'), `${lines.join('\n')}\n`);

const resolvedCount = rows.filter((r) => r.parts).length;
console.log(
  `encodings: ${rows.length}, with templates: ${resolvedCount}, SYS operations: ${sysOperations.length}`,
);
const sorted = [...unresolved.entries()].sort((a, b) => b[1] - a[1]);
for (const [k, v] of sorted.slice(0, 40)) console.log(`  unresolved ${v}: ${k}`);
