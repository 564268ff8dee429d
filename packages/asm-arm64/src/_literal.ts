/**
 * `ldr <reg>, =value`: which register classes may use a literal, the range of the value, and
 * LLVM's rule of loading a constant that one MOVZ can build with that MOVZ instead of a pool slot.
 *
 * LLVM (AArch64AsmParser, the `=` operand of LDR) accepts the form only for X and W destinations
 * of `ldr` (`ldr q0, =1`, `ldr d0, =1` are "invalid operand", `ldrsw x0, =1` is refused), rejects
 * a W value outside [-2^31, 2^32) with "Immediate too large for register", and emits
 * `movz reg, #imm16, lsl #shift` when the constant is one 16-bit chunk at a shift the register
 * has (0-48 for X, 0-16 for W). Matching that keeps our bytes equal to llvm-mc's.
 * @module
 */
import { evaluateBig } from './_expressions';
import { AsmError } from './assembler';
import type { Token } from './operands';

const X_REG = /^(x([0-9]|[12][0-9]|30)|xzr)$/;
const W_REG = /^(w([0-9]|[12][0-9]|30)|wzr)$/;

/** What a literal load becomes: a pool slot, or one MOVZ. */
export type LiteralPlan =
  | { kind: 'pool'; tokens: Token[]; wide: boolean }
  | { kind: 'movz'; tokens: Token[] };

/**
 * Checks `head` (the mnemonic) and the destination of a literal load whose `=` is at `eq`, and
 * folds a constant value into a MOVZ when LLVM would. Values with symbols stay pool slots; their
 * range is checked by {@link checkLiteral} once symbols are known.
 */
export function planLiteral(head: string, toks: Token[], eq: number, line: number): LiteralPlan {
  const lower = head.toLowerCase();
  if (lower !== 'ldr') throw new AsmError(`${lower} has no literal-pool form`, line, toks[eq].column + 1);
  const dest = toks[0];
  const wide = X_REG.test(dest?.text ?? '');
  if (!wide && !W_REG.test(dest?.text ?? ''))
    throw new AsmError('a literal load needs an X or W destination', line, (dest?.column ?? 0) + 1);
  const expr = toks.slice(eq + 1);
  if (expr.length === 0) throw new AsmError('expected a value after =', line, toks[eq].column + 1);
  if (expr.some((t) => t.kind === 'id' || t.kind === 'reloc')) return { kind: 'pool', tokens: expr, wide };
  const value = checkLiteral(
    evaluateBig(expr, () => undefined, line),
    wide,
    expr,
    line,
  );
  const movz = movzOf(BigInt.asUintN(64, value), wide);
  if (movz === undefined) return { kind: 'pool', tokens: expr, wide };
  const num = (v: number): Token => ({
    kind: 'num',
    text: String(v),
    value: BigInt(v),
    column: expr[0].column,
  });
  const punct = (text: string): Token => ({ kind: 'punct', text, value: 0n, column: expr[0].column });
  const shift: Token = { kind: 'id', text: 'lsl', value: 0n, column: expr[0].column };
  return {
    kind: 'movz',
    tokens: [dest, punct(','), punct('#'), num(movz.imm16), punct(','), shift, punct('#'), num(movz.shift)],
  };
}

/** Range of a literal for its register width; returns the value or throws naming its column. */
export function checkLiteral(value: bigint, wide: boolean, expr: Token[], line: number): bigint {
  const [lo, hi] = wide ? [-(1n << 63n), 1n << 64n] : [-(1n << 31n), 1n << 32n];
  if (value < lo || value >= hi)
    throw new AsmError(
      wide ? `literal ${value} does not fit in 64 bits` : 'Immediate too large for register',
      line,
      expr[0].column + 1,
    );
  return value;
}

/** LLVM's test: strip whole zero 16-bit chunks from the bottom while above 0xffff. */
function movzOf(value: bigint, wide: boolean): { imm16: number; shift: number } | undefined {
  let imm = value;
  let shift = 0;
  while (imm > 0xffffn && (imm & 0xffffn) === 0n) {
    imm >>= 16n;
    shift += 16;
  }
  return imm <= 0xffffn && shift <= (wide ? 48 : 16) ? { imm16: Number(imm), shift } : undefined;
}
