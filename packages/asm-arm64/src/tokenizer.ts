/**
 * Operand text to tokens: registers, numbers, relocation specifiers, punctuation, with columns.
 * @module
 */
import type { Token } from './operands';

const TOKEN_RE =
  /\s*('(?:[^'\\]|\\.)'|:[a-z0-9_]+:|0x[0-9a-f]+|\d+\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+(?![\w.$])|0b[01]+(?![\w.$])|\d+[bf](?![\w.$])|\d+|[a-z_.$][\w.$]*|<<|>>|[[\]!,#{}=+\-:()*/~%|&^])/giy;

/** Splits operand text into tokens; `column0` is the column of the text in its line. */
export function tokenize(text: string, column0 = 0): Token[] | { message: string; column: number } {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(text);
    if (!m)
      return {
        message: `unexpected character '${text.slice(pos).trim()[0]}'`,
        column: column0 + pos + (text.slice(pos).length - text.slice(pos).trimStart().length),
      };
    const raw = m[1];
    const column = column0 + m.index + m[0].length - raw.length;
    const lower = raw.toLowerCase();
    if (raw.startsWith("'")) {
      // A character constant: 'a', '\n'.
      const ch =
        raw.length === 3
          ? raw.charCodeAt(1)
          : ({ n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39 } as Record<string, number>)[raw[2]];
      if (ch === undefined) return { message: `unknown character constant ${raw}`, column };
      out.push({ kind: 'num', text: String(ch), value: BigInt(ch), column });
    } else if (/^\d+[bf]$/.test(lower)) out.push({ kind: 'id', text: lower, value: 0n, column });
    else if (/^\d+(\.\d+(e[-+]?\d+)?|e[-+]?\d+)$/.test(lower))
      out.push({ kind: 'num', text: lower, value: 0n, column });
    else if (/^(0x[0-9a-f]+|0b[01]+|\d+)$/.test(lower)) {
      out.push({ kind: 'num', text: lower, value: BigInt(lower), column });
    } else if (/^:[a-z0-9_]+:$/.test(lower)) out.push({ kind: 'reloc', text: lower, value: 0n, column });
    else if (/^v\d+\.\w+$/.test(lower)) {
      // `v3.8b`: register, dot, arrangement.
      const dot = lower.indexOf('.');
      out.push({ kind: 'id', text: lower.slice(0, dot), value: 0n, column });
      out.push({ kind: 'punct', text: '.', value: 0n, column: column + dot });
      out.push({ kind: 'id', text: lower.slice(dot + 1), value: 0n, column: column + dot + 1 });
    } else if (/^[a-z_.$]/.test(lower)) out.push({ kind: 'id', text: lower, raw, value: 0n, column });
    else out.push({ kind: 'punct', text: raw, value: 0n, column });
    pos = TOKEN_RE.lastIndex;
  }
  return out;
}
