/**
 * Random integer programs for the interpreter-versus-QEMU differential: straight-line and looping
 * bodies over x0..x12, a private 256-byte scratch buffer per program (x20), and an epilogue that
 * writes the register file, NZCV and the scratch buffer to stdout. Many programs share one ELF so
 * QEMU starts once per batch.
 */
import { decodeBitmask } from '../src/_bits';

/** xorshift32: a failing seed replays. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** Bytes each program writes: x0..x12, NZCV, then the scratch buffer. */
export const DUMP_BYTES = 13 * 8 + 8 + 256;
const REGS = 13;

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[next() % list.length];
}

function bitmaskImmediate(next: () => number, size: 32 | 64): string {
  for (;;) {
    const n = size === 64 ? next() & 1 : 0;
    const v = decodeBitmask(n, next() % size, next() % 64, size);
    if (v !== null) return `#0x${v.toString(16)}`;
  }
}

function instruction(next: () => number): string {
  const size: 32 | 64 = next() & 1 ? 64 : 32;
  const p = size === 64 ? 'x' : 'w';
  const r = () => `${p}${next() % REGS}`;
  const x = () => `x${next() % REGS}`;
  const w = () => `w${next() % REGS}`;
  const sh = () => pick(next, ['lsl', 'lsr', 'asr']);
  const amount = () => next() % size;
  const cond = () =>
    pick(next, ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le']);
  const off = (bytes: number) => (next() % (240 / bytes)) * bytes;
  switch (next() % 40) {
    case 0:
      return `${pick(next, ['add', 'adds', 'sub', 'subs'])} ${r()}, ${r()}, #${next() % 4096}${next() & 1 ? ', lsl #12' : ''}`;
    case 1:
      return `${pick(next, ['add', 'adds', 'sub', 'subs'])} ${r()}, ${r()}, ${r()}, ${sh()} #${amount()}`;
    case 2:
      return size === 64
        ? `${pick(next, ['add', 'adds', 'sub', 'subs'])} x${next() % REGS}, x${next() % REGS}, w${next() % REGS}, ${pick(next, ['uxtb', 'uxth', 'uxtw', 'sxtb', 'sxth', 'sxtw'])} #${next() % 5}`
        : `${pick(next, ['add', 'adds', 'sub', 'subs'])} ${r()}, ${r()}, ${r()}, ${pick(next, ['uxtb', 'uxth', 'sxtb', 'sxth'])} #${next() % 5}`;
    case 3:
      return `${pick(next, ['adc', 'adcs', 'sbc', 'sbcs'])} ${r()}, ${r()}, ${r()}`;
    case 4:
      return `${pick(next, ['and', 'orr', 'eor', 'ands'])} ${r()}, ${r()}, ${bitmaskImmediate(next, size)}`;
    case 5:
      return `${pick(next, ['and', 'orr', 'eor', 'ands', 'bic', 'orn', 'eon', 'bics'])} ${r()}, ${r()}, ${r()}, ${pick(next, ['lsl', 'lsr', 'asr', 'ror'])} #${amount()}`;
    case 6:
      return `${pick(next, ['movz', 'movn', 'movk'])} ${r()}, #${next() & 0xffff}, lsl #${16 * (next() % (size / 16))}`;
    case 7:
      return `${pick(next, ['lsl', 'lsr', 'asr', 'ror'])} ${r()}, ${r()}, #${amount()}`;
    case 8:
      return `${pick(next, ['lsl', 'lsr', 'asr', 'ror'])} ${r()}, ${r()}, ${r()}`;
    case 9: {
      const lsb = next() % size;
      const width = 1 + (next() % (size - lsb));
      return `${pick(next, ['ubfx', 'sbfx', 'bfxil', 'ubfiz', 'sbfiz', 'bfi'])} ${r()}, ${r()}, #${lsb}, #${width}`;
    }
    case 10:
      return `extr ${r()}, ${r()}, ${r()}, #${amount()}`;
    case 11:
      return `${pick(next, ['mul', 'mneg'])} ${r()}, ${r()}, ${r()}`;
    case 12:
      return `${pick(next, ['madd', 'msub'])} ${r()}, ${r()}, ${r()}, ${r()}`;
    case 13:
      return `${pick(next, ['smull', 'umull'])} ${x()}, ${w()}, ${w()}`;
    case 14:
      return `${pick(next, ['smaddl', 'umsubl'])} ${x()}, ${w()}, ${w()}, ${x()}`;
    case 15:
      return `${pick(next, ['smulh', 'umulh'])} ${x()}, ${x()}, ${x()}`;
    case 16:
      return `${pick(next, ['udiv', 'sdiv'])} ${r()}, ${r()}, ${r()}`;
    case 17:
      return `${pick(next, ['csel', 'csinc', 'csinv', 'csneg'])} ${r()}, ${r()}, ${r()}, ${cond()}`;
    case 18:
      return `${pick(next, ['cset', 'csetm'])} ${r()}, ${cond()}`;
    case 19:
      return `${pick(next, ['cinc', 'cinv', 'cneg'])} ${r()}, ${r()}, ${cond()}`;
    case 20:
      return `${pick(next, ['ccmp', 'ccmn'])} ${r()}, ${r()}, #${next() % 16}, ${cond()}`;
    case 21:
      return `${pick(next, ['ccmp', 'ccmn'])} ${r()}, #${next() % 32}, #${next() % 16}, ${cond()}`;
    case 22:
      return `${pick(next, ['clz', 'cls', 'rbit', 'rev', 'rev16'])} ${r()}, ${r()}`;
    case 23:
      return `rev32 ${x()}, ${x()}`;
    case 24:
      return `${pick(next, ['cmp', 'cmn', 'tst'])} ${r()}, ${r()}`;
    case 25:
      return `${pick(next, ['cmp', 'cmn'])} ${r()}, #${next() % 4096}`;
    case 26:
      return `${pick(next, ['neg', 'negs', 'mvn'])} ${r()}, ${r()}`;
    case 27:
      return `mov ${r()}, #${(next() % 65536) - 32768}`;
    case 28:
      return `str ${r()}, [x20, #${off(size / 8)}]`;
    case 29:
      return `ldr ${r()}, [x20, #${off(size / 8)}]`;
    case 30:
      return `${pick(next, ['strb', 'strh'])} ${w()}, [x20, #${off(2)}]`;
    case 31:
      return next() & 1
        ? `${pick(next, ['ldrb', 'ldrh'])} ${w()}, [x20, #${off(2)}]`
        : `${pick(next, ['ldrsb', 'ldrsh'])} ${r()}, [x20, #${off(2)}]`;
    case 32:
      return `ldrsw ${x()}, [x20, #${off(4)}]`;
    case 33: {
      const a = next() % REGS;
      const b = (a + 1 + (next() % (REGS - 1))) % REGS;
      return `${pick(next, ['ldp', 'stp'])} ${p}${a}, ${p}${b}, [x20, #${off(size / 4) - (off(size / 4) % (size / 8))}]`;
    }
    case 34:
      return `stur ${r()}, [x20, #${1 + (next() % 200)}]`;
    case 35:
      return `ldur ${r()}, [x20, #${1 + (next() % 200)}]`;
    case 36:
      return `ldr ${r()}, [x20, x${14 + (next() % 2)}]`;
    case 37:
      return `mov ${r()}, ${r()}`;
    case 38:
      return next() & 1
        ? `${pick(next, ['sxtb', 'sxth'])} ${r()}, ${w()}`
        : `${pick(next, ['uxtb', 'uxth'])} ${w()}, ${w()}`;
    default:
      return `${pick(next, ['sxtw'])} ${x()}, w${next() % REGS}`;
  }
}

/** One program's source (a label-delimited block); `index` names its scratch buffer. */
export function program(next: () => number, index: number): string {
  const lines: string[] = [];
  lines.push(`  adrp x20, scratch${index}`, `  add x20, x20, :lo12:scratch${index}`);
  // Register offsets for the register-offset loads: small, aligned.
  lines.push(`  mov x14, #${(next() % 30) * 8}`, `  mov x15, #${(next() % 30) * 8}`);
  for (let r = 0; r < REGS; r++) {
    const parts = [next() & 0xffff, next() & 0xffff, next() & 0xffff, next() & 0xffff];
    lines.push(`  movz x${r}, #${parts[0]}`, `  movk x${r}, #${parts[1]}, lsl #16`);
    if (next() & 1) lines.push(`  movk x${r}, #${parts[2]}, lsl #32`, `  movk x${r}, #${parts[3]}, lsl #48`);
  }
  lines.push(`  mov x16, #${(next() % 16) * 2 ** 28}`, '  msr nzcv, x16');
  const body = 5 + (next() % 30);
  const loop = next() % 3 === 0;
  if (loop) lines.push(`  mov x13, #${1 + (next() % 20)}`, '1:');
  for (let i = 0; i < body; i++) lines.push(`  ${instruction(next)}`);
  if (loop) lines.push('  sub x13, x13, #1', '  cbnz x13, 1b');
  // Epilogue: dump x0..x12 and NZCV into the dump area, then write dump and scratch.
  lines.push('  mrs x16, nzcv', `  adrp x17, dump${index}`, `  add x17, x17, :lo12:dump${index}`);
  for (let r = 0; r < REGS; r += 1) lines.push(`  str x${r}, [x17, #${r * 8}]`);
  lines.push(`  str x16, [x17, #${REGS * 8}]`);
  lines.push('  mov x0, #1', '  mov x1, x17', `  mov x2, #${DUMP_BYTES}`, '  mov x8, #64', '  svc #0');
  return lines.join('\n');
}

/** A batch of programs in one source file, each with its dump area and scratch buffer. */
export function batch(seed: number, count: number): string {
  const next = rng(seed);
  const text: string[] = ['  .text', '  .global _start', '_start:'];
  const data: string[] = ['  .data'];
  for (let i = 0; i < count; i++) {
    text.push(program(next, i));
    data.push('  .align 4', `dump${i}:`, `  .zero ${13 * 8 + 8}`, `scratch${i}:`);
    const words: string[] = [];
    for (let k = 0; k < 32; k++)
      words.push(`0x${next().toString(16)}${next().toString(16).padStart(8, '0')}`);
    data.push(`  .quad ${words.join(', ')}`);
  }
  text.push('  mov x0, #0', '  mov x8, #93', '  svc #0');
  return `${text.join('\n')}\n${data.join('\n')}\n`;
}
