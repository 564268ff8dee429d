/**
 * The text assembler against LLVM on the spellings people write: a generated corpus of
 * alternative forms (`test/_spellings.ts`: immediates at and past every boundary, negative and
 * shifted immediates, hex, aliases, condition synonyms, register ranges) goes in one batch to
 * `llvm-mc -show-encoding` and, line by line, to `assemble()`. Where LLVM encodes a line we must
 * produce its bytes; where LLVM refuses it we must refuse it with an `AsmError` carrying the line
 * and column, never a word. The few lines where LLVM 14 truncates a value into a field (or reads a
 * register other than the one written) are listed below with the reason, and checked to be still
 * refused here wherever LLVM accepts them.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AsmError, assemble } from '../src/assembler';
import { llvmMc, MATTR } from './_llvm';
import { spellings } from './_spellings';

const bin = llvmMc();
if (!bin && process.env.CI === 'true') throw new Error('llvm-mc is required under CI (Debian package llvm)');
if (!bin) console.log('llvm spellings: skipped, llvm-mc not installed (Debian package llvm)');

/**
 * Lines LLVM 14 accepts and this assembler refuses on purpose, each because LLVM's word is not
 * what the text says.
 */
const LLVM_TRUNCATES: { test: (line: string) => boolean; reason: string }[] = [
  {
    // `mov w0, #0x100000000` is `mov w0, #0` in LLVM 14: the high half of the value is dropped.
    test: (line) => {
      const m = /^mov w0, #(-?)(\d+|0x[0-9a-f]+)$/.exec(line);
      if (!m) return false;
      const v = (m[1] ? -1n : 1n) * BigInt(m[2]);
      return v < -(1n << 31n) || v >= 1n << 32n;
    },
    reason: 'a 32-bit mov of a value outside [-2^31, 2^32) keeps its low 32 bits in LLVM 14',
  },
  {
    test: (line) => /^ext v0\.(16b|8b), v1\.\1, v2\.\1, #(16|8)$/.test(line),
    reason: 'an ext index one past the last byte is truncated into imm4 by LLVM 14',
  },
  {
    test: (line) => /(<<|>>) *(6[4-9]|[7-9]\d|\d{3,})\)/.test(line),
    reason: 'a shift by 64 or more in an expression is taken modulo 64 by LLVM 14',
  },
  {
    test: (line) => /^cmp x0, w1, (uxtx|sxtx|lsl)( #[0-4])?$/.test(line),
    reason: "LLVM's cmp alias takes a W register with a 64-bit extend; the word reads the X register",
  },
];

function truncation(line: string): string | null {
  for (const t of LLVM_TRUNCATES) if (t.test(line)) return t.reason;
  return null;
}

/** llvm-mc's answer per line: the word, or null when it refuses the line. */
function llvmWords(lines: readonly string[]): (number | null)[] {
  const r = spawnSync(bin as string, ['-triple=aarch64', `-mattr=${MATTR}`, '-show-encoding'], {
    input: lines.join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const errors = new Set<number>();
  for (const m of r.stderr.matchAll(/<stdin>:(\d+):\d+: error:/g)) errors.add(Number(m[1]) - 1);
  const encodings = [...r.stdout.matchAll(/encoding: \[([^\]]*)\]/g)].map((m) => m[1]);
  const out: (number | null)[] = [];
  let j = 0;
  for (let i = 0; i < lines.length; i++) {
    if (errors.has(i)) {
      out.push(null);
      continue;
    }
    const bytes = (encodings[j++] ?? '').split(',').map((x) => Number(x));
    // A fixup (`0bAAAA...`) would mean a symbol in the corpus: every line here is self-contained.
    if (bytes.length !== 4 || bytes.some(Number.isNaN))
      throw new Error(`llvm-mc: no plain word for ${lines[i]}`);
    out.push((bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0);
  }
  if (j !== encodings.length) throw new Error(`llvm-mc output misaligned: ${j} of ${encodings.length}`);
  return out;
}

/** Our answer: the word, or the AsmError (anything else thrown is a failure of its own). */
function ours(line: string): number | AsmError {
  try {
    const m = assemble(line);
    if (m.text.length !== 4) throw new Error(`${line}: ${m.text.length} bytes`);
    return new DataView(m.text.buffer, m.text.byteOffset).getUint32(0, true);
  } catch (e) {
    if (e instanceof AsmError) return e;
    throw e;
  }
}

const hex = (w: number) => `0x${w.toString(16).padStart(8, '0')}`;

describe.skipIf(!bin)('spellings LLVM accepts', () => {
  it('encodes what llvm-mc encodes and refuses, with line and column, what it refuses', () => {
    const lines = spellings();
    const llvm = llvmWords(lines);
    const failures: string[] = [];
    let accepted = 0;
    let refused = 0;
    let truncated = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const want = llvm[i];
      const got = ours(line);
      // Where LLVM refuses a line of the list, it is an ordinary refusal below.
      const reason = want === null ? null : truncation(line);
      if (reason) {
        truncated++;
        if (!(got instanceof AsmError)) failures.push(`${line}: ${reason}; we encode ${hex(got)}`);
        continue;
      }
      if (want === null) {
        refused++;
        if (!(got instanceof AsmError)) failures.push(`${line}: llvm-mc refuses it, we encode ${hex(got)}`);
        else if (got.line !== 1 || got.column < 1 || got.column > line.length + 1)
          failures.push(`${line}: error at ${got.line}:${got.column}`);
        continue;
      }
      accepted++;
      if (got instanceof AsmError) failures.push(`${line}: llvm-mc ${hex(want)}, we refuse: ${got.message}`);
      else if (got !== want) failures.push(`${line}: llvm-mc ${hex(want)}, we encode ${hex(got)}`);
    }
    console.log(
      `llvm spellings compared: ${lines.length} (${accepted} encoded alike, ${refused} refused by both, ${truncated} truncated by LLVM 14 and refused here)`,
    );
    expect(failures.slice(0, 40)).toEqual([]);
    expect(accepted).toBeGreaterThan(1500);
    expect(refused).toBeGreaterThan(500);
    expect(truncated).toBeGreaterThan(0);
  });

  it('keeps the error in a module on the line and column of the operand', () => {
    const e = (() => {
      try {
        assemble('  nop\n  add x0, x1, #0x1001000\n');
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(AsmError);
    expect((e as AsmError).line).toBe(2);
    expect((e as AsmError).column).toBe(16); // the number after `#`
  });

  it('takes the LLVM forms in every position of a module, before and after labels', () => {
    const m = assemble(`
_start:
  add x0, x1, #4096
  cmp x0, #-1
  bic w0, w1, #0xff
  mov v0.4s, v1.4s
  ld1 {v0.16b-v3.16b}, [x0]
  b.hs _start
`);
    const view = new DataView(m.text.buffer, m.text.byteOffset);
    const words = Array.from({ length: m.text.length / 4 }, (_, i) => view.getUint32(i * 4, true));
    expect(words.slice(0, 5).map(hex)).toEqual(
      llvmWords([
        'add x0, x1, #1, lsl #12',
        'cmn x0, #1',
        'and w0, w1, #0xffffff00',
        'mov v0.16b, v1.16b',
        'ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x0]',
      ]).map((w) => hex(w as number)),
    );
    expect(hex(words[5])).toBe('0x54ffff62'); // b.hs back five instructions
  });
});
