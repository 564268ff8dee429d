import { describe, expect, it } from 'vitest';
import { assemble } from '../src/assembler';
import { Builder, mem, post, pre, sp, xzr } from '../src/builder';
import { disassemble } from '../src/disassembler';
import { w1, w2, x0, x1, x2, x3, x29, x30 } from '../src/registers';

describe('typed builder', () => {
  it('encodes exactly what the text assembler encodes', () => {
    const a = new Builder();
    const top = a.label();
    const out = a.label();
    a.stp(x29, x30, pre(sp, -16))
      .mov(x0, 0x10000)
      .bind(top)
      .ldr(x3, mem(sp, 16))
      .add(x1, x2, x3, 'lsl', 3)
      .and(x2, x2, 0xff)
      .subs(x0, x0, 1)
      .b_cond('ne', top)
      .cbz(x1, out)
      .mul(w1, w1, w2)
      .bind(out)
      .ldp(x29, x30, post(sp, 16))
      .cset(x0, 'eq')
      .mov(x1, xzr)
      .ret();
    const text = assemble(`
      stp x29, x30, [sp, #-16]!
      mov x0, #0x10000
    1: ldr x3, [sp, #16]
      add x1, x2, x3, lsl #3
      and x2, x2, #0xff
      subs x0, x0, #1
      b.ne 1b
      cbz x1, 2f
      mul w1, w1, w2
    2: ldp x29, x30, [sp], #16
      cset x0, eq
      mov x1, xzr
      ret`);
    expect(Array.from(a.finish())).toEqual(Array.from(text.text));
  });

  it('emits any mnemonic through emit()', () => {
    const a = new Builder();
    a.emit('ubfx', x0, x1, 4, 8).emit('csel', x0, x1, x2, 'lt').emit('ldadd', x0, x1, mem(x2));
    expect(disassemble(a.finish()).map((l) => l.text)).toEqual([
      'ubfx\tx0, x1, #4, #8',
      'csel\tx0, x1, x2, lt',
      'ldadd\tx0, x1, [x2]',
    ]);
  });

  it('rejects out-of-range operands and unbound labels', () => {
    expect(() => new Builder().add(x0, x1, 5000)).toThrow(/out of range/);
    const a = new Builder();
    a.b(a.label('nowhere'));
    expect(() => a.finish()).toThrow(/undefined symbol 'nowhere'/);
  });

  it('rejects mixed register widths at compile time', () => {
    const a = new Builder();
    // @ts-expect-error: a 64-bit destination with a 32-bit source does not type-check.
    expect(() => a.add(x0, w1, x2)).toThrow(/register/);
    // @ts-expect-error: pairs must have one width.
    expect(() => a.stp(x0, w1, mem(sp))).toThrow(/register/);
  });
});
