/**
 * A realistic instruction mix, as typed-builder calls and as the same program in text: loads and
 * stores with offsets and writeback, pairs, arithmetic with immediates and registers, wide and
 * logical immediates, compares, conditional and unconditional branches to labels, calls. Blocks
 * of 16 instructions, each with its own label; branches go back to the block and forward to the
 * next one.
 */
import * as source from '../src/index';

/** The package's API as the mix uses it: the sources, or the built `dist/` (same exports). */
export type MixApi = typeof source;

/** Instructions per block. */
export const BLOCK_INSTRUCTIONS = 16;

/** Builds `blocks` blocks with the typed builder; returns the code. */
export function buildMix(blocks: number, api: MixApi = source): Uint8Array {
  const { Builder, mem, pre, sp, w12, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11 } = api;
  const a = new Builder();
  const labels = [];
  for (let i = 0; i <= blocks; i++) labels.push(a.label());
  for (let i = 0; i < blocks; i++) {
    const top = labels[i];
    const next = labels[i + 1];
    a.bind(top)
      .ldr(x3, mem(x1, 16))
      .add(x0, x0, x3)
      .str(x0, mem(x2, (i & 63) * 8))
      .ldp(x4, x5, mem(sp, 32))
      .stp(x4, x5, pre(sp, -16))
      .mov(x6, 4242 + i)
      .movk(x6, 0x1234, 16)
      .and(x7, x6, 0xff)
      .subs(x8, x8, 1)
      .cmp(x0, x1)
      .b_cond('ne', top)
      .cbz(x9, next)
      .bl(top)
      .lsl(x10, x11, 3)
      .cset(w12, 'eq')
      .b(next);
  }
  a.bind(labels[blocks]);
  return a.finish();
}

/** The same program as text. */
export function mixSource(blocks: number): string {
  const out: string[] = [];
  for (let i = 0; i < blocks; i++) {
    out.push(
      `.L${i}:`,
      '\tldr x3, [x1, #16]',
      '\tadd x0, x0, x3',
      `\tstr x0, [x2, #${(i & 63) * 8}]`,
      '\tldp x4, x5, [sp, #32]',
      '\tstp x4, x5, [sp, #-16]!',
      `\tmov x6, #${4242 + i}`,
      '\tmovk x6, #0x1234, lsl #16',
      '\tand x7, x6, #0xff',
      '\tsubs x8, x8, #1',
      '\tcmp x0, x1',
      `\tb.ne .L${i}`,
      `\tcbz x9, .L${i + 1}`,
      `\tbl .L${i}`,
      '\tlsl x10, x11, #3',
      '\tcset w12, eq',
      `\tb .L${i + 1}`,
    );
  }
  out.push(`.L${blocks}:`);
  return out.join('\n');
}
