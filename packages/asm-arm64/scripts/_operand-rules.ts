/**
 * Operand resolution for `generate.ts`: each assembly rule of an encoding's syntax resolved to a
 * template part (`%R:Rd:x:zr`, `%E:size+Q:0:8B=000;...`) by the specification's own naming, and
 * the whole syntax to a template (`template`), or the reason it could not be.
 */
import {
  base,
  type Ctx,
  type FieldInfo,
  field,
  firstRegClass,
  type Json,
  type Leaf,
  type Part,
  plainImm,
  REG_FIELD,
  renderLiteral,
  rules,
  tokenizeLiteral,
  Unresolved,
} from './_rule-context';

/**
 * Rules of this release that lost the bit values in their choice names (USHLL's `Ta_option_new`
 * lists `Ta_8H` where SSHLL's `Ta_option` lists `Ta_0001_8H`), resolved through the rule of the
 * same text that keeps them. `sameText` checks the two render alike before one stands for the other.
 */
export const RULE_SYNONYMS: Record<string, string> = {
  Ta_option_new: 'Ta_option',
  Tb_option_new: 'Tb_option',
  immh_shift__new: 'immh_shift__8',
  Tb_option__Q1bit: 'T_option__8', // FCVTXN{2}'s 2S/4S by Q
};

export function choiceTexts(id: string): string {
  const r = rules[id];
  return JSON.stringify(
    r?.choices?.map((c: Json) => (c ? renderLiteral(rules[c.symbols[0].rule_id]?.symbols?.symbols) : '')) ??
      r?.display,
  );
}

export function resolveRule(ctx: Ctx, id: string, parts: Part[]): Part[] {
  const synonym = RULE_SYNONYMS[id];
  if (synonym) {
    if (choiceTexts(synonym) !== choiceTexts(id)) throw new Unresolved(`synonym ${id} differs`);
    return resolveRule(ctx, synonym, parts);
  }
  const r = rules[id];
  const b = base(id);
  if (!r) throw new Unresolved(`missing rule ${id}`);
  if (id === 'hash') return ['#'];
  if (id === 'COMMA') return [','];
  if (id === 'SPACE' || id === 'OPT_SPACE') return [];
  const display: string | null = r.display ?? null;

  // General-purpose registers.
  let m = /^([WX])([a-z]\d?)Or[WX]ZR$/.exec(b) ?? /^([WX])([a-z]\d?)$/.exec(b);
  if (m && (display || b.length <= 3)) {
    const f = REG_FIELD[m[2]];
    if (!f) throw new Unresolved(`reg ${b}`);
    field(ctx, f);
    ctx.used.add(f);
    return [`%R:${f}:${m[1].toLowerCase()}:zr`];
  }
  m = /^([WX])([a-z]\d?)(W?SP)_option$/.exec(b);
  if (m) {
    const f = REG_FIELD[m[2]];
    if (!f) throw new Unresolved(`reg ${b}`);
    field(ctx, f);
    ctx.used.add(f);
    return [`%R:${f}:${m[1].toLowerCase()}:sp`];
  }
  if (b === 'R_option' && ctx.leaf.fields.has('b5')) return []; // folded into the next operand
  if (b === 'R_option' && ctx.leaf.fields.has('option')) return []; // the class follows option<1:0>
  // DUP/INS from a general register: X for 64-bit elements (imm5 = x1000), else W.
  if (b === 'R_option' && ctx.leaf.fields.has('imm5')) return [];
  if (b === 'Rn_option' && ctx.leaf.fields.has('imm5')) {
    ctx.used.add('Rn');
    return ['%R:Rn:imm5:zr'];
  }
  if (b === 'Rm_option' && ctx.leaf.fields.has('option')) {
    ctx.used.add('Rm');
    return ['%R:Rm:opt:zr'];
  }
  if (b === 'Rt_option' && ctx.leaf.fields.has('b5')) {
    ctx.used.add('Rt');
    return ['%R:Rt:b5:zr'];
  }
  m = /^([WX])([st])Plus1$/.exec(b);
  if (m) return [`%R+:${REG_FIELD[m[2]]}:${m[1].toLowerCase()}`];
  // Scalar FP/SIMD registers named by their size letter.
  m = /^(?:fpfar_)?([bhsdqBHSDQ])([dntmas]\d?)$/.exec(b);
  if (m && display && /^<[BHSDQ][a-z]\d?>$/.test(display)) {
    const f = REG_FIELD[m[2]];
    if (!f) throw new Unresolved(`vreg ${b}`);
    field(ctx, f);
    ctx.used.add(f);
    return [`%V:${f}:${m[1].toLowerCase()}`];
  }
  // PC-relative labels.
  if (b === 'imm26_offset' || b === 'imm19_offset' || b === 'imm14_offset') {
    const f = b.split('_')[0];
    field(ctx, f);
    ctx.used.add(f);
    return [`%L:${f}:4`];
  }
  if (b === 'immhiimmlo_offset') {
    ctx.used.add('immhi');
    ctx.used.add('immlo');
    return [ctx.mnemonic === 'ADRP' ? '%L:immhi+immlo:4096' : '%L:immhi+immlo:1'];
  }
  if (b === 'cond_option') {
    field(ctx, 'cond');
    ctx.used.add('cond');
    return [display === '<invcond>' ? '%C!:cond' : '%C:cond'];
  }
  if (b === 'immr_imms' || b === 'N_immr_imms') {
    ctx.used.add('immr');
    ctx.used.add('imms');
    if (b === 'N_immr_imms') ctx.used.add('N');
    return [b === 'N_immr_imms' ? '%M:64' : '%M:32'];
  }
  if (b === 'b40_b5') {
    ctx.used.add('b40');
    ctx.used.add('b5');
    return ['%I:b5+b40:u:1'];
  }
  if (b === 'CRm_op2') {
    ctx.used.add('CRm');
    ctx.used.add('op2');
    return ['%I:CRm+op2:u:1'];
  }
  if (b === 'Cn' || b === 'Cm') {
    const f = b === 'Cn' ? 'CRn' : 'CRm';
    field(ctx, f);
    ctx.used.add(f);
    return [`%CR:${f}`];
  }
  if ((b === 'op1' || b === 'op2') && display) {
    field(ctx, b);
    ctx.used.add(b);
    return [`%I:${b}:u:1`];
  }
  // Move-wide shift: LSL #(16 * hw).
  if (b === 'shift' && display === '<shift>' && ctx.leaf.fields.has('hw')) {
    ctx.used.add('hw');
    return ['%I:hw:u:16'];
  }
  // RMIF's rotate amount (Arm ARM C6.2, RMIF): imm6.
  if (b === 'shift' && display === '<shift>' && ctx.mnemonic === 'RMIF') {
    ctx.used.add('imm6');
    return ['%I:imm6:u:1'];
  }
  // Shifted-register amount.
  if (b === 'amount' && display === '<amount>' && ctx.leaf.fields.has('imm6') && !ctx.used.has('imm6')) {
    ctx.used.add('imm6');
    return ['%I:imm6:u:1'];
  }
  if (b === 'amount' && display === '<amount>' && ctx.leaf.fields.has('imm3') && !ctx.used.has('imm3')) {
    ctx.used.add('imm3');
    return ['%I:imm3:u:1'];
  }
  if (b === 'lsb' || b === 'immr' || b === 'imms' || b === 'width') {
    const f =
      b === 'lsb'
        ? ctx.leaf.fields.has('imms') && ctx.mnemonic === 'EXTR'
          ? 'imms'
          : 'immr'
        : b === 'width'
          ? 'imms'
          : b;
    field(ctx, f);
    ctx.used.add(f);
    return [`%I:${f}:u:1`];
  }
  if (b === 'nzcv') {
    ctx.used.add('nzcv');
    return ['%I:nzcv:u:1'];
  }
  if (b === 'imm9_offset' && ctx.leaf.fields.has('imm9')) {
    ctx.used.add('imm9');
    return ['%I:imm9:s:1'];
  }
  if (b === 'S_imm9' && ctx.leaf.fields.has('S')) {
    ctx.used.add('S');
    ctx.used.add('imm9');
    return ['%I:S+imm9:s:8'];
  }
  if (b === 'simm' || b === 'S_imm9') {
    // Signed immediates: pair offsets are scaled by the access size, imm9 offsets are not.
    return [plainImm(ctx, true, ctx.leaf.fields.has('imm7') || ctx.leaf.fields.has('imm10'), parts)];
  }
  if (b === 'pimm') return [plainImm(ctx, false, true, parts)];
  if (b === 'imm' && ctx.leaf.fields.has('imm7')) return [plainImm(ctx, true, true, parts)];
  if (
    [
      'imm',
      'uimm',
      'uimm6',
      'uimm4',
      'hw_imm16',
      'option',
      'msr_imm',
      'Rt_imm5',
      'RtSoption_imm6',
      'mask',
      'cbr_uimm',
    ].includes(b) &&
    r._type === 'Instruction.Rules.Rule'
  ) {
    if (b === 'uimm6' && ctx.leaf.fields.has('uimm6')) {
      ctx.used.add('uimm6');
      return ['%I:uimm6:u:16'];
    }
    return [plainImm(ctx, false, false, parts)];
  }
  // Registers after the first of a list (`{<Vt>.<T>, <Vt2>.<T>}`): Vt plus one, two, three.
  m = /^Vt([234])$/.exec(b);
  if (m && display) {
    field(ctx, 'Rt');
    return [`%VV+:Rt:${Number(m[1]) - 1}`];
  }
  // By-element forms: Vm and the index share H:L:M by element size (Arm ARM C7.2, "by element").
  if ((b === 'Vm_option' || b === 'M_Rm') && ctx.leaf.fields.has('M') && ctx.leaf.fields.has('H')) {
    ctx.used.add('Rm');
    ctx.used.add('M');
    return [ctx.mnemonic === 'FCMLA' ? '%ELVM:s' : '%ELVM'];
  }
  // FCMLA by element indexes complex pairs: H:L for halves, H for singles (Arm ARM C7.2, FCMLA).
  if (b === 'index_option' && ctx.mnemonic === 'FCMLA' && ctx.leaf.fields.has('H')) {
    ctx.used.add('H');
    ctx.used.add('L');
    return ['%ELIDX:c'];
  }
  if (
    (b === 'index_option' || b === 'index') &&
    display === '<index>' &&
    ctx.leaf.fields.has('H') &&
    ctx.leaf.fields.has('M')
  ) {
    ctx.used.add('H');
    ctx.used.add('L');
    return ['%ELIDX'];
  }
  // Element index in imm5 above the size marker (DUP, INS, SMOV, UMOV).
  if (/^imm5_index$/.test(b) && ctx.leaf.fields.has('imm5'))
    return [display === '<index2>' ? '%IDX4' : '%IDX5'];
  // Shift amounts in immh:immb, relative to the element size the arrangement set.
  if (/^immh_shift$/.test(b) && ctx.leaf.fields.has('immh') && ctx.leaf.fields.has('immb')) {
    ctx.used.add('immb');
    const left = /^(SHL|SQSHL|UQSHL|SQSHLU|SLI|SSHLL|USHLL)$/.test(ctx.mnemonic);
    return [left ? '%SHL' : '%SHR'];
  }
  // Fixed-point fraction bits: fbits = 64 - scale.
  if (b === 'fbits' && ctx.leaf.fields.has('scale')) {
    ctx.used.add('scale');
    return ['%FBITS'];
  }
  // A scalar register whose size is fixed by the encoding (`ADD D<d>, D<n>, D<m>`): the letter
  // arrived as a literal just before the number.
  if (/^[dnma]$/.test(b) && display && !ctx.pendingScalar) {
    const last = parts[parts.length - 1];
    if (typeof last === 'string' && /^[BHSDQ]$/.test(last)) {
      const f = REG_FIELD[b];
      field(ctx, f);
      ctx.used.add(f);
      parts.pop();
      return [`%V:${f}:${last.toLowerCase()}`];
    }
  }
  // Single-structure loads and stores: the lane index is Q:S:size, as wide as the element allows
  // (B: Q:S:size, H: Q:S:size<1>, S: Q:S, D: Q; Arm ARM C7.2, LD1 (single structure)).
  if (b === 'index' && display === '<index>' && /^asisdlsop?$/.test(ctx.leaf.group)) {
    const m = /_asisdlsop?_([BHSD])X?\d/.exec(ctx.leaf.name);
    if (!m) throw new Unresolved(`lane ${ctx.leaf.name}`);
    for (const f of ['Q', 'S', 'size']) if (ctx.leaf.fields.has(f)) ctx.used.add(f);
    return [`%LANE:${m[1].toLowerCase()}`];
  }
  // Advanced SIMD modified immediates (Arm ARM C7.2, MOVI): imm8 = a:b:c:d:e:f:g:h.
  if (b === 'a_b_c_d_e_f_g_h' || b === 'a_b_c_d_e_f_g_h__2' || b === 'a_b_c_d_e_f_g_h__3') {
    for (const f of 'abcdefgh') ctx.used.add(f);
    if (id === 'a_b_c_d_e_f_g_h__2') return ['%FP:a+b+c+d+e+f+g+h']; // VFPExpandImm
    if (id === 'a_b_c_d_e_f_g_h__3') return ['%BYTEMASK']; // each bit of imm8 is a byte of 0x00/0xff
    return ['%I:a+b+c+d+e+f+g+h:u:1'];
  }
  // Scalar shifts whose element is fixed at D (`SSHR D<d>, D<n>, #<shift>`): immh:immb as usual.
  if (display === '<shift>' && /UIntimmhimmb/.test(b) && ctx.leaf.fields.has('immh')) {
    ctx.used.add('immb');
    return [/^(SHL|SLI)$/.test(ctx.mnemonic) ? '%SHL' : '%SHR'];
  }
  // `<V>` fixed to one letter (`FMAXNMV H<d>, <Vn>.<T>`): the literal the scalar register follows.
  if (b === 'V_hv') return ['H'];
  // A plain immediate named by its field (`XAR ..., #<imm6>`, `SM3TT1A ..., <Vm>.S[<imm2>]`,
  // `EXT ..., #<index>` in imm4).
  m = /^<(imm\d)>$/.exec(display ?? '');
  if (m && ctx.leaf.fields.has(m[1]) && !ctx.used.has(m[1])) {
    ctx.used.add(m[1]);
    // An element index (`<Vm>.S[<imm2>]`) is written without `#`.
    return [parts[parts.length - 1] === '[' ? `%N:${m[1]}` : `%I:${m[1]}:u:1`];
  }
  if (b === 'imm420' && ctx.leaf.fields.has('imm4')) {
    ctx.used.add('imm4');
    return ['%I:imm4:u:1'];
  }
  // UMOV's `.D[<index>]`: the index sits in imm5 above the size marker.
  if (b === 'index' && display === '<index>' && ctx.leaf.fields.has('imm5') && ctx.mnemonic === 'UMOV')
    return ['%IDX5'];
  // A by-element index over H:L with a fixed 4B/2H element (`SUDOT ..., <Vm>.4B[<index>]`).
  if ((b === 'H_L' || b === 'H_L__2') && display === '<index>' && ctx.leaf.fields.has('M')) {
    ctx.used.add('H');
    ctx.used.add('L');
    return ['%ELIDX'];
  }
  // The registers after the first of a table list (`{<Vn>.16B, <Vn+1>.16B}`).
  m = /^VnPlus([123])$/.exec(b);
  if (m && display && ctx.leaf.fields.has('Rn')) return [`%VV+:Rn:${m[1]}`];
  // Advanced SIMD vector registers (`<Vd>` before `.<T>`).
  m = /^V([dnmta]\d?)$/.exec(b);
  if (m && display && /^<V[dnmta]\d?>$/.test(display)) {
    const f = REG_FIELD[m[1]];
    if (!f) throw new Unresolved(`vreg ${b}`);
    field(ctx, f);
    ctx.used.add(f);
    return [`%VV:${f}`];
  }
  // Arrangements and element sizes: `T_00_1_16B` sets size:Q, `Ts_xx100_S` sets imm5.
  if (/^(T|Ta|Tb|Ts|V|Va|Vb)_option$/.test(b) && r._type === 'Instruction.Rules.Choice') {
    const alts: { groups: string[]; text: string }[] = [];
    for (const c of r.choices) {
      const cid: string | undefined = c?.symbols.length === 1 ? c.symbols[0].rule_id : undefined;
      const mm = cid ? /^[A-Za-z]+((?:_[01x]+)+)_([A-Za-z0-9]+)$/.exec(base(cid)) : null;
      if (!mm) throw new Unresolved(`arrangement ${b}`);
      alts.push({ groups: mm[1].slice(1).split('_'), text: mm[2] });
    }
    const widths = alts[0].groups.map((g) => g.length);
    // Two one-bit groups: the one that tells 2S from 4S (same element, other lane count) is Q.
    let qFirst = false;
    if (widths.length === 2 && widths[0] === 1 && widths[1] === 1) {
      for (const x of alts)
        for (const y of alts)
          if (
            x !== y &&
            x.text.slice(-1) === y.text.slice(-1) &&
            x.groups[0] !== y.groups[0] &&
            x.groups[1] === y.groups[1]
          )
            qFirst = true;
    }
    // One bit: Q when the alternatives differ in lane count (2S, 4S), sz when in element size.
    const sameElement = new Set(alts.map((a) => a.text.slice(-1))).size === 1;
    const byWidth = (w: number, second: boolean): string => {
      const oneBit = sameElement && widths.length === 1 ? ['Q', 'sz'] : ['sz', 'Q'];
      const names = second
        ? ['Q']
        : w === 2
          ? ['size']
          : w === 1
            ? oneBit
            : w === 4
              ? ['immh']
              : w === 5
                ? ['imm5']
                : w === 3
                  ? ['opc']
                  : [];
      for (const n of names) if (ctx.leaf.fields.get(n)?.width === w) return n;
      throw new Unresolved(`arrangement ${b} field`);
    };
    const fields = qFirst
      ? ['Q', byWidth(1, false) === 'Q' ? 'sz' : byWidth(1, false)]
      : widths.map((w, i) => byWidth(w, i > 0));
    const spec = fields.join('+');
    const list = alts.map((a) => `${a.text}=${a.groups.join('')}`).join(';');
    if (b === 'V_option' || b === 'Va_option' || b === 'Vb_option') {
      ctx.pendingScalar = `${spec}:${list}`;
      return [];
    }
    return [`%E:${spec}:0:${list}`];
  }
  if (ctx.pendingScalar && /^[dnm]$/.test(b) && display) {
    const f = REG_FIELD[b];
    field(ctx, f);
    ctx.used.add(f);
    const out = `%VS:${f}:${ctx.pendingScalar}`;
    ctx.pendingScalar = '';
    return [out];
  }
  // Choices: a field enum when every alternative is named <field>_<bits>_<name> and is literal.
  if (r._type === 'Instruction.Rules.Choice') {
    const alts: { bits: string; text: string }[] = [];
    let enumOk = display !== null;
    for (const c of r.choices) {
      if (c?.symbols.length !== 1 || c.symbols[0]._type !== 'Instruction.Symbols.RuleReference') {
        enumOk = false;
        break;
      }
      const cid: string = c.symbols[0].rule_id;
      if (base(cid) === 'LSL' && b.startsWith('extend_option')) {
        // `LSL` in an extended-register operand is UXTW or UXTX by the data size.
        alts.push({ bits: '?', text: 'LSL' });
        continue;
      }
      const mm = /_([01x]+)_([A-Za-z0-9]+)$/.exec(base(cid));
      const lit = renderLiteral(rules[cid]?.symbols?.symbols);
      if (!mm || lit === null) {
        enumOk = false;
        break;
      }
      alts.push({ bits: mm[1], text: lit.trim() });
    }
    if (enumOk && alts.length > 0) {
      const width = Math.max(...alts.map((a) => a.bits.length));
      const prefix = b.replace(/_option$/, '');
      const aliases: Record<string, string[]> = {
        shift: ['sh', 'shift', ...(ctx.mnemonic === 'SHLL' ? ['size'] : [])],
        extend: ['option'],
        amount: ['S'],
        R: ['option'],
        op0: ['o0', 'op0'],
        targets: ['op2'],
        t: ['Rt'],
        imm: ['Q', 'size'],
        rotate: ['rot'],
      };
      const candidates = [prefix, ...(aliases[prefix] ?? [])];
      // The shift of a modified immediate is cmode<2:1> (LSL, 32-bit), cmode<1> (LSL, 16-bit) or cmode<0> (MSL).
      if (prefix === 'amount' && ctx.leaf.fields.has('cmode')) candidates.unshift('cmode');
      let pick = '';
      for (const c of candidates) {
        const f = ctx.leaf.fields.get(c);
        if (f && f.width >= width && !ctx.used.has(c)) {
          pick = c;
          break;
        }
      }
      if (!pick) throw new Unresolved(`enum ${b} field`);
      const f = ctx.leaf.fields.get(pick) as FieldInfo;
      ctx.used.add(pick);
      // Bits name the low bits of the field when the enum is narrower (targets in op2<2:1>).
      const shift =
        f.width > width && pick === 'op2' ? 1 : pick === 'cmode' ? (parts.includes('MSL') ? 0 : 1) : 0;
      // `#` then a number (`LSL #<amount>`, `#<rotate>`): the enumeration's text carries the `#`.
      const hashed = parts[parts.length - 1] === '#' && alts.every((a) => /^\d+$/.test(a.text));
      if (hashed) parts.pop();
      const list = alts.map((a) => `${hashed ? '#' : ''}${a.text}=${a.bits}`).join(';');
      return [`%E:${pick}:${shift}:${list}`];
    }
    // A structural choice: alternatives of template parts.
    const out: Part[] = ['|'];
    for (const c of r.choices) out.push(c ? resolveSymbols(ctx, c.symbols) : []);
    return [out];
  }
  if (r._type === 'Instruction.Rules.Rule') {
    if (!r.symbols) return []; // a default: the omitted form
    const lit = renderLiteral(r.symbols.symbols);
    if (lit !== null && !display) return tokenizeLiteral(lit);
    // A fixed operand written as text (`#0` as the only amount of a byte access).
    if (lit !== null && /^#\d+$/.test(lit.trim())) return [lit.trim()];
    if (!display) return resolveSymbols(ctx, r.symbols.symbols);
  }
  throw new Unresolved(`rule ${id} ${display ?? ''}`);
}

export function resolveSymbols(ctx: Ctx, symbols: Json[]): Part[] {
  const out: Part[] = [];
  for (const s of symbols) {
    if (s._type === 'Instruction.Symbols.Literal') out.push(...tokenizeLiteral(s.value));
    else {
      const parts = resolveRule(ctx, s.rule_id, out);
      if (!ctx.firstClass) {
        const c = firstRegClass(parts);
        if (c) ctx.firstClass = c;
      }
      out.push(...parts);
    }
  }
  return out;
}

/** Optional groups are choices with an empty alternative: rewrite `| [a] []` as `? a`. */
export function simplify(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    if (!Array.isArray(p)) {
      out.push(p);
      continue;
    }
    const alts = p.slice(1).map((a) => simplify(a as Part[]));
    const nonEmpty = alts.filter((a) => a.length > 0);
    if (nonEmpty.length === 1 && alts.length === 2) out.push(['?', ...nonEmpty[0]]);
    else if (nonEmpty.length === 0) continue;
    else out.push(['|', ...alts]);
  }
  return out;
}

export function template(leaf: Leaf, symbols: Json[]): { mnemonic: string; parts: Part[] } | string {
  const first = symbols[0];
  const mnemonicText: string = first._type === 'Instruction.Symbols.Literal' ? first.value : '';
  const mnemonic = mnemonicText.replace(/\..*$/, '').toUpperCase();
  const ctx: Ctx = { leaf, used: new Set(), mnemonic, firstClass: '', pendingScalar: '' };
  try {
    let parts = resolveSymbols(ctx, symbols);
    parts = simplify(parts);
    // `#`, `0`, `.`, `0` as separate literals: the fixed operand `#0.0`.
    for (let i = 0; i + 3 < parts.length; i++) {
      if (
        parts[i] === '#' &&
        parts[i + 2] === '.' &&
        /^\d+$/.test(String(parts[i + 1])) &&
        /^\d+$/.test(String(parts[i + 3]))
      ) {
        parts.splice(i, 4, `#${parts[i + 1]}.${parts[i + 3]}`);
      }
    }
    for (let i = 0; i + 1 < parts.length; i++) {
      if (parts[i] === '#' && /^\d+$/.test(String(parts[i + 1]))) parts.splice(i, 2, `#${parts[i + 1]}`);
    }
    // By-element operands with a fixed element (`v2.h[3]`, `v2.4b[1]`): the element size
    // decides how Vm and the index share H:L:M.
    const elementOf: Record<string, string> = { H: 'h', S: 's', D: 'd', '4B': 's', '2H': 's' };
    for (let i = 0; i + 4 < parts.length; i++) {
      const x = parts[i + 2];
      if (
        parts[i + 1] === '.' &&
        typeof x === 'string' &&
        elementOf[x] &&
        parts[i + 3] === '[' &&
        parts[i + 4] === '%ELIDX'
      ) {
        const size = elementOf[x];
        if (parts[i] === '%ELVM') parts[i] = `%ELVM:${size}`;
        else if (parts[i] === '%VV:Rm') parts[i] = '%VV:Rm';
        parts[i + 4] = `%ELIDX:${size}`;
      }
    }
    // `SADDL{2}`: the optional `2` is Q, written as a mnemonic suffix.
    const second = parts[1];
    if (
      Array.isArray(second) &&
      second.length === 2 &&
      second[0] === '?' &&
      second[1] === '2' &&
      leaf.fields.has('Q')
    ) {
      parts[1] = '%SUF:Q';
    }
    // A choice between literals binds no field: such an operand is not resolved.
    const literalOnly = (a: Part): boolean =>
      Array.isArray(a) && a.length > 0 && a.every((x) => typeof x === 'string' && !x.startsWith('%'));
    const literalChoice = (list: Part[]): boolean =>
      list.some(
        (p) =>
          Array.isArray(p) &&
          ((p[0] === '|' && p.slice(1).filter(literalOnly).length >= 2) ||
            literalChoice(p.slice(1) as Part[])),
      );
    if (literalChoice(parts)) return 'choice between literals';
    // `, LSL #0` on a byte register offset is the S bit set (S = 0 omits it).
    if (leaf.fields.has('S') && !ctx.used.has('S')) {
      const rewrite = (list: Part[]): Part[] =>
        list.map((p) => {
          if (!Array.isArray(p)) return p;
          const inner = p.slice(1);
          const literal = inner.every((x) => typeof x === 'string' && !x.startsWith('%'));
          if (p[0] === '?' && literal && inner[inner.length - 1] === '#0') {
            const comma = inner[0] === ',' ? [','] : [];
            const text = (inner as string[]).filter((x) => x !== ',').join(' ');
            return ['?', ...comma, `%E:S:0:${text}=1`];
          }
          return [p[0], ...rewrite(inner)];
        });
      parts = rewrite(parts);
    }
    return { mnemonic, parts };
  } catch (e) {
    if (e instanceof Unresolved) return e.message;
    throw e;
  }
}
