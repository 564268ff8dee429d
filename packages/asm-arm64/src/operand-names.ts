/**
 * The operand names the assembler and disassembler share: condition codes, barrier options,
 * prefetch operations, cache maintenance operations and system registers, with the field values
 * each name stands for.
 * @module
 */
import { SYS_OPERATIONS } from './generated/a64';
import { SYSTEM_REGISTER_ROWS } from './generated/system-registers';
/** Condition code names, Arm ARM C1.2.4. */
export const CONDITIONS = [
  'eq',
  'ne',
  'hs',
  'lo',
  'mi',
  'pl',
  'vs',
  'vc',
  'hi',
  'ls',
  'ge',
  'lt',
  'gt',
  'le',
  'al',
  'nv',
];
export const CONDITION_SYNONYMS: Record<string, number> = { cs: 2, cc: 3 };

/** Barrier option names for DMB/DSB, Arm ARM C6.2.81 (CRm values). */
export const BARRIER_OPTIONS: Record<number, string> = {
  1: 'oshld',
  2: 'oshst',
  3: 'osh',
  5: 'nshld',
  6: 'nshst',
  7: 'nsh',
  9: 'ishld',
  10: 'ishst',
  11: 'ish',
  13: 'ld',
  14: 'st',
  15: 'sy',
};

/** Prefetch operation names for PRFM, Arm ARM C6.2.248 (Rt values). */
export const PREFETCH_OPS: Record<number, string> = {
  0: 'pldl1keep',
  1: 'pldl1strm',
  2: 'pldl2keep',
  3: 'pldl2strm',
  4: 'pldl3keep',
  5: 'pldl3strm',
  8: 'plil1keep',
  9: 'plil1strm',
  10: 'plil2keep',
  11: 'plil2strm',
  12: 'plil3keep',
  13: 'plil3strm',
  16: 'pstl1keep',
  17: 'pstl1strm',
  18: 'pstl2keep',
  19: 'pstl2strm',
  20: 'pstl3keep',
  21: 'pstl3strm',
};

/** The SYS aliases with named operations. */
export type SysOperationKind = 'AT' | 'DC' | 'IC' | 'TLBI';

/**
 * Whether a named operation takes a register (Arm ARM C5.3): every AT and DC operation does;
 * IC's IALLU and IALLUIS and TLBI's operations on everything (ALL*, VMALL*, PAALL*) do not.
 */
function takesRegister(kind: SysOperationKind, name: string): boolean {
  if (kind === 'IC') return !name.startsWith('iall');
  if (kind === 'TLBI') return !/^(all|vmall|paall)/.test(name);
  return true;
}

/**
 * The named operations of AT, DC, IC and TLBI, generated from the SYS aliases of Arm's
 * specification, as `[op1, CRn, CRm, op2]`; `register` is false for the operations that take none.
 */
export const CACHE_OPS: Record<
  SysOperationKind,
  Record<string, { code: readonly [number, number, number, number]; register: boolean }>
> = { AT: {}, DC: {}, IC: {}, TLBI: {} };
const SYS_OPERATION_BY_CODE = new Map<string, string>();
for (const [kind, name, op1, crn, crm, op2] of SYS_OPERATIONS) {
  CACHE_OPS[kind][name] = { code: [op1, crn, crm, op2], register: takesRegister(kind, name) };
  SYS_OPERATION_BY_CODE.set(`${kind}:${op1}:${crn}:${crm}:${op2}`, name);
}

/** The named operation of `(op1, CRn, CRm, op2)` for a SYS alias, or undefined. */
export function cacheOp(
  kind: SysOperationKind,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
): string | undefined {
  return SYS_OPERATION_BY_CODE.get(`${kind}:${op1}:${crn}:${crm}:${op2}`);
}

/**
 * PSTATE fields of MSR (immediate), Arm ARM C6.2 MSR (immediate): the name as Arm spells it, op1,
 * op2, and for the fields that share op1:op2 the bits of CRm<3:1> that select them (the immediate
 * is then CRm<0>). `max` is the largest immediate: 15 for DAIFSet/DAIFClr (all of CRm), else 1.
 */
export const PSTATE_FIELDS: readonly {
  name: string;
  op1: number;
  op2: number;
  crmHigh: number | null;
  max: number;
}[] = [
  { name: 'UAO', op1: 0, op2: 3, crmHigh: null, max: 1 },
  { name: 'PAN', op1: 0, op2: 4, crmHigh: null, max: 1 },
  { name: 'SPSel', op1: 0, op2: 5, crmHigh: null, max: 1 },
  { name: 'ALLINT', op1: 1, op2: 0, crmHigh: 0, max: 1 },
  { name: 'PM', op1: 1, op2: 0, crmHigh: 1, max: 1 },
  { name: 'SSBS', op1: 3, op2: 1, crmHigh: null, max: 1 },
  { name: 'DIT', op1: 3, op2: 2, crmHigh: null, max: 1 },
  { name: 'SVCRSM', op1: 3, op2: 3, crmHigh: 1, max: 1 },
  { name: 'SVCRZA', op1: 3, op2: 3, crmHigh: 2, max: 1 },
  { name: 'SVCRSMZA', op1: 3, op2: 3, crmHigh: 3, max: 1 },
  { name: 'TCO', op1: 3, op2: 4, crmHigh: null, max: 1 },
  { name: 'DAIFSet', op1: 3, op2: 6, crmHigh: null, max: 15 },
  { name: 'DAIFClr', op1: 3, op2: 7, crmHigh: null, max: 15 },
];

/** The PSTATE field an MSR (immediate) word names, or undefined. */
export function pstateField(
  op1: number,
  crm: number,
  op2: number,
): (typeof PSTATE_FIELDS)[number] | undefined {
  return PSTATE_FIELDS.find(
    (f) => f.op1 === op1 && f.op2 === op2 && (f.crmHigh === null || f.crmHigh === crm >> 1),
  );
}

/** Packs `op0:op1:CRn:CRm:op2` the way `SYSTEM_REGISTER_ROWS` does. */
export function systemRegisterCode(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

let readNames: Map<number, string> | null = null;
let writeNames: Map<number, string> | null = null;
let readCodes: Map<string, number> | null = null;
let writeCodes: Map<string, number> | null = null;

/** Builds the four lookups once, on first use (1,166 registers). */
function systemRegisterMaps(): void {
  readNames = new Map();
  writeNames = new Map();
  readCodes = new Map();
  writeCodes = new Map();
  for (const [name, code, access] of SYSTEM_REGISTER_ROWS) {
    if (access & 1) {
      if (!readNames.has(code)) readNames.set(code, name);
      readCodes.set(name.toLowerCase(), code);
    }
    if (access & 2) {
      if (!writeNames.has(code)) writeNames.set(code, name);
      writeCodes.set(name.toLowerCase(), code);
    }
  }
}

/**
 * The name of a system register by its packed encoding, in Arm's spelling (`SPSel`, `APIAKeyLo_EL1`), for a read (`mrs`) or a write (`msr`):
 * a read-only register has no name in an `msr` and a write-only one none in an `mrs` (Arm ARM
 * D23, the Access column of Tables D23-1 and D23-2). Undefined for an encoding with no register.
 */
export function systemRegisterName(code: number, write: boolean): string | undefined {
  if (!readNames) systemRegisterMaps();
  return (write ? writeNames : readNames)?.get(code);
}

/**
 * Names LLVM accepts that the Arm ARM has since renamed: ETMv4's `TRCEXTINSELR` is the Arm ARM's
 * `TRCEXTINSELR0` (TRCEXTINSELR<n>, n = 0 to 3). Accepted in text, never printed.
 */
const SYSTEM_REGISTER_SYNONYMS: Record<string, string> = { trcextinselr: 'trcextinselr0' };

/** The packed encoding of a system register (lower-case name) in an `mrs` (read) or `msr` (write). */
export function systemRegisterByName(name: string, write: boolean): number | undefined {
  if (!readNames) systemRegisterMaps();
  return (write ? writeCodes : readCodes)?.get(SYSTEM_REGISTER_SYNONYMS[name] ?? name);
}
