/**
 * Templates of encodings and aliases: the specification's own, and the ones the runtime supplies
 * for aliases whose operands the specification computes (`LSL` is `UBFM` with
 * `immr = -shift MOD size`) or names only (system registers, barriers, prefetch operations), with
 * the alias conditions LLVM's choice of spelling needs.
 * @module
 */
import type { RawCond, RawPart } from './generated/a64';
import { dataSize } from './operands';
import { type Alias, byMnemonic, type Encoding, encodings } from './tables';

/** The operands of `cmp`/`cmn` with an extended register: `rn, rm{, extend {#amount}}`. */
const COMPARE_EXTENDED_OPERANDS: readonly RawPart[] = [
  '%R:Rn:*:sp',
  ',',
  '%R:Rm:opt*:zr',
  [
    '?',
    ',',
    '%E:option:0:UXTB=000;UXTH=001;LSL=?;UXTW=010;UXTX=011;SXTB=100;SXTH=101;SXTW=110;SXTX=111',
    ['?', '#', '%I:imm3:u:1'],
  ],
];

/**
 * Templates the runtime gives to aliases whose operands the specification computes (`LSL` is
 * `UBFM` with `immr = -shift MOD size`) and to operands it lists by name only (system registers,
 * barrier options, prefetch operations). Keyed by specification name.
 */
const OVERRIDES: Record<string, readonly RawPart[]> = {
  MOV_MOVZ: ['MOV', '%R:Rd:*:zr', ',', '#', '%MOVZ'],
  MOV_MOVN: ['MOV', '%R:Rd:*:zr', ',', '#', '%MOVN'],
  LSL_UBFM: ['LSL', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%LSL'],
  LSR_UBFM: ['LSR', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1'],
  ASR_SBFM: ['ASR', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1'],
  UBFX_UBFM: ['UBFX', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1', ',', '#', '%BFW'],
  SBFX_SBFM: ['SBFX', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1', ',', '#', '%BFW'],
  BFXIL_BFM: ['BFXIL', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:immr:u:1', ',', '#', '%BFW'],
  UBFIZ_UBFM: ['UBFIZ', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  SBFIZ_SBFM: ['SBFIZ', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  BFI_BFM: ['BFI', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  BFC_BFM: ['BFC', '%R:Rd:*:zr', ',', '#', '%BFZL', ',', '#', '%BFZW'],
  MRS_RS_systemmove: ['MRS', '%R:Rt:x:zr', ',', '%SYSREG'],
  MSR_SR_systemmove: ['MSR', '%SYSREG', ',', '%R:Rt:x:zr'],
  ROR_EXTR: ['ROR', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '#', '%I:imms:u:1'],
  CINC_CSINC: ['CINC', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '%C!:cond'],
  CINV_CSINV: ['CINV', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '%C!:cond'],
  CNEG_CSNEG: ['CNEG', '%R:Rd:*:zr', ',', '%R:Rn:*:zr', ',', '%C!:cond'],
  CMP_SUBS_addsub_ext: ['CMP', ...COMPARE_EXTENDED_OPERANDS],
  CMN_ADDS_addsub_ext: ['CMN', ...COMPARE_EXTENDED_OPERANDS],
  MOV_UMOV_advsimd: ['MOV', '%R:Rd:*:zr', ',', '%VV:Rn', '.', '%UMOVSIZE', '[', '%IDX5', ']'],
  DC_SYS: ['DC', '%SYSOP:DC', ',', '%R:Rt:x:zr'],
  IC_SYS: ['IC', '%SYSOP:IC', ['?', ',', '%R:Rt:x:zr']],
  AT_SYS: ['AT', '%SYSOP:AT', ',', '%R:Rt:x:zr'],
  TLBI_SYS: ['TLBI', '%SYSOP:TLBI', ['?', ',', '%R:Rt:x:zr']],
  ISB_BI_barriers: ['ISB', ['?', '#', '%I:CRm:u:1']],
  MSR_SI_pstate: ['MSR', '%PSTATE', ',', '#', '%PSTATEIMM'],
  DMB_BO_barriers: ['DMB', '%BARRIER'],
  DSB_BO_barriers: ['DSB', '%BARRIER'],
  PRFM_P_ldst_pos: ['PRFM', '%PRFOP', ',', '[', '%R:Rn:x:sp', ['?', ',', '#', '%I:imm12:u:8'], ']'],
  PRFUM_P_ldst_unscaled: ['PRFUM', '%PRFOP', ',', '[', '%R:Rn:x:sp', ['?', ',', '#', '%I:imm9:s:1'], ']'],
  PRFM_P_loadlit: ['PRFM', '%PRFOP', ',', '%L:imm19:4'],
  PRFM_P_ldst_regoff: [
    'PRFM',
    '%PRFOP',
    ',',
    '[',
    '%R:Rn:x:sp',
    ',',
    ['|', ['%R:Rm:w:zr'], ['%R:Rm:x:zr']],
    ['?', ',', '%E:option:0:UXTW=010;LSL=011;SXTW=110;SXTX=111', ['?', '%E:S:0:#0=0;#3=1']],
    ']',
  ],
};

/** Aliases that assemble only where they are also the preferred form (`mov x0, x1` is ORR, not ADD). */
export const ASSEMBLE_ONLY_PREFERRED = new Set(['MOV_ADD_addsub_imm']);

/**
 * Aliases chosen by the value, not the shape, of their operands: `mov x0, #imm` is MOVZ, else
 * MOVN, else the bitmask ORR, in that order (LLVM's order; Arm's `MoveWidePreferred` is not exact:
 * `mov x0, #0xfffffffeffffffff` is MOVN in LLVM but "bitmask preferred" by it). A line of the same
 * shape must search again rather than replay the form its predecessor took.
 */
export const CHOSEN_BY_VALUE = new Set(['MOV_MOVZ', 'MOV_MOVN', 'MOV_ORR_log_imm']);

let overrideEntries: Map<string, { encoding: Encoding; alias: Alias | null }[]> | null = null;

/** The table's entries for a mnemonic plus the encodings whose template the runtime supplies. */
export function entriesFor(upper: string): readonly { encoding: Encoding; alias: Alias | null }[] {
  if (!overrideEntries) {
    overrideEntries = new Map();
    for (const e of encodings()) {
      const t = e.template ? null : OVERRIDES[e.name];
      if (!t) continue;
      const m = String(t[0]);
      let list = overrideEntries.get(m);
      if (!list) overrideEntries.set(m, (list = []));
      list.push({ encoding: e, alias: null });
    }
  }
  const extra = overrideEntries.get(upper);
  return extra ? [...byMnemonic(upper), ...extra] : byMnemonic(upper);
}

/** Specification aliases LLVM does not print (it keeps the base mnemonic). */
export const NOT_PREFERRED_BY_LLVM = new Set<string>(['SXTL_SSHLL_advsimd', 'UXTL_USHLL_advsimd']);

/** Resolves `*` register classes in overrides from the encoding's data size. */
function concretise(e: Encoding, parts: readonly RawPart[]): readonly RawPart[] {
  const c = dataSize(e) === 64 ? 'x' : 'w';
  const opt = c === 'x' ? 'opt' : 'w';
  // `mov w0, v1.s[2]` / `mov x0, v1.d[1]`: the element size follows the register width.
  const umov = c === 'x' ? '%E:imm5:0:D=x1000' : '%E:imm5:0:S=xx100';
  return parts.map((p) =>
    typeof p === 'string'
      ? p.replace(':*:', `:${c}:`).replace(':opt*:', `:${opt}:`).replace('%UMOVSIZE', umov)
      : concretise(e, p),
  );
}

/** Conditions the runtime gives to aliases whose specification condition is not field-level. */
const CONDITION_OVERRIDES: Record<string, RawCond> = {
  // `lsl x0, x1, #0` is UBFM with imms = 63, which the specification lists under LSR.
  LSL_UBFM: true,
  ROR_EXTR: ['==', 'Rn', 'Rm'],
  CINC_CSINC: [
    '&&',
    ['&&', ['==', 'Rn', 'Rm'], ['!=', 'Rn', ['bits', '11111']]],
    ['!', ['IN', 'cond', ['set', ['bits', '111x']]]],
  ],
  CINV_CSINV: [
    '&&',
    ['&&', ['==', 'Rn', 'Rm'], ['!=', 'Rn', ['bits', '11111']]],
    ['!', ['IN', 'cond', ['set', ['bits', '111x']]]],
  ],
  CNEG_CSNEG: ['&&', ['==', 'Rn', 'Rm'], ['!', ['IN', 'cond', ['set', ['bits', '111x']]]]],
  CMP_SUBS_addsub_ext: ['==', 'Rd', ['bits', '11111']],
  CMN_ADDS_addsub_ext: ['==', 'Rd', ['bits', '11111']],
};

/**
 * Where LLVM's choice of alias differs from the specification's `preferred`: LLVM prints `bfc`
 * for BFM with Rn = XZR over the BFI range and at lsb 0, and `lsl` before `ubfiz`.
 */
const ZERO_IMMR: RawCond = ['==', ['call', 'UInt', 'immr'], ['int', 0]];
const IMMS_LT_IMMR: RawCond = ['<', ['call', 'UInt', 'imms'], ['call', 'UInt', 'immr']];
export const PREFERRED_OVERRIDES: Record<string, RawCond> = {
  // Named AT, DC, IC and TLBI operations, with a register exactly when the operation takes one
  // (an operation that takes none is named only when Rt is XZR, so that the word round-trips;
  // LLVM names it whatever Rt holds and drops Rt).
  DC_SYS: ['call', 'CacheOpNamed', 'DC'],
  IC_SYS: ['call', 'CacheOpNamed', 'IC'],
  AT_SYS: ['call', 'CacheOpNamed', 'AT'],
  TLBI_SYS: ['call', 'CacheOpNamed', 'TLBI'],
  // SYS aliases without an operand print only when Rt is XZR, so that the word round-trips.
  GCSPUSHX_SYS: ['==', 'Rt', ['bits', '11111']],
  GCSPOPCX_SYS: ['==', 'Rt', ['bits', '11111']],
  GCSPOPX_SYS: ['==', 'Rt', ['bits', '11111']],
  BFXIL_BFM: ['&&', ['!', IMMS_LT_IMMR], ['!', ['&&', ['==', 'Rn', ['bits', '11111']], ZERO_IMMR]]],
  BFI_BFM: IMMS_LT_IMMR,
  BFC_BFM: ['||', IMMS_LT_IMMR, ZERO_IMMR],
  UBFIZ_UBFM: [
    '&&',
    IMMS_LT_IMMR,
    ['!=', ['+', ['call', 'UInt', 'imms'], ['int', 1]], ['call', 'UInt', 'immr']],
  ],
};

/** An alias's condition, with the runtime's override when there is one. */
export function conditionOf(alias: Alias): RawCond {
  return CONDITION_OVERRIDES[alias.name] ?? alias.condition;
}

// Cached by encoding index and by alias object: a string key built per call was 4% of the
// disassembly time.
const encodingTemplates: (readonly RawPart[] | null | undefined)[] = [];
const aliasTemplates = new Map<Alias, readonly RawPart[] | null>();

/** The template of an encoding or of one of its aliases. */
export function templateOf(e: Encoding, alias: Alias | null): readonly RawPart[] | null {
  let t = alias ? aliasTemplates.get(alias) : encodingTemplates[e.index];
  if (t !== undefined) return t;
  const name = alias ? alias.name : e.name;
  const override = OVERRIDES[name];
  t = override ? concretise(e, override) : alias ? alias.template : e.template;
  if (alias) aliasTemplates.set(alias, t);
  else encodingTemplates[e.index] = t;
  return t;
}
