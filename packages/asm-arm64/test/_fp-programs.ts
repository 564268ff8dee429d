/**
 * Random scalar floating-point programs for the interpreter-versus-QEMU differential. Each program
 * loads d0..d7 from bit patterns chosen to reach the corners (signed zeros, subnormals, the largest
 * and smallest normals, infinities, quiet and signalling NaNs with payloads, integers near 2^31,
 * 2^53 and 2^63, random bits), runs a straight-line or looping body of FP instructions over
 * s0..s7/d0..d7 and x0..x7, and writes q0..q7 (so the zeroed upper halves are compared too),
 * x0..x7 and NZCV to stdout.
 */
import { rng } from './_programs';

/** Bytes each program writes: q0..q7, x0..x7, NZCV. */
export const FP_DUMP_BYTES = 8 * 16 + 8 * 8 + 8;

const INTERESTING_DOUBLES = [
  0x0000000000000000n, // +0
  0x8000000000000000n, // -0
  0x3ff0000000000000n, // 1
  0xbff8000000000000n, // -1.5
  0x0000000000000001n, // smallest subnormal
  0x000fffffffffffffn, // largest subnormal
  0x0010000000000000n, // smallest normal
  0x7fefffffffffffffn, // largest normal
  0x7ff0000000000000n, // +inf
  0xfff0000000000000n, // -inf
  0x7ff8000000000000n, // default NaN
  0x7ff4000000000123n, // signalling NaN with a payload
  0xfffc000000000456n, // negative quiet NaN with a payload
  0x41dfffffffc00000n, // 2^31 - 1
  0x41e0000000000000n, // 2^31
  0x4340000000000001n, // 2^53 + 2
  0x43e0000000000000n, // 2^63
  0x3fe0000000000000n, // 0.5
  0x4004000000000000n, // 2.5
  0xc00c000000000000n, // -3.5
];
const INTERESTING_SINGLES = [
  0x00000000n,
  0x80000000n,
  0x3f800000n,
  0x00000001n,
  0x007fffffn,
  0x00800000n,
  0x7f7fffffn,
  0x7f800000n,
  0xff800000n,
  0x7fc00000n,
  0x7fa00123n, // signalling
  0xffc00456n,
  0x4effffffn, // 2^31 - 128
  0x4f000000n, // 2^31
  0x3fc00000n, // 1.5
  0x40200000n, // 2.5
];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[next() % list.length];
}

function randomBits(next: () => number): bigint {
  return (BigInt(next()) << 32n) | BigInt(next());
}

/** A 64-bit pattern for one FP register: a double corner, a single corner in the low half, or random. */
function pattern(next: () => number): bigint {
  switch (next() % 4) {
    case 0:
      return pick(next, INTERESTING_DOUBLES);
    case 1:
      return pick(next, INTERESTING_SINGLES) | (randomBits(next) & 0xffffffff00000000n);
    case 2: {
      // A modest double, so that arithmetic stays in range and exercises rounding.
      const exponent = BigInt(1023 - 40 + (next() % 80));
      return (BigInt(next() & 1) << 63n) | (exponent << 52n) | (randomBits(next) & 0xfffffffffffffn);
    }
    default:
      return randomBits(next);
  }
}

function instruction(next: () => number): string {
  const t = next() & 1 ? 'd' : 's';
  const r = () => `${t}${next() % 8}`;
  const cond = () =>
    pick(next, ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le']);
  const x = () => `x${next() % 8}`;
  const w = () => `w${next() % 8}`;
  const gp = () => (t === 'd' ? x() : w());
  switch (next() % 16) {
    case 0:
    case 1:
    case 2:
      return `${pick(next, ['fadd', 'fsub', 'fmul', 'fdiv', 'fnmul'])} ${r()}, ${r()}, ${r()}`;
    case 3:
      return `${pick(next, ['fabs', 'fneg', 'fsqrt', 'fmov'])} ${r()}, ${r()}`;
    case 4:
      return next() & 1 ? `fcvt d${next() % 8}, s${next() % 8}` : `fcvt s${next() % 8}, d${next() % 8}`;
    case 5:
      return next() & 1
        ? `${pick(next, ['fcmp', 'fcmpe'])} ${r()}, ${r()}`
        : `${pick(next, ['fcmp', 'fcmpe'])} ${r()}, #0.0`;
    case 6:
      return `${pick(next, ['fccmp', 'fccmpe'])} ${r()}, ${r()}, #${next() % 16}, ${cond()}`;
    case 7:
      return `fcsel ${r()}, ${r()}, ${r()}, ${cond()}`;
    case 8:
      return `fmov ${r()}, #${pick(next, ['1.0', '-2.5', '0.125', '31.0', '-0.1875', '17.0'])}`;
    case 9:
      return `${pick(next, ['fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtnu', 'fcvtas', 'fcvtau', 'fcvtms', 'fcvtmu', 'fcvtps', 'fcvtpu'])} ${next() & 1 ? x() : w()}, ${r()}`;
    case 10:
      return `${pick(next, ['scvtf', 'ucvtf'])} ${r()}, ${next() & 1 ? x() : w()}`;
    case 11:
      return next() & 1 ? `fmov ${gp()}, ${t}${next() % 8}` : `fmov ${t}${next() % 8}, ${gp()}`;
    case 12:
      return `str ${r()}, [x20, #${(next() % 16) * (t === 'd' ? 8 : 4)}]`;
    case 13:
      return `ldr ${r()}, [x20, #${(next() % 16) * (t === 'd' ? 8 : 4)}]`;
    case 14:
      return `${pick(next, ['stp', 'ldp'])} ${t}${next() % 4}, ${t}${4 + (next() % 4)}, [x20, #${(next() % 8) * (t === 'd' ? 8 : 4)}]`;
    default:
      return `${pick(next, ['stur', 'ldur'])} ${r()}, [x20, #${1 + (next() % 100)}]`;
  }
}

/** One program's source; `index` names its scratch and dump areas. */
function program(next: () => number, index: number): string {
  const lines: string[] = [`  adrp x20, fpscratch${index}`, `  add x20, x20, :lo12:fpscratch${index}`];
  for (let r = 0; r < 8; r++) lines.push(`  ldr d${r}, [x20, #${r * 8}]`);
  for (let r = 0; r < 8; r++) {
    const v = randomBits(next);
    lines.push(
      `  movz x${r}, #${Number(v & 0xffffn)}`,
      `  movk x${r}, #${Number((v >> 16n) & 0xffffn)}, lsl #16`,
    );
    if (next() & 1) lines.push(`  movk x${r}, #${Number((v >> 48n) & 0xffffn)}, lsl #48`);
  }
  lines.push(`  mov x16, #${(next() % 16) * 2 ** 28}`, '  msr nzcv, x16');
  const body = 5 + (next() % 30);
  const loop = next() % 3 === 0;
  if (loop) lines.push(`  mov x13, #${1 + (next() % 10)}`, '1:');
  for (let i = 0; i < body; i++) lines.push(`  ${instruction(next)}`);
  if (loop) lines.push('  sub x13, x13, #1', '  cbnz x13, 1b');
  lines.push('  mrs x16, nzcv', `  adrp x17, fpdump${index}`, `  add x17, x17, :lo12:fpdump${index}`);
  for (let r = 0; r < 8; r++) lines.push(`  str q${r}, [x17, #${r * 16}]`);
  for (let r = 0; r < 8; r++) lines.push(`  str x${r}, [x17, #${128 + r * 8}]`);
  lines.push('  str x16, [x17, #192]');
  lines.push('  mov x0, #1', '  mov x1, x17', `  mov x2, #${FP_DUMP_BYTES}`, '  mov x8, #64', '  svc #0');
  return lines.join('\n');
}

/** A batch of FP programs in one source file. */
export function fpBatch(seed: number, count: number): string {
  const next = rng(seed);
  const text: string[] = ['  .text', '  .global _start', '_start:'];
  const data: string[] = ['  .data'];
  for (let i = 0; i < count; i++) {
    text.push(program(next, i));
    const words = Array.from({ length: 32 }, () => `0x${pattern(next).toString(16)}`);
    data.push('  .align 4', `fpdump${i}:`, `  .zero ${FP_DUMP_BYTES}`, '  .align 4', `fpscratch${i}:`);
    data.push(`  .quad ${words.join(', ')}`);
  }
  text.push('  mov x0, #0', '  mov x8, #93', '  svc #0');
  return `${text.join('\n')}\n${data.join('\n')}\n`;
}
