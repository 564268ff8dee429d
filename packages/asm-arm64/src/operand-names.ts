/**
 * The operand names the assembler and disassembler share: condition codes, barrier options,
 * prefetch operations, cache maintenance operations and system registers, with the field values
 * each name stands for.
 * @module
 */
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

/**
 * Cache maintenance operations by name, as `[op1, CRm, op2]` with CRn = 7 (Arm ARM C5.3,
 * "A64 system instructions for cache maintenance"); `register` is false for the operations that
 * take none (`ic iallu`).
 */
export const CACHE_OPS: Record<
  'DC' | 'IC',
  Record<string, { code: readonly [number, number, number]; register: boolean }>
> = {
  DC: {
    ivac: { code: [0, 6, 1], register: true },
    isw: { code: [0, 6, 2], register: true },
    csw: { code: [0, 10, 2], register: true },
    cisw: { code: [0, 14, 2], register: true },
    zva: { code: [3, 4, 1], register: true },
    cvac: { code: [3, 10, 1], register: true },
    cvau: { code: [3, 11, 1], register: true },
    cvap: { code: [3, 12, 1], register: true },
    cvadp: { code: [3, 13, 1], register: true },
    civac: { code: [3, 14, 1], register: true },
  },
  IC: {
    ialluis: { code: [0, 1, 0], register: false },
    iallu: { code: [0, 5, 0], register: false },
    ivau: { code: [3, 5, 1], register: true },
  },
};

/** The named cache operation of `(op1, CRn, CRm, op2)`, or undefined. */
export function cacheOp(
  kind: 'DC' | 'IC',
  op1: number,
  crn: number,
  crm: number,
  op2: number,
): string | undefined {
  if (crn !== 7) return undefined;
  for (const [name, op] of Object.entries(CACHE_OPS[kind]))
    if (op.code[0] === op1 && op.code[1] === crm && op.code[2] === op2) return name;
  return undefined;
}

/**
 * System registers by name, as `op0:op1:CRn:CRm:op2` (Arm ARM D19, the EL0-visible set and the
 * common EL1 registers). Others are written in the generic form `S3_3_C13_C0_2`.
 */
export const SYSTEM_REGISTERS: Record<string, readonly [number, number, number, number, number]> = {
  nzcv: [3, 3, 4, 2, 0],
  daif: [3, 3, 4, 2, 1],
  fpcr: [3, 3, 4, 4, 0],
  fpsr: [3, 3, 4, 4, 1],
  tpidr_el0: [3, 3, 13, 0, 2],
  tpidrro_el0: [3, 3, 13, 0, 3],
  tpidr_el1: [3, 0, 13, 0, 4],
  cntfrq_el0: [3, 3, 14, 0, 0],
  cntpct_el0: [3, 3, 14, 0, 1],
  cntvct_el0: [3, 3, 14, 0, 2],
  ctr_el0: [3, 3, 0, 0, 1],
  dczid_el0: [3, 3, 0, 0, 7],
  midr_el1: [3, 0, 0, 0, 0],
  mpidr_el1: [3, 0, 0, 0, 5],
  currentel: [3, 0, 4, 2, 2],
  sp_el0: [3, 0, 4, 1, 0],
  elr_el1: [3, 0, 4, 0, 1],
  spsr_el1: [3, 0, 4, 0, 0],
  esr_el1: [3, 0, 5, 2, 0],
  far_el1: [3, 0, 6, 0, 0],
  vbar_el1: [3, 0, 12, 0, 0],
  sctlr_el1: [3, 0, 1, 0, 0],
  ttbr0_el1: [3, 0, 2, 0, 0],
  ttbr1_el1: [3, 0, 2, 0, 1],
  tcr_el1: [3, 0, 2, 0, 2],
  mair_el1: [3, 0, 10, 2, 0],
};
export const SYSREG_BY_CODE = new Map<string, string>(
  Object.entries(SYSTEM_REGISTERS).map(([k, v]) => [v.join(':'), k]),
);
