/**
 * Assemble-time expressions of the text assembler: numbers, symbols, unary `- + ~`,
 * `+ - * / % << >> | & ^` and parentheses, the folding of `#expr` operands into numbers, and the values of data directives.
 * @module
 */
import type { Token } from './_operand';
import { AsmError } from './assembler';

/**
 * Evaluates an assemble-time expression: numbers, symbols, unary `- + ~`, `+ - * / % << >> | & ^`
 * and parentheses, with GNU as precedence.
 */
export function evaluateBig(
  tokens: Token[],
  resolve: (name: string) => number | undefined,
  line: number,
): bigint {
  const list = tokens.filter((t) => t.text !== '#');
  let pos = 0;
  const fail = (message: string): never => {
    const t = list[Math.min(pos, list.length - 1)];
    throw new AsmError(message, line, (t?.column ?? 0) + 1);
  };
  const primary = (): bigint => {
    const t = list[pos];
    if (!t) return fail('expected an expression');
    if (t.text === '-') {
      pos++;
      return -primary();
    }
    if (t.text === '+') {
      pos++;
      return primary();
    }
    if (t.text === '~') {
      pos++;
      return ~primary();
    }
    if (t.text === '(') {
      pos++;
      const v = sum();
      if (list[pos]?.text !== ')') fail("expected ')'");
      pos++;
      return v;
    }
    if (t.kind === 'num') {
      pos++;
      return t.value;
    }
    if (t.kind === 'id') {
      const name = t.raw ?? t.text;
      const v = resolve(name);
      if (v === undefined) throw new AsmError(`undefined symbol '${name}'`, line, t.column + 1);
      pos++;
      return BigInt(v);
    }
    return fail(`unexpected '${t.text}'`);
  };
  // GNU as precedence, which LLVM follows for ELF targets: `* / % << >>` above `| & ^`, above
  // `+ -`. Shifts work on the 64-bit value.
  const product = (): bigint => {
    let v = primary();
    for (;;) {
      const op = list[pos]?.text;
      if (op !== '*' && op !== '/' && op !== '%' && op !== '<<' && op !== '>>') return v;
      pos++;
      const r = primary();
      if ((op === '/' || op === '%') && r === 0n) fail('division by zero');
      if ((op === '<<' || op === '>>') && (r < 0n || r > 63n)) fail(`shift ${r} out of range [0, 63]`);
      v =
        op === '*'
          ? v * r
          : op === '/'
            ? v / r
            : op === '%'
              ? v % r
              : op === '<<'
                ? BigInt.asIntN(64, v << r)
                : BigInt.asIntN(64, v) >> r;
    }
  };
  const bitwise = (): bigint => {
    let v = product();
    for (;;) {
      const op = list[pos]?.text;
      if (op !== '|' && op !== '&' && op !== '^') return v;
      pos++;
      const r = product();
      v = op === '|' ? v | r : op === '&' ? v & r : v ^ r;
    }
  };
  const sum = (): bigint => {
    let v = bitwise();
    while (list[pos]?.text === '+' || list[pos]?.text === '-') {
      const op = list[pos++].text;
      const r = bitwise();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  if (pos !== list.length) fail(`unexpected '${list[pos].text}'`);
  return v;
}

/** Evaluates an expression to a number (exact below 2^53; 64-bit data uses `evaluateBig`). */
export function evaluateExpression(
  tokens: Token[],
  resolve: (name: string) => number | undefined,
  line: number,
): number {
  return Number(evaluateBig(tokens, resolve, line));
}

const OPERATORS = new Set(['~', '%', '<<', '>>', '|', '&', '^']);

/** Folds `#expr` operands that use symbols or parentheses into numbers. */
export function foldImmediates(
  tokens: Token[],
  resolve: (name: string) => number | undefined,
  line: number,
): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text !== '#' || tokens[i + 1]?.kind === 'reloc') {
      out.push(t);
      continue;
    }
    let j = i + 1;
    let depth = 0;
    while (j < tokens.length) {
      const x = tokens[j].text;
      if (x === '(') depth++;
      else if (x === ')') depth--;
      else if (depth === 0 && (x === ',' || x === ']' || x === '!')) break;
      j++;
    }
    const expr = tokens.slice(i + 1, j);
    if (
      !expr.some(
        (x) =>
          x.kind === 'id' ||
          x.text === '(' ||
          x.text === '*' ||
          x.text === '/' ||
          OPERATORS.has(x.text) ||
          (x.text === '+' && x !== expr[0]) ||
          (x.text === '-' && x !== expr[0]),
      )
    ) {
      out.push(t);
      continue;
    }
    const v = evaluateExpression(expr, resolve, line);
    out.push(t, {
      kind: v < 0 ? 'punct' : 'num',
      text: v < 0 ? '-' : String(v),
      value: v < 0 ? 0n : BigInt(v),
      column: expr[0].column,
    });
    if (v < 0) out.push({ kind: 'num', text: String(-v), value: BigInt(-v), column: expr[0].column });
    i = j - 1;
  }
  return out;
}

/** The comma-separated values of a data directive. */
export function splitArgs(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.text === ',') out.push([]);
    else out[out.length - 1].push(t);
  }
  return out.filter((a) => a.length > 0);
}
