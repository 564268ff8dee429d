/**
 * A corpus of the alternative spellings LLVM's AArch64 assembler accepts (and some it refuses),
 * generated per encoding family: immediates at and past every boundary, negative values, shifted
 * forms, hex and decimal, aliases and condition synonyms; then a hand-written list of the forms
 * people write. `test/llvm-spellings.test.ts` feeds them to llvm-mc and to `assemble()`.
 */

/** Decimal and hex spellings of a value (`#4096`, `#0x1000`, `#-0x8`). */
function spell(v: bigint): string[] {
  const hex = v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
  return [`#${v}`, `#${hex}`];
}

/** Values just below, at and just past each boundary. */
function around(...points: bigint[]): bigint[] {
  const out = new Set<bigint>();
  for (const p of points) for (const d of [-1n, 0n, 1n]) out.add(p + d);
  return [...out];
}

const GPR = [
  { r: 'x', size: 64 },
  { r: 'w', size: 32 },
] as const;

/** add/sub/adds/subs/cmp/cmn with immediates: the 12-bit field, `lsl #12`, negatives. */
function addSubImmediates(out: string[]): void {
  const values = [
    ...around(0n, 4095n, 4096n, 0xfff000n, 0x1000000n),
    8192n,
    0x123000n,
    0x123001n,
    ...around(-4095n, -4096n, -0xfff000n),
    -8n,
    -0x123000n,
  ];
  for (const { r } of GPR) {
    for (const v of values) {
      for (const s of spell(v)) {
        out.push(`add ${r}0, ${r}1, ${s}`);
        out.push(`subs ${r}2, ${r}3, ${s}`);
        out.push(`cmp ${r}4, ${s}`);
        out.push(`cmn ${r}5, ${s}`);
      }
      out.push(`sub ${r}0, ${r}sp, #${v}`.replace(`${r}sp`, r === 'x' ? 'sp' : 'wsp'));
      out.push(`adds ${r}0, ${r}1, #${v}`);
    }
    for (const v of [0n, 1n, 4095n, 4096n, -1n]) {
      out.push(`add ${r}0, ${r}1, #${v}, lsl #12`);
      out.push(`sub ${r}0, ${r}1, #${v}, lsl #0`);
      out.push(`cmp ${r}0, #${v}, lsl #12`);
    }
    out.push(`add ${r}0, ${r}1, #1, lsl #11`);
    out.push(`add ${r}0, ${r}1, #1, lsl #24`);
    out.push(`add ${r}0, ${r}1, 16`);
  }
}

/** mov/movz/movn/movk: wide, inverted and bitmask immediates; `#imm, lsl #n` spellings. */
function moveImmediates(out: string[]): void {
  const values = [
    0n,
    1n,
    -1n,
    -2n,
    0xffffn,
    0x10000n,
    0x1ffffn,
    0xffff0000n,
    0xffffffffn,
    0x100000000n,
    0x12345678n,
    0x5555555555555555n,
    0x0f0f0f0fn,
    0xff00ff00n,
    0xfffffffeffffffffn,
    0xffffffff0000ffffn,
    0x7fffffffffffffffn,
    -0x8000000000000000n,
    0x8000000000000000n,
    0x10000000000000000n,
    -0x80000000n,
    -0x80000001n,
    0x80000000n,
    0xfffffffen,
    0xffff1234n,
    0x1234ffffn,
  ];
  for (const { r } of GPR) {
    for (const v of values) for (const s of spell(v)) out.push(`mov ${r}0, ${s}`);
    for (const m of ['movz', 'movn', 'movk']) {
      for (const v of [0n, 1n, 0xffffn, 0x10000n, 0x12340000n, 0x1234000000000000n, -1n]) {
        out.push(`${m} ${r}0, #${v}`);
        out.push(`${m} ${r}0, #0x${(v < 0n ? 0n : v).toString(16)}`);
      }
      for (const sh of [0, 8, 16, 32, 48, 64])
        out.push(`${m} ${r}0, #0x1234, lsl #${sh}`, `${m} ${r}0, #65535, lsl #${sh}`);
      out.push(`${m} ${r}0, #65536, lsl #16`);
    }
    out.push(`mov ${r}sp, #16`.replace(`${r}sp`, r === 'x' ? 'sp' : 'wsp'));
    out.push(`mov ${r}0, ${r === 'x' ? 'sp' : 'wsp'}`);
    out.push(`mov ${r === 'x' ? 'sp' : 'wsp'}, ${r}1`);
  }
}

/** Logical immediates of every operation and width, valid and not. */
function logicalImmediates(out: string[]): void {
  const values = [
    1n,
    0xffn,
    0xff00n,
    0x5555555555555555n,
    0xaaaaaaaan,
    0x0f0f0f0f0f0f0f0fn,
    0xfffffffffffffffen,
    0xfffffffen,
    0x7fffffffn,
    0x80000000n,
    0xffffffffn,
    0x100000000n,
    0n,
    -1n,
    -2n,
    -0x100n,
    -0x80000000n,
    0x123n,
    0x8000000000000000n,
  ];
  for (const { r } of GPR) {
    for (const v of values) {
      for (const s of spell(v)) {
        out.push(`and ${r}0, ${r}1, ${s}`);
        out.push(`tst ${r}2, ${s}`);
      }
      out.push(`orr ${r}0, ${r}1, #${v}`);
      out.push(`eor ${r}0, ${r}1, #${v}`);
      out.push(`ands ${r}0, ${r}1, #${v}`);
      out.push(`bic ${r}0, ${r}1, #${v}`);
    }
    out.push(`orr ${r === 'x' ? 'sp' : 'wsp'}, ${r}1, #0xff`);
    out.push(`and ${r}0, ${r === 'x' ? 'sp' : 'wsp'}, #0xff`);
  }
}

/** Shifted and extended register operands at their limits. */
function registerShifts(out: string[]): void {
  for (const { r, size } of GPR) {
    for (const op of ['add', 'subs', 'and', 'orr', 'eor', 'bic', 'orn']) {
      for (const sh of ['lsl', 'lsr', 'asr', 'ror'])
        for (const n of [0, 1, size - 1, size]) out.push(`${op} ${r}0, ${r}1, ${r}2, ${sh} #${n}`);
    }
    for (const op of ['cmp', 'cmn', 'tst', 'neg', 'negs', 'mvn'])
      for (const sh of ['lsl', 'asr', 'ror'])
        for (const n of [0, size - 1, size]) out.push(`${op} ${r}0, ${r}1, ${sh} #${n}`);
    for (const ext of ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx', 'lsl'])
      for (const n of ['', ' #0', ' #4', ' #5']) {
        out.push(`add ${r}0, ${r === 'x' ? 'sp' : 'wsp'}, w1, ${ext}${n}`);
        out.push(`add ${r}0, ${r}1, ${r}2, ${ext}${n}`);
        out.push(`cmp ${r}0, w1, ${ext}${n}`);
        out.push(`sub ${r}0, ${r}1, x2, ${ext}${n}`);
      }
    for (const op of ['lsl', 'lsr', 'asr', 'ror'])
      for (const n of [0, 1, size - 1, size, -1]) out.push(`${op} ${r}0, ${r}1, #${n}`);
    for (const [lsb, width] of [
      [0, 1],
      [0, size],
      [size - 1, 1],
      [size - 1, 2],
      [1, size],
      [size, 1],
    ]) {
      for (const op of ['ubfx', 'sbfx', 'bfxil', 'ubfiz', 'sbfiz', 'bfi'])
        out.push(`${op} ${r}0, ${r}1, #${lsb}, #${width}`);
      out.push(`bfc ${r}0, #${lsb}, #${width}`);
    }
    for (const n of [0, size - 1, size]) out.push(`extr ${r}0, ${r}1, ${r}2, #${n}`);
    for (const n of [-1, 0, 31, 32]) {
      out.push(`ccmp ${r}0, #${n}, #0, eq`);
      out.push(`ccmn ${r}0, #${n}, #15, ne`);
    }
    out.push(`ccmp ${r}0, #0, #16, eq`);
  }
  for (const n of [0, 31, 32, 63, 64]) {
    out.push(`tbz x0, #${n}, #8`);
    out.push(`tbnz w0, #${n}, #8`);
  }
}

/** Every condition and its synonyms (`hs`/`cs`, `lo`/`cc`), in every conditional instruction. */
function conditions(out: string[]): void {
  const names = [
    'eq',
    'ne',
    'cs',
    'hs',
    'cc',
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
  for (const c of names) {
    out.push(
      `cset x0, ${c}`,
      `csetm w0, ${c}`,
      `cinc x0, x1, ${c}`,
      `cinv w0, w1, ${c}`,
      `cneg x0, x1, ${c}`,
    );
    out.push(`csel x0, x1, x2, ${c}`, `csinc w0, w1, w2, ${c}`, `ccmp x0, x1, #4, ${c}`);
    out.push(`fcsel d0, d1, d2, ${c}`, `fccmp s0, s1, #0, ${c}`);
    out.push(`b.${c} #16`, `b.${c.toUpperCase()} #-16`);
  }
  out.push('b.eq #1048572', 'b.eq #1048576', 'b.eq #-1048576', 'b.eq #-1048580', 'b.eq #2');
  out.push('b #134217724', 'b #134217728', 'b #-134217728', 'bl #-4', 'cbz x0, #8', 'cbnz w1, #-8');
}

/** Loads and stores: scaled, unscaled and out-of-range offsets, writeback, register offsets. */
function memory(out: string[]): void {
  const forms: [string, string, number][] = [
    ['ldr', 'x0', 8],
    ['str', 'x0', 8],
    ['ldr', 'w0', 4],
    ['ldrb', 'w0', 1],
    ['ldrh', 'w0', 2],
    ['ldrsb', 'x0', 1],
    ['ldrsh', 'w0', 2],
    ['ldrsw', 'x0', 4],
    ['strh', 'w0', 2],
    ['ldr', 'q0', 16],
    ['str', 'd0', 8],
    ['ldr', 's0', 4],
    ['ldr', 'h0', 2],
    ['ldr', 'b0', 1],
  ];
  for (const [op, rt, scale] of forms) {
    for (const off of [
      0,
      1,
      scale,
      -1,
      -8,
      -256,
      -257,
      255,
      256,
      257,
      4095 * scale,
      4096 * scale,
      4095 * scale + 1,
    ]) {
      out.push(`${op} ${rt}, [x1, #${off}]`);
    }
    out.push(`${op} ${rt}, [sp]`, `${op} ${rt}, [x1, #0x10]`, `${op} ${rt}, [x1, #-0x10]`);
    for (const off of [-256, 255, 256, 8])
      out.push(`${op} ${rt}, [x1, #${off}]!`, `${op} ${rt}, [x1], #${off}`);
    for (const ext of [
      '',
      ', lsl #0',
      `, lsl #${Math.log2(scale)}`,
      ', lsl #1',
      ', sxtw',
      ', uxtw #0',
      ', sxtx',
      ', uxtx',
    ])
      out.push(`${op} ${rt}, [x1, x2${ext}]`, `${op} ${rt}, [x1, w2${ext}]`);
  }
  for (const [op, rt, rt2, scale] of [
    ['ldp', 'x0', 'x1', 8],
    ['stp', 'w0', 'w1', 4],
    ['ldp', 'q0', 'q1', 16],
    ['ldpsw', 'x0', 'x1', 4],
    ['stp', 'd0', 'd1', 8],
  ] as const) {
    for (const off of [0, scale, 1, -64 * scale, 63 * scale, 64 * scale, -65 * scale]) {
      out.push(
        `${op} ${rt}, ${rt2}, [x2, #${off}]`,
        `${op} ${rt}, ${rt2}, [x2, #${off}]!`,
        `${op} ${rt}, ${rt2}, [x2], #${off}`,
      );
    }
  }
  for (const off of [-256, -1, 0, 255, 256]) out.push(`ldur x0, [x1, #${off}]`, `sturb w0, [x1, #${off}]`);
  out.push(
    'prfm pldl1keep, [x0, #8]',
    'prfm pldl1keep, [x0, #-8]',
    'prfm pldl1keep, [x0, #1]',
    'prfm #5, [x0]',
  );
}

/** Floating-point and SIMD spellings: FP immediates, vector moves, `movi` forms. */
function floatAndSimd(out: string[]): void {
  for (const v of [
    '1.0',
    '-1.0',
    '2.5',
    '0.125',
    '31.0',
    '32.0',
    '0.0',
    '-0.0',
    '1',
    '0.1',
    '1e1',
    '1.0e0',
    '0x70',
    '-2',
  ]) {
    out.push(`fmov d0, #${v}`, `fmov s0, #${v}`, `fmov h0, #${v}`, `fmov v0.2d, #${v}`, `fmov v0.4s, #${v}`);
  }
  out.push(
    'fmov d0, xzr',
    'fmov s0, wzr',
    'fmov x0, d1',
    'fmov d0, x1',
    'fmov v0.d[1], x1',
    'fmov x0, v1.d[1]',
  );
  out.push('fcmp d0, #0.0', 'fcmp d0, #0', 'fcmp s0, #0.0', 'fcmp s0, #1.0', 'fcmpe h0, #0.0');
  for (const a of ['8b', '16b', '4h', '8h', '2s', '4s', '2d'])
    out.push(
      `mov v0.${a}, v1.${a}`,
      `orr v0.${a}, v1.${a}, v1.${a}`,
      `mvn v0.${a}, v1.${a}`,
      `not v0.${a}, v1.${a}`,
    );
  out.push(
    'mov v0.s[1], w0',
    'mov v0.d[1], x0',
    'mov v0.b[15], w1',
    'mov v0.s[1], v1.s[0]',
    'mov s0, v1.s[1]',
    'mov d0, v1.d[1]',
  );
  out.push(
    'mov w0, v1.s[1]',
    'mov x0, v1.d[0]',
    'mov w0, v1.h[1]',
    'umov w0, v1.h[1]',
    'umov x0, v1.d[1]',
    'ins v0.s[1], w0',
  );
  out.push('dup v0.4s, w1', 'dup v0.2d, v1.d[1]', 'dup s0, v1.s[1]', 'mov b0, v1.b[3]');
  for (const v of [
    '0',
    '0xff',
    '255',
    '256',
    '0xff00',
    '0xff, lsl #8',
    '0xff, lsl #16',
    '0xff, msl #8',
    '0xff, msl #16',
    '0x1ff',
  ])
    out.push(
      `movi v0.4s, #${v}`,
      `movi v0.8h, #${v}`,
      `mvni v0.2s, #${v}`,
      `movi v0.16b, #${v}`,
      `orr v0.4s, #${v}`,
      `bic v0.8h, #${v}`,
    );
  for (const v of ['0', '0xff00ff00ff00ff00', '0xffffffffffffffff', '0x1234', '-1'])
    out.push(`movi v0.2d, #${v}`, `movi d0, #${v}`);
  for (const n of [0, 1, 7, 8])
    out.push(`shl v0.8b, v1.8b, #${n}`, `ushr v0.16b, v1.16b, #${n}`, `sshr d0, d1, #${n}`);
  out.push('ushr d0, d1, #64', 'ushr d0, d1, #65', 'shl d0, d1, #63', 'shl d0, d1, #64');
  out.push(
    'ext v0.16b, v1.16b, v2.16b, #15',
    'ext v0.16b, v1.16b, v2.16b, #16',
    'ext v0.8b, v1.8b, v2.8b, #8',
  );
}

/** Forms people write, by hand: aliases, system instructions, upper case, odd spacing. */
const HAND_WRITTEN = [
  'MOV X0, #1',
  'Add X0, X1, #0x10',
  'add x0,x1,#1',
  'add   x0 ,  x1 , #1',
  'mov x0, x1',
  'mov w0, w1',
  'mov x0, xzr',
  'mov sp, x0',
  'mov x29, sp',
  'mov w0, #0xffffffff',
  'mov x0, #0xffffffff',
  'mov w0, #-1',
  'mov x0, #-4096',
  'movz x0, #0x1234, lsl #16',
  'movk x0, #0xbeef, lsl #48',
  'movk w0, #0xbeef, lsl #16',
  'mvn x0, x1',
  'neg x0, x1',
  'negs w0, w1',
  'ngc x0, x1',
  'ngcs w0, w1',
  'cmp x0, x1',
  'cmp sp, #16',
  'cmp x0, #-1',
  'cmn w0, #-1',
  'cmp w0, #4096',
  'tst x0, #1',
  'tst w0, w1',
  'cset w0, hs',
  'cset w0, lo',
  'csetm x0, cc',
  'csel x0, x1, xzr, eq',
  'sxtb x0, w1',
  'sxth w0, w1',
  'sxtw x0, w1',
  'uxtb w0, w1',
  'uxth w0, w1',
  'uxtw x0, w1',
  'uxtb x0, w1',
  'mul x0, x1, x2',
  'mneg w0, w1, w2',
  'smull x0, w1, w2',
  'umulh x0, x1, x2',
  'smnegl x0, w1, w2',
  'udiv w0, w1, w2',
  'lsl x0, x1, x2',
  'lslv x0, x1, x2',
  'ror w0, w1, #3',
  'asr x0, x1, x2',
  'ret',
  'ret x1',
  'br x16',
  'blr x8',
  'nop',
  'yield',
  'isb',
  'isb sy',
  'dmb ish',
  'dmb #11',
  'dsb sy',
  'dsb #15',
  'svc #0',
  'svc #0xffff',
  'svc #0x10000',
  'brk #0x3e8',
  'hint #34',
  'bti c',
  'bti jc',
  'mrs x0, tpidr_el0',
  'mrs x0, TPIDR_EL0',
  'msr tpidr_el0, x1',
  'mrs x0, nzcv',
  'msr daifset, #2',
  'msr spsel, #1',
  'mrs x0, cntvct_el0',
  'dc civac, x0',
  'ic ivau, x0',
  'ldr x0, [x1]',
  'ldr x0, [x1, #-8]',
  'ldr x0, [x1, #1]',
  'ldr w0, [x1, #2]',
  'str x0, [sp, #-16]!',
  'ldr x0, [sp], #16',
  'ldr x0, [x1, x2, lsl #3]',
  'ldr x0, [x1, w2, sxtw #3]',
  'ldr x0, [x1, w2, uxtw]',
  'ldrb w0, [x1, x2, lsl #0]',
  'ldar x0, [x1]',
  'ldar x0, [x1, #0]',
  'stlr w0, [x1]',
  'ldxr x0, [x1]',
  'stxr w2, x0, [x1]',
  'ldaxp x0, x1, [x2]',
  'ldadd x0, x1, [x2]',
  'ldaddal w0, w1, [sp]',
  'cas x0, x1, [x2]',
  'casp x0, x1, x2, x3, [x4]',
  'swpal x0, x1, [x2]',
  'stadd w0, [x1]',
  'stp x29, x30, [sp, #-16]!',
  'ldp x29, x30, [sp], #16',
  'ldp w0, w1, [x2, #-4]',
  'ldnp q0, q1, [x0, #32]',
  'adr x0, #0',
  'adr x0, #-1',
  'adr x0, #1048575',
  'adr x0, #1048576',
  'adrp x0, #4096',
  'adrp x0, #0',
  'fmov d0, #1.0',
  'fmov s0, #-0.5',
  'fmov d0, d1',
  'fadd d0, d1, d2',
  'fcvtzs x0, d1',
  'fcvtzs w0, s1, #10',
  'scvtf d0, x1, #64',
  'scvtf d0, w1, #32',
  'scvtf d0, w1, #33',
  'ucvtf s0, x1',
  'ld1 {v0.16b}, [x0]',
  'ld1 {v0.16b, v1.16b}, [x0], #32',
  'ld1 {v0.16b-v3.16b}, [x0]',
  'ld1 { v0.4s }, [x1], x2',
  'st1 {v0.d}[1], [x0]',
  'ld1r {v0.4s}, [x0]',
  'ld4 {v0.8b, v1.8b, v2.8b, v3.8b}, [x0]',
  'tbl v0.16b, {v1.16b}, v2.16b',
  'tbl v0.16b, {v1.16b, v2.16b}, v3.16b',
  'addv s0, v1.4s',
  'uaddlv h0, v1.16b',
  'cnt v0.8b, v1.8b',
  'xtn v0.8b, v1.8h',
  'xtn2 v0.16b, v1.8h',
  'sxtl v0.8h, v1.8b',
  'uxtl2 v0.4s, v1.8h',
  'sshll v0.8h, v1.8b, #0',
  'ushll v0.2d, v1.2s, #3',
  'fmla v0.4s, v1.4s, v2.s[3]',
  'mul v0.8h, v1.8h, v2.h[7]',
  'mul v0.8h, v1.8h, v16.h[7]',
  'cmeq v0.4s, v1.4s, #0',
  'cmle v0.4s, v1.4s, #0',
  'fcmeq v0.2d, v1.2d, #0.0',
  'fcmeq v0.2d, v1.2d, #0',
  'aese v0.16b, v1.16b',
  'sha256h q0, q1, v2.4s',
  'crc32cx w0, w1, x2',
  'rbit x0, x1',
  'rev x0, x1',
  'rev32 x0, x1',
  'rev64 x0, x1',
  'clz w0, w1',
  'orn x0, x1, #1',
  'eon w0, w1, #0xff',
  'bics x0, x1, #0xff',
  'bic x0, x1, #0',
  'ldr x0, [x1, x2, lsl]',
  'ldr x0, [x1, x2, lsl #2]',
  'mov v0.4h, v1.8h',
  'mov v0.1d, v1.1d',
  'ld1 {v31.16b-v0.16b}, [x0]',
  'ld1 {v0.4s-v4.4s}, [x0]',
  'st2 {v0.2d-v1.2d}, [x1], #32',
  'tbl v0.8b, {v1.16b-v3.16b}, v4.8b',
  'fmov d0, #0',
  'fmov d0, #-0.0',
  'fmov v0.2d, #0.0',
  'fmov d0, #1.5e1',
  'fmov s0, #1e-1',
  'fmov d0, #0x100',
  'uxtw x0, x1',
  'uxth x0, w1',
  'sxtb x0, x1',
  'sxth x0, x1',
  'sxtw x0, x1',
  'uxtb x0, x1',
  'uxtb w0, x1',
  'sxtb w0, x1',
  'uxtw w0, w1',
  'fmov d0, #0x0',
  'isb #15',
  'isb ld',
  'tbz w0, #31, #8',
  'tbz x0, #31, #8',
  'ADD X0, X1, #4096',
  'LDR X0, [SP, #8]',
  'B.NE #8',
  'beq #8',
  'cmp w0, #0xfff, lsl #12',
  'negs x0, x1, lsl #3',
  'tst x0, x1, lsl #3',
  'ldr w0, [x1, #4]!',
  'ldr x0, [x1, #0x8]',
  'ldr x0, #8',
  'ldr w0, #-4',
  'ldr q0, #16',
  'ldr x0, #2',
  'ldrsw x0, #8',
  'prfm pldl1keep, #8',
  'mov x0, #(1 << 4)',
  'mov x0, #(4 * 2)',
  'add x0, x1, #(8 + 8)',
  'mov x0, #~0',
  'add x0, x1, #(1 << 12)',
  'mov x0, #(0xff << 8)',
  'and x0, x1, #~0xff',
  'mov w0, #(8 >> 1)',
  'mov x0, #(7 % 4)',
  'mov x0, #(1 ^ 3)',
  'mov x0, #(1 << 4 | 1)',
  'mov x0, #(2 + 1 << 2)',
  'orr w0, w1, #(0xf0 & 0x3c)',
  'mov x0, #(1 << 64)',
  'mov x0, #0b101',
  "mov x0, #'a'",
  "add x0, x1, #'a'",
  'mov x0, 42',
  'fmov v0.4h, #1.0',
  'fmov v0.8h, #-2.0',
  'ld1 {v0.s}[1], [x0], #4',
  'ld1 {v0.s}[1], [x0], x2',
  'ld1 {v0.s}[4], [x0]',
  'ld1 {v0.4s, v1.4s}, [x0], #16',
  'st1 {v0.2d}, [x0], #16',
  'smov x0, v1.b[1]',
  'smov w0, v1.h[7]',
  'umov w0, v1.b[16]',
  'ins v0.d[1], v1.d[0]',
  'uzp1 v0.4s, v1.4s, v2.4s',
  'csinc w0, wzr, wzr, eq',
  'ret x30',
  'sys #0, c7, c5, #0',
  'sysl x0, #0, c1, c2, #3',
  'sys #0, c7, c5, #0, x1',
  'hint #0x22',
  'hint #128',
  'msr nzcv, x0',
  'dmb ishld',
  'dsb nsh',
  'clrex',
  'clrex #5',
  'brk #0xffff',
  'hlt #0',
  'ldaddb w0, w1, [x2]',
  'casal w0, w1, [x2, #0]',
  'shl v0.4s, v1.4s, #32',
  'shl v0.4s, v1.4s, #31',
  'rshrn v0.8b, v1.8h, #9',
  'rshrn v0.8b, v1.8h, #8',
  'sqshrn2 v0.16b, v1.8h, #1',
  'sshll2 v0.4s, v1.8h, #16',
  'ushll v0.4s, v1.4h, #15',
  'sxtl2 v0.2d, v1.4s',
  'movi v0.2s, #0xff, lsl #24',
  'movi v0.2s, #0xff, lsl #32',
  'movi v0.4h, #0xff, lsl #8',
  'movi v0.8b, #0xff',
  'movi v0.8b, #-1',
  'movi v0.16b, #-128',
  'mvni v0.4h, #0x12, lsl #8',
  'add v0.2d, v1.2d, v2.2d',
  'add d0, d1, d2',
  'add v0.1d, v1.1d, v2.1d',
  'addp d0, v1.2d',
  'fadd v0.4h, v1.4h, v2.4h',
  'fcvtzs v0.4s, v1.4s, #32',
  'fcvtzs v0.4s, v1.4s, #33',
  'scvtf s0, s1, #1',
  'fcvtzs x0, d1, #64',
  'fcvtzs x0, d1, #65',
  'ldr x0, [x1, w2, sxtw #0]',
  'ldrh w0, [x1, x2, lsl #1]',
  'ldrh w0, [x1, x2, lsl #2]',
  'str q0, [x1, x2, lsl #4]',
  'ldr b0, [x1, x2, lsl #0]',
  'ldr b0, [x1, x2]',
  'ldp x0, x1, [x2, #8]!',
  'ldxp x0, x1, [x2]',
  'stlxr w0, x1, [x2]',
  'ldapr x0, [x1]',
  'ldapur x0, [x1, #-8]',
  'ldaprb w0, [x1, #0]',
];

/** The optional `#0` of the exclusive, ordered and compare-and-swap forms. */
function zeroOffsets(out: string[]): void {
  for (const form of [
    'ldar x0',
    'stlr w0',
    'ldaxr x0',
    'ldxr w0',
    'stxr w9, x0',
    'stlxr w9, w0',
    'ldxp x0, x1',
    'stxp w9, x0, x1',
    'cas x0, x1',
    'casa w0, w1',
    'casp x0, x1, x2, x3',
    'casb w0, w1',
    'ldapr x0',
    'ldaprb w0',
    'ldlar x0',
    'stllr w0',
    'ldlarb w0',
  ]) {
    for (const off of ['', ', #0', ', #1', ', 0']) out.push(`${form}, [x2${off}]`);
  }
}

/** Structure loads and stores: every list length and arrangement, post-index amounts right and wrong. */
function structures(out: string[]): void {
  const arrangements = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
  for (const n of [1, 2, 3, 4]) {
    for (const op of n === 1 ? ['ld1', 'st1'] : [`ld${n}`, `st${n}`, 'ld1', 'st1']) {
      for (const t of arrangements) {
        const list = Array.from({ length: n }, (_, i) => `v${i}.${t}`).join(', ');
        const bytes = (t.endsWith('b') && t.length === 3) || t === '8h' || t === '4s' || t === '2d' ? 16 : 8;
        for (const amount of [bytes * n, bytes * n * 2, (bytes * n) / 2])
          out.push(`${op} {${list}}, [x5], #${amount}`);
        out.push(`${op} {${list}}, [x5], x6`, `${op} {${list}}, [x5]`);
      }
    }
  }
  for (const [lane, bytes] of [
    ['b', 1],
    ['h', 2],
    ['s', 4],
    ['d', 8],
  ] as const) {
    for (const n of [1, 2, 3, 4]) {
      const list = Array.from({ length: n }, (_, i) => `v${i}.${lane}`).join(', ');
      for (const amount of [bytes * n, bytes * n * 2]) {
        out.push(`ld${n} {${list}}[1], [x5], #${amount}`, `st${n} {${list}}[0], [x5], #${amount}`);
        out.push(
          `ld${n}r {${list.replaceAll(`.${lane}`, `.${lane === 'd' ? '2d' : lane === 's' ? '4s' : lane === 'h' ? '8h' : '16b'}`)}}, [x5], #${amount}`,
        );
      }
    }
  }
}

/** Advanced SIMD per arrangement: shift immediates at their limits, lanes, widening `2` forms. */
function simdArrangements(out: string[]): void {
  for (const t of ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d']) {
    const bits = t.endsWith('b') ? 8 : t.endsWith('h') ? 16 : t.endsWith('s') ? 32 : 64;
    const lane = t.replace(/\d+/, '');
    for (const op of ['shl', 'sshr', 'ushr', 'srshr', 'sri', 'sli', 'sqshl', 'uqshl', 'sqshlu'])
      for (const n of [-1, 0, 1, bits - 1, bits, bits + 1]) out.push(`${op} v0.${t}, v1.${t}, #${n}`);
    for (const op of [
      'add',
      'mul',
      'sqdmulh',
      'fadd',
      'fmul',
      'cmhs',
      'and',
      'bsl',
      'uzp1',
      'zip2',
      'addp',
      'sabd',
    ])
      out.push(`${op} v0.${t}, v1.${t}, v2.${t}`);
    for (const op of ['abs', 'neg', 'cnt', 'rev16', 'rev64', 'cls', 'not', 'fabs', 'frintn', 'urecpe'])
      out.push(`${op} v0.${t}, v1.${t}`);
    out.push(`cmeq v0.${t}, v1.${t}, #0`, `cmgt v0.${t}, v1.${t}, #0`);
    for (const idx of [0, 1, 3, 7, 15])
      out.push(
        `mul v0.${t}, v1.${t}, v2.${lane}[${idx}]`,
        `dup v0.${t}, v1.${lane}[${idx}]`,
        `ins v0.${lane}[${idx}], w1`,
      );
    out.push(`dup v0.${t}, w1`, `dup v0.${t}, x1`, `movi v0.${t}, #0`);
  }
  for (const op of ['saddl', 'uaddw', 'smull', 'umlal', 'sqdmull', 'pmull', 'addhn', 'raddhn', 'ssubl'])
    for (const [d, n] of [
      ['8h', '8b'],
      ['4s', '4h'],
      ['2d', '2s'],
      ['1q', '1d'],
      ['8h', '16b'],
      ['4s', '8h'],
    ])
      out.push(`${op} v0.${d}, v1.${n}, v2.${n}`, `${op}2 v0.${d}, v1.${n}, v2.${n}`);
  for (const op of ['fcvtzs', 'fcvtzu', 'scvtf', 'ucvtf'])
    for (const r of ['s0, s1', 'd0, d1', 'h0, h1', 'w0, s1', 'x0, d1', 'w0, h1', 's0, w1', 'd0, x1'])
      out.push(`${op} ${r}`);
  for (const op of ['fmadd', 'fmsub', 'fnmadd'])
    out.push(`${op} d0, d1, d2, d3`, `${op} s0, s1, s2, s3`, `${op} h0, h1, h2, h3`);
  for (const op of ['ldr', 'str'])
    for (const r of ['b0', 'h0', 's0', 'd0', 'q0'])
      for (const m of [
        '[x0, #-1]!',
        '[x0], #-256',
        '[x0, #4096]',
        '[x0, #65520]',
        '[x0, #65536]',
        '[x0, w1, uxtw #4]',
        '[x0, x1, lsl #3]',
      ])
        out.push(`${op} ${r}, ${m}`);
}

/** Every spelling of the corpus, one instruction per entry. */
export function spellings(): string[] {
  const out: string[] = [];
  addSubImmediates(out);
  moveImmediates(out);
  logicalImmediates(out);
  registerShifts(out);
  conditions(out);
  memory(out);
  floatAndSimd(out);
  zeroOffsets(out);
  structures(out);
  simdArrangements(out);
  out.push(...HAND_WRITTEN);
  return [...new Set(out)];
}
