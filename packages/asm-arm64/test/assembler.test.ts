import { describe, expect, it } from 'vitest';
import { AsmError, assemble } from '../src/assembler';
import { disassembleWord } from '../src/instruction';

function words(text: Uint8Array, count = text.length / 4): number[] {
  const v = new DataView(text.buffer, text.byteOffset);
  return Array.from({ length: count }, (_, i) => v.getUint32(i * 4, true));
}

function listing(source: string): string[] {
  const m = assemble(source);
  return words(m.text, m.instructionCount).map((w) => (disassembleWord(w) ?? '?').replace(/\s+/g, ' '));
}

function error(source: string): AsmError {
  try {
    assemble(source);
  } catch (e) {
    if (e instanceof AsmError) return e;
    throw e;
  }
  throw new Error('expected an AsmError');
}

describe('text assembler', () => {
  it('resolves forward and backward labels', () => {
    expect(listing('start: b end\n nop\nend: b start')).toEqual(['b #8', 'nop', 'b #-8']);
  });

  it('resolves numeric local labels to the nearest definition', () => {
    expect(listing('1: nop\n b 1b\n b 1f\n1: b 1b')).toEqual(['nop', 'b #-4', 'b #4', 'b #0']);
  });

  it('accepts LLVM aliases', () => {
    expect(
      listing(
        'mov x0, #0x10000\n mov w1, #-1\n cmp x2, #4\n lsl x3, x4, #3\n cset w5, eq\n mov x6, sp\n ret',
      ),
    ).toEqual([
      'mov x0, #65536',
      'mov w1, #-1',
      'cmp x2, #4',
      'lsl x3, x4, #3',
      'cset w5, eq',
      'mov x6, sp',
      'ret',
    ]);
  });

  it('pairs adrp with :lo12: and places literal pools after the code', () => {
    const m = assemble(
      ' adrp x0, msg\n add x0, x0, :lo12:msg\n ldr x1, =0x1122334455667788\n .data\nmsg: .asciz "hi"',
    );
    const [adrp, add, ldr] = words(m.text, 3);
    const page = (m.dataAddress >> 12) - (m.textAddress >> 12);
    expect((((adrp >>> 29) & 3) | (((adrp >>> 5) & 0x7ffff) << 2)) >>> 0).toBe(page);
    expect((add >>> 10) & 0xfff).toBe(m.dataAddress & 0xfff);
    const offset = ((ldr >>> 5) & 0x7ffff) * 4;
    const pool = new DataView(m.text.buffer).getBigUint64(8 + offset, true);
    expect(pool).toBe(0x1122334455667788n);
    expect(new TextDecoder().decode(m.data)).toBe('hi\0');
  });

  it('loads literals as llvm-mc does: one MOVZ when it suffices, X/W destinations only', () => {
    // Words from `llvm-mc -triple=aarch64 -show-encoding` (LLVM 14) for the same lines.
    const movz: [string, number][] = [
      ['ldr x0, =0x10000', 0xd2a00020],
      ['ldr w2, =0x10000', 0x52a00022],
      ['ldr x4, =0xffff000000000000', 0xd2ffffe4],
      ['ldr w5, =0xffff0000', 0x52bfffe5],
      ['ldr x6, =0', 0xd2800006],
    ];
    for (const [line, word] of movz) expect(words(assemble(line).text, 1)[0], line).toBe(word);
    // Not one MOVZ chunk: a pool slot, loaded by LDR (literal), 8 bytes per slot.
    for (const [line, value] of [
      ['ldr x1, =0x12345', 0x12345n],
      ['ldr x7, =-1', 0xffffffffffffffffn],
      ['ldr w9, =-1', 0xffffffffffffffffn],
    ] as const) {
      const m = assemble(line);
      const [ldr] = words(m.text, 1);
      expect((ldr >>> 24) & 0xbf, line).toBe(0x18);
      const offset = ((ldr >>> 5) & 0x7ffff) * 4;
      expect(new DataView(m.text.buffer).getBigUint64(offset, true), line).toBe(value);
    }
    // llvm-mc refuses each of these.
    for (const [line, column] of [
      ['ldr q0, =1', 5],
      ['ldr d0, =1', 5],
      ['ldrsw x0, =1', 11],
      ['ldr w0, =0x1ffffffff', 10],
      ['ldr w0, =-0x80000001', 10],
    ] as const) {
      const error = (() => {
        try {
          assemble(line);
        } catch (e) {
          return e;
        }
      })();
      expect(error, line).toBeInstanceOf(AsmError);
      expect((error as AsmError).column, line).toBe(column);
    }
  });

  it('lays out data directives with alignment', () => {
    const m = assemble(
      ' .data\na: .byte 1, 2\n .align 3\nb: .quad -1\nc: .hword 0x1234\n .word b\n .ascii "x\\n"',
    );
    expect(m.symbols.get('b')).toBe(m.dataAddress + 8);
    expect(Array.from(m.data.slice(0, 2))).toEqual([1, 2]);
    expect(Array.from(m.data.slice(8, 16))).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    expect(new DataView(m.data.buffer).getUint16(16, true)).toBe(0x1234);
    expect(new DataView(m.data.buffer).getUint32(18, true)).toBe(m.dataAddress + 8);
    expect(Array.from(m.data.slice(22))).toEqual([120, 10]);
  });

  it('evaluates .equ and expressions in immediates', () => {
    expect(listing(" .equ N, 12\n add x0, x0, #N\n add x1, x1, #(N * 2 + 1)\n mov x2, #'A'")).toEqual([
      'add x0, x0, #12',
      'add x1, x1, #25',
      'mov x2, #65',
    ]);
  });

  it('marks .global names and picks _start as the entry', () => {
    const m = assemble(' .global _start\n nop\n_start: nop');
    expect(m.globals.has('_start')).toBe(true);
    expect(m.entry).toBe(m.textAddress + 4);
  });

  it('reports out-of-range immediates with line and column', () => {
    const e = error('nop\n  add x0, x1, #5000');
    expect([e.line, e.column]).toEqual([2, 16]);
    expect(e.message).toMatch(/out of range \[0, 4095\]/);
  });

  it('reports wrong register classes', () => {
    const e = error('  add w0, x1, #1');
    expect([e.line, e.column]).toEqual([1, 11]);
    expect(e.message).toMatch(/32-bit register/);
  });

  it('reports branch targets out of range', () => {
    const e = error('  cbz x0, far\n .zero 2000000\nfar: nop');
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/out of range/);
  });

  it('reports unaligned branch targets, unknown mnemonics, symbols and directives', () => {
    expect(error(' b x\n .byte 0\nx: nop').message).toMatch(/not aligned|aligned to 4/);
    expect(error('  frob x0').message).toMatch(/unknown mnemonic 'frob'/);
    expect(error('  b nowhere').message).toMatch(/undefined symbol 'nowhere'/);
    expect(error('  .frob 1').message).toMatch(/unknown directive/);
    expect(error('a: nop\na: nop').message).toMatch(/already defined/);
  });

  it('names cache maintenance operations as LLVM does (encodings from llvm-mc)', () => {
    const m = assemble(
      'dc civac, x0\ndc zva, x1\ndc cvau, x2\ndc ivac, x3\nic iallu\nic ivau, x9\nic ialluis',
    );
    expect(words(m.text).map((w) => w.toString(16))).toEqual([
      'd50b7e20',
      'd50b7421',
      'd50b7b22',
      'd5087623',
      'd508751f',
      'd50b7529',
      'd508711f',
    ]);
    expect(listing('ic iallu\nsys #0, c7, c5, #0, x3')).toEqual(['ic iallu', 'sys #0, c7, c5, #0, x3']);
    expect(error('  ic iallu, x0').message).toMatch(/takes no register/);
    expect(error('  ic ivau').message).toMatch(/needs a register/);
  });

  it('refuses immediates that are not logical immediates', () => {
    expect(error('  and x0, x1, #5').message).toMatch(/not a valid logical immediate/);
  });

  it('refuses encodings LLVM calls unpredictable', () => {
    expect(error('  stxr w0, x0, [x1]').message).toMatch(/unpredictable/);
    expect(error('  ldr x0, [x0], #8').message).toMatch(/unpredictable/);
  });
});
