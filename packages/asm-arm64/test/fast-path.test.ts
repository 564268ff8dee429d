/**
 * The fast paths (operand scanner plus compiled encoders) against the general matcher: random
 * operand choices of every covered encoding, as canonical text and with their immediates
 * replaced by random values (in and out of range), encoded both ways. Wherever the fast path
 * returns a word it must be the word, encoding and fixups of the general matcher's plain search;
 * everything else it must hand to the general matcher.
 */
import { describe, expect, it } from 'vitest';
import { compiledResult, encodeCompiled } from '../src/_encode-compiled';
import { scanInstruction } from '../src/_scan';
import { FALLBACK, Operands } from '../src/_shape';
import { disassembleWord, encodeTokens, setReplay, templateOf, tokenize } from '../src/instruction';
import { decodeEncoding, encodings } from '../src/tables';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const ops = new Operands();

/** Encodes one line both ways; returns whether the fast path answered. */
function both(line: string, failures: string[]): boolean {
  const m = /^(\S+)\s*(.*)$/.exec(line) as RegExpExecArray;
  const restColumn = line.length - m[2].length;
  const tokens = tokenize(m[2], restColumn);
  const slow = Array.isArray(tokens) ? encodeTokens(m[1], tokens, 0) : tokens;
  if (!scanInstruction(m[1], 0, line, restColumn, line.length, ops)) return false;
  const word = encodeCompiled(ops);
  if (word === FALLBACK) return false;
  if (!('word' in slow)) {
    failures.push(`${line}: fast ${word.toString(16)}, general: ${slow.message}`);
    return true;
  }
  const fixups = compiledResult.fixups.map((f) => ({ ...f }));
  if (slow.word !== word || slow.encoding !== compiledResult.encoding)
    failures.push(`${line}: fast ${word.toString(16)}, general ${slow.word.toString(16)}`);
  else if (JSON.stringify(fixups) !== JSON.stringify(slow.fixups))
    failures.push(`${line}: fixups ${JSON.stringify(fixups)} vs ${JSON.stringify(slow.fixups)}`);
  return true;
}

describe('fast path vs the general matcher', () => {
  it('agrees on random operands of every covered encoding', () => {
    const was = setReplay(false);
    try {
      const next = rng(0xfa57);
      const failures: string[] = [];
      let compared = 0;
      let fast = 0;
      let baseCompared = 0;
      let baseFast = 0;
      const perEncoding = 24;
      for (const e of encodings()) {
        if (!templateOf(e, null)) continue;
        const base = /^(dpimm|dpreg|ldst|control)\//.test(e.group) && !e.feature;
        for (let i = 0; i < perEncoding; i++) {
          const w = ((next() & ~e.mask) | e.value) >>> 0;
          if (decodeEncoding(w) !== e) continue;
          const text = disassembleWord(w, 0x1000);
          if (text === null) continue;
          // Canonical text, then the same operands with other immediates (in and out of range).
          const variants = [
            text,
            text.replace(/#(-?)(\d+)\b(?!\.)/g, () => `#${(next() % 9000) - 1000}`),
            text.replace(/#0x[0-9a-f]+/g, () => `#0x${(next() * 0x10).toString(16)}`),
            text.replace(/\b([xw])(\d+)\b/g, (_s, c) => `${c}${next() % 32}`),
          ];
          for (const line of variants) {
            compared++;
            if (base) baseCompared++;
            if (both(line, failures)) {
              fast++;
              if (base) baseFast++;
            }
          }
        }
      }
      // Labels, local labels, conditions, aliases and register names the canonical text omits.
      const extra = [
        'b.eq target',
        'b.hs 1f',
        'bl Func',
        'cbz x3, .Lloop',
        'tbnz w3, #5, back',
        'adrp x0, page',
        'adr x1, here',
        'ldr x0, lit',
        'mov x0, #0xffff0000',
        'mov w0, #0xffff0000',
        'mov x0, #-1',
        'mov x0, #0x5555555555555',
        'mov x29, sp',
        'mov sp, x0',
        'add fp, sp, #16',
        'ldr x0, [x1, #-8]',
        'ldr w0, [x1, #3]',
        'ldr x0, [x1, #32760]',
        'ldr x0, [x1, #32768]',
        'str x30, [sp, #-16]!',
        'ldp x29, x30, [sp], #16',
        'ldr x0, [x1, x2, lsl #3]',
        'ldr x0, [x1, w2, sxtw]',
        'ldr x0, [x1, w2, uxtw #3]',
        'add x0, x1, w2, uxtw #2',
        'add x0, x1, x2, lsl #63',
        'add w0, w1, w2, lsl #31',
        'add w0, w1, w2, lsl #32',
        'add x0, x1, #4095',
        'add x0, x1, #4096',
        'add x0, x1, #1, lsl #12',
        'and x0, x1, #0xff',
        'and w0, w1, #0x3',
        'orr x0, xzr, #0xaaaaaaaaaaaaa',
        'cset w0, ne',
        'csel x0, x1, x2, cs',
        'cinc x0, x1, al',
        'lsl x0, x1, #3',
        'ubfx x0, x1, #4, #8',
        'bfi w0, w1, #30, #4',
        'ret',
        'ret x1',
        'B.NE target',
        'ADD X0, X1, #1',
        'ldr q0, [x0, #16]',
        'add v0.4s, v1.4s, v2.4s',
        'add v0.4s, v1.4s, v2.2d',
        'ld1 {v0.16b}, [x0]',
        'saddl2 v0.8h, v1.16b, v2.16b',
        'svc #0',
        'nop',
        'msr nzcv, x0',
        'mrs x0, nzcv',
        'dmb ish',
        'ldaxr x0, [x1]',
        'stlxr w2, x0, [x1]',
        'stlxr w0, x0, [x1]',
        'ldp x0, x0, [x1]',
        'fmov d0, #1.5',
        'fadd d0, d1, d2',
        'fcmp d0, #0.0',
        'fcmp s0, #0',
        'mov w0, w1',
        'mov x0, x1',
        'cmp x0, #4',
        'cmn w0, #4',
        'neg x0, x1',
        'tst x0, #0xff',
      ];
      for (const line of extra) {
        compared++;
        if (both(line, failures)) fast++;
      }
      console.log(
        `fast path vs matcher: ${compared} (${fast} through compiled encoders; base ISA ${baseFast} of ${baseCompared})`,
      );
      expect(failures.slice(0, 20)).toEqual([]);
      // The compiled encoders must carry the base ISA: most of it, not a few lucky shapes.
      expect(baseFast / baseCompared).toBeGreaterThan(0.75);
    } finally {
      setReplay(was);
    }
  });
});
