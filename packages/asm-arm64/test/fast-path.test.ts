/**
 * The fast paths (operand scanner plus compiled encoders) against the general matcher: random
 * operand choices of every covered encoding, as canonical text and with their immediates
 * replaced by random values (in and out of range), encoded both ways. Wherever the fast path
 * returns a word it must be the word, encoding and fixups of the general matcher's plain search;
 * everything else it must hand to the general matcher.
 */
import { describe, expect, it } from 'vitest';
import { compiledResult, encodeCompiled, setCompiledEncoders } from '../src/_encode-compiled';
import { scanInstruction } from '../src/_scan';
import { FALLBACK, Operands } from '../src/_shape';
import { compileUndefined } from '../src/_undefined-compile';
import { assemble } from '../src/assembler';
import { Builder, mem, post, pre, sp, W, wzr, X, xzr } from '../src/builder';
import {
  consistent,
  disassembleWord,
  encodeTokens,
  mayBeUnpredictable,
  setReplay,
  templateOf,
  tokenize,
  unpredictable,
  unpredictableTest,
} from '../src/instruction';
import { decodeEncoding, type Encoding, encodings, mayBeUndefined, undefinedReason } from '../src/tables';

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
  const fixups = compiledResult.fixups.slice(0, compiledResult.fixupCount).map((f) => ({ ...f }));
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
      // 10 operand choices × 4 spellings per encoding: ~8 × 10^4 lines, a fifth of the project's time budget.
      const perEncoding = 10;
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

describe('builder and assembler: compiled encoders vs the general path', () => {
  it('gives the same code and the same errors for random typed-builder programs', () => {
    const seeds = rng(0xb17d);
    // Each program is drawn twice from the same seed, once per path.
    let next = rng(1);
    const pick = <T>(list: readonly T[]): T => list[next() % list.length];
    const xs = [...X, xzr];
    const ws = [...W, wzr];
    const imm = (): number => {
      const r = next() % 6;
      if (r === 0) return next() % 4096;
      if (r === 1) return (next() % 1_000_000) - 500_000;
      if (r === 2) return next() * 0x10000 + (next() & 0xffff);
      if (r === 3) return -(next() % 65536);
      if (r === 4) return (next() % 64) * 8;
      return next() % 64;
    };
    const memOf = () => {
      const base = pick([...X, sp]);
      const offset = pick([0, imm(), (next() % 512) - 256, (next() % 64) * 8]);
      const r = next() % 3;
      return r === 0 ? mem(base, offset) : r === 1 ? pre(base, offset) : post(base, offset);
    };
    const conds = ['eq', 'ne', 'hs', 'lo', 'mi', 'gt', 'le', 'al', 'EQ'] as const;
    const shifts = ['lsl', 'lsr', 'asr', 'ror'] as const;
    type Step = (a: Builder, labels: ReturnType<Builder['label']>[]) => void;
    const steps: (() => Step)[] = [
      () => {
        const [rd, rn] = [pick(xs), pick([...X, sp])];
        const op = next() % 2 ? imm() : pick(X);
        const s = next() % 3 === 0 ? pick(shifts) : undefined;
        const amount = next() % 70;
        return (a) => a.add(rd, rn, op, s, amount);
      },
      () => {
        const [rd, rn, rm] = [pick(ws), pick(ws), pick(ws)];
        return (a) => a.sub(rd, rn, next() % 2 ? imm() : rm);
      },
      () => {
        const [rd, rn, op] = [pick(xs), pick(xs), imm()];
        return (a) => a.subs(rd, rn, op).adds(rd, rn, op).cmp(rn, op);
      },
      () => {
        const [rd, v] = [pick([...xs, sp]), imm()];
        return (a) => a.mov(rd, next() % 4 ? v : pick(X));
      },
      () => {
        const [rd, v] = [pick(ws), imm()];
        return (a) => a.mov(rd, v);
      },
      () => {
        const [rd, v, sh] = [pick(xs), imm(), pick([0, 16, 32, 48, 8])];
        return (a) => a.movk(rd, v, sh);
      },
      () => {
        const [rd, rn] = [pick(xs), pick(xs)];
        const v = pick([0xff, 0xf0f0, 0x5555, imm(), 3, 0x7ffffffe]);
        return (a) =>
          a
            .and(rd, rn, v)
            .orr(rd, rn, v)
            .eor(rd, rn, next() % 2 ? v : pick(X));
      },
      () => {
        const [rd, rn, v] = [pick(xs), pick(xs), next() % 70];
        return (a) => a.lsl(rd, rn, v).lsr(rd, rn, next() % 2 ? v : pick(X));
      },
      () => {
        const [rd, rn, rm] = [pick(ws), pick(ws), pick(ws)];
        return (a) => a.mul(rd, rn, rm).udiv(rd, rn, rm);
      },
      () => {
        const [rt, m] = [pick([...xs, ...ws]), memOf()];
        return (a) => a.ldr(rt, m).str(rt, m);
      },
      () => {
        const [rt, m] = [pick(ws), memOf()];
        return (a) => a.ldrb(rt, m).strb(rt, m);
      },
      () => {
        const [rt, rt2, m] = [pick(X), pick(X), memOf()];
        return (a) => a.ldp(rt, rt2, m).stp(rt, rt2, m);
      },
      () => {
        const c = pick(conds);
        const rt = pick(xs);
        return (a, labels) =>
          a
            .b(pick(labels))
            .bl(pick(labels))
            .b_cond(c as 'eq', pick(labels))
            .cbz(rt, pick(labels))
            .cbnz(rt, pick(labels))
            .adr(pick(X), pick(labels))
            .ldr(rt, pick(labels));
      },
      () => {
        const [rd, c] = [pick(ws), pick(conds)];
        return (a) => a.cset(rd, c as 'eq');
      },
      () => {
        const v = imm();
        return (a) => a.svc(v).nop().ret().ret(pick(X));
      },
      () => {
        const [rd, rn] = [pick(xs), pick(xs)];
        const v = imm();
        return (a) =>
          a
            .emit('ubfx', rd, rn, v % 70, (v >> 3) % 70)
            .emit('csel', rd, rn, pick(X), pick(conds))
            .emit('tst', rn, v);
      },
    ];
    let instructions = 0;
    const failures: string[] = [];
    for (let program = 0; program < 400; program++) {
      const seed = seeds();
      const run = (compiled: boolean): string => {
        next = rng(seed);
        const plan: Step[] = [];
        for (let i = 0; i < 40; i++) plan.push(pick(steps)());
        const was = setCompiledEncoders(compiled);
        try {
          const a = new Builder();
          const labels = [a.label(), a.label(), a.label(), a.label('Named')];
          const errors: string[] = [];
          plan.forEach((step, i) => {
            if (i % 10 === 0 && labels.length > i / 10) a.bind(labels[i / 10]);
            try {
              step(a, labels);
            } catch (err) {
              errors.push((err as Error).message);
            }
          });
          let code: string;
          try {
            code = Buffer.from(a.finish()).toString('hex');
          } catch (err) {
            code = (err as Error).message;
          }
          if (compiled) instructions += a.length;
          return `${code}\n${errors.join('\n')}`;
        } finally {
          setCompiledEncoders(was);
        }
      };
      const fast = run(true);
      const general = run(false);
      if (fast !== general) failures.push(`program ${program}:\n${fast}\n---\n${general}`);
    }
    console.log(`builder fast path vs matcher: ${instructions} instructions in 400 programs`);
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it('assembles the corpus and its broken variants the same way with and without compiled encoders', () => {
    const next = rng(0x7e47);
    let lines = 0;
    const failures: string[] = [];
    const pool = encodings().filter(
      (e) => templateOf(e, null) && /^(dpimm|dpreg|ldst|control)\//.test(e.group),
    );
    for (let module = 0; module < 60; module++) {
      const src: string[] = ['.equ FOUR, 4', 'start:'];
      for (let i = 0; i < 200; i++) {
        const e = pool[next() % pool.length];
        const text = disassembleWord(((next() & ~e.mask) | e.value) >>> 0, 0x401000);
        if (text === null) continue;
        const r = next() % 12;
        if (r === 0 && module % 3 === 0)
          src.push(`${i}: ${text.replace(/#(-?\d+)/, () => `#${(next() % 9000) - 4500}`)}`);
        else if (r === 1) src.push(text.replace(/#(-?\d+)/, '#FOUR'));
        else if (r === 2) src.push(`L${i}: ${text}\r`);
        else if (r === 3) src.push(`  b.ne ${next() % 2 ? 'start' : `${i - 1}b`} // back`);
        else src.push(`\t${text.toUpperCase()} ; comment`);
      }
      // An `.equ` defined after its use (`b LATER` branches to offset 8, not to a label).
      src.push('b LATER', 'cbz x0, LATER', '.equ LATER, 8');
      const source = src.join('\n');
      const run = (compiled: boolean): string => {
        const was = setCompiledEncoders(compiled);
        try {
          return Buffer.from(assemble(source).text).toString('hex');
        } catch (err) {
          return (err as Error).message;
        } finally {
          setCompiledEncoders(was);
        }
      };
      lines += src.length;
      const fast = run(true);
      const general = run(false);
      if (fast !== general)
        failures.push(`module ${module}: ${fast.slice(0, 200)} vs ${general.slice(0, 200)}`);
    }
    console.log(`text assembly fast path vs matcher: ${lines} lines in 60 modules`);
    expect(failures.slice(0, 3)).toEqual([]);
  });
});

describe('rules the compiled encoders look up once per encoding', () => {
  it('undefinedReason and consistent have no rule outside the groups the compiler lists', () => {
    const next = rng(0x0dd);
    let words = 0;
    const failures: string[] = [];
    const undefinedTests = new Map<Encoding, ((word: number) => boolean) | null>();
    const unpredictableTests = new Map<Encoding, (word: number) => boolean>();
    for (const e of encodings()) {
      const regoff = e.group.endsWith('/ldst_regoff') || e.group.endsWith('/addsub_ext');
      for (let i = 0; i < 64; i++) {
        const w = ((next() & ~e.mask) | e.value) >>> 0;
        words++;
        if (!mayBeUndefined(e) && undefinedReason(e, w) !== null)
          failures.push(`${e.name}: ${undefinedReason(e, w)}`);
        // The compiled test (shifts on resolved fields) answers as the rules read by name.
        const compiled = undefinedTests.get(e) ?? compileUndefined(e);
        undefinedTests.set(e, compiled);
        if ((compiled?.(w) ?? false) !== (undefinedReason(e, w) !== null))
          failures.push(`${e.name} ${w.toString(16)}: compiled UNDEFINED test disagrees`);
        if (mayBeUnpredictable(e)) {
          const test = unpredictableTests.get(e) ?? unpredictableTest(e);
          unpredictableTests.set(e, test);
          if (test(w) !== (unpredictable(e, w) !== null))
            failures.push(`${e.name} ${w.toString(16)}: compiled UNPREDICTABLE test disagrees`);
        }
        if (!regoff && !(consistent(e, w, 'w') && consistent(e, w, 'x') && consistent(e, w, undefined)))
          failures.push(`${e.name}: consistent() has a rule`);
      }
    }
    console.log(`per-encoding rule checks: ${words} words`);
    expect(failures.slice(0, 5)).toEqual([]);
  });
});

describe('DESIGN.md worked example', () => {
  it('mov goes through the MOVZ candidate, then the MOVN one, in the compiled path', () => {
    const cases: [string, number][] = [
      ['mov x1, #42', 0xd2800541],
      ['mov x1, #-1', 0x92800001],
    ];
    for (const [line, want] of cases) {
      expect(scanInstruction('mov', 0, line, 4, line.length, ops)).toBe(true);
      expect(ops.key).toBe('MOV x,n');
      expect(encodeCompiled(ops)).toBe(want);
      expect(compiledResult.encoding?.name).toBe(
        want === 0xd2800541 ? 'MOVZ_64_movewide' : 'MOVN_64_movewide',
      );
    }
  });
});

describe('regressions', () => {
  it('keeps instructions on lines that end in CR (CRLF sources)', () => {
    // The line splitter's /^(\s*)(\S+)\s*(.*)$/ failed on a trailing CR and dropped the line.
    const m = assemble('mov x0, #1\r\nadd x0, x0, x1\r\nret\r\n');
    expect(m.instructionCount).toBe(3);
    expect(Array.from(new Uint32Array(m.text.buffer, 0, 3))).toEqual([0xd2800020, 0x8b010000, 0xd65f03c0]);
  });
});
