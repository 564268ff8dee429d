/**
 * The text assembler: GNU/LLVM syntax for A64, one module at a time.
 *
 * Two passes over the parsed lines. Pass one assigns addresses (every instruction is four bytes,
 * directives have known sizes), so forward labels are known before anything is encoded; pass two
 * encodes through the tables and resolves each symbol reference, checking its range. Literal
 * pools (`ldr x0, =value`) are placed at the end of the text section.
 * @module
 */
import { Deferred, hasIdentifiers } from './_deferred';
import { compiledResult, encodeCompiled } from './_encode-compiled';
import { evaluateBig, evaluateExpression, foldImmediates, splitArgs } from './_expressions';
import { fixupPlan, writePlan } from './_fixup-plan';
import { checkLiteral, planLiteral } from './_literal';
import { scanLine } from './_scan';
import { FALLBACK, Operands } from './_shape';
import { encodeTokens } from './instruction';
import type { Fixup, Token } from './operands';
import type { Encoding } from './tables';
import { tokenize } from './tokenizer';

/** An error in the source, with its 1-based line and column. */
export class AsmError extends Error {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /**
   * @example
   * ```ts
   * const e = new AsmError('unknown mnemonic', 3, 5);
   * e.message; // '3:5: unknown mnemonic'
   * ```
   */
  constructor(message: string, line: number, column: number) {
    super(`${line}:${column}: ${message}`);
    this.name = 'AsmError';
    this.line = line;
    this.column = column;
  }
}

/** Limits and layout of one assembly. */
export interface AssembleOptions {
  /** Address of the first byte of `.text` (default 0x400000 + 0x1000, after the ELF headers' page). */
  textAddress?: number;
  /** Address of `.data`; default: the page after the text section. */
  dataAddress?: number;
  /** Largest source accepted, in bytes (default 16 MiB). */
  maxSourceBytes?: number;
}

/** The assembled module. */
export interface AssembledModule {
  /** Machine code and literal pools. */
  text: Uint8Array;
  /** Address of `text[0]`. */
  textAddress: number;
  /** Initialised data. */
  data: Uint8Array;
  /** Address of `data[0]`. */
  dataAddress: number;
  /** Label and `.equ` values. */
  symbols: Map<string, number>;
  /** Names declared `.global`. */
  globals: Set<string>;
  /** Entry point: `_start` when defined, else the start of `.text`. */
  entry: number;
  /** Number of instructions encoded. */
  instructionCount: number;
}

/** Default load address of the text section: 0x400000 plus one page for the ELF headers. */
export const DEFAULT_TEXT_ADDRESS = 0x401000;
const DEFAULT_MAX_SOURCE_BYTES = 16 * 1024 * 1024;
const PAGE_BYTES = 4096;

type Section = 'text' | 'data';

interface Item {
  line: number;
  column: number;
  section: Section;
  offset: number;
  kind: 'inst' | 'bytes' | 'values' | 'align';
  mnemonic?: string;
  mnemonicColumn?: number;
  /** Operand tokens; absent when the fast scanner read the operands (it reads them again in pass two). */
  tokens?: Token[];
  /** The line (labels blanked) and where its operands start, for the fast scanner. */
  source?: string;
  restColumn?: number;
  bytes?: Uint8Array;
  /** For `.byte` etc.: the width and the token lists of each value. */
  width?: number;
  values?: Token[][];
  size: number;
  /** Literal-pool reference `ldr x0, =expr`. */
  literal?: { tokens: Token[]; index: number; wide: boolean };
}

function stripComment(line: string): string {
  // Character codes, not one-character strings: 5% of the text rate.
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 39 /* ' */ && !inString && line.charCodeAt(i + 2) === 39) {
      i += 2; // a character constant such as ';'
      continue;
    }
    if (c === 34 /* " */ && line.charCodeAt(i - 1) !== 92 /* \\ */) inString = !inString;
    if (inString) continue;
    if (c === 47 /* / */ && line.charCodeAt(i + 1) === 47) return line.slice(0, i);
    if (c === 59 /* ; */) return line.slice(0, i);
  }
  return line;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || (c >= 0x1680 && isUnicodeSpace(c));
}

function isUnicodeSpace(c: number): boolean {
  return /\s/.test(String.fromCharCode(c));
}

/**
 * The first word of a line and where the rest starts, as `/^(\s*)(\S+)\s*(.*)$/` splits it, by
 * hand (the regular expression and its captures cost 8% of the text rate): false for a blank
 * line, else the positions in `headColumn`, `headEnd`, `restStart`.
 */
// Results of `splitHead` (module scratch: no object per line).
let headColumn = 0;
let headEnd = 0;
let restStart = 0;

function splitHead(text: string): boolean {
  const n = text.length;
  let p = 0;
  while (p < n && isSpace(text.charCodeAt(p))) p++;
  if (p === n) return false;
  let q = p;
  while (q < n && !isSpace(text.charCodeAt(q))) q++;
  let r = q;
  while (r < n && isSpace(text.charCodeAt(r))) r++;
  headColumn = p;
  headEnd = q;
  restStart = r;
  return true;
}

function parseString(text: string, line: number, column: number): Uint8Array {
  const m = /^\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
  if (!m) throw new AsmError('expected a quoted string', line, column);
  const out: number[] = [];
  const s = m[1];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      const bytes = new TextEncoder().encode(c);
      out.push(...bytes);
      continue;
    }
    const n = s[++i];
    const esc: Record<string, number> = {
      n: 10,
      t: 9,
      r: 13,
      '0': 0,
      '\\': 92,
      '"': 34,
      "'": 39,
      a: 7,
      b: 8,
      f: 12,
      v: 11,
      e: 27,
    };
    if (n === 'x') {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1))?.[0];
      if (!hex) throw new AsmError('bad \\x escape', line, column);
      out.push(Number.parseInt(hex, 16));
      i += hex.length;
    } else if (n in esc) out.push(esc[n]);
    else throw new AsmError(`unknown escape \\${n}`, line, column);
  }
  return new Uint8Array(out);
}

/**
 * Assembles a module of GNU/LLVM-syntax A64 source.
 *
 * @example
 * ```ts
 * const m = assemble(`
 *   .global _start
 * _start:
 *   mov x0, #0
 *   mov x8, #93
 *   svc #0
 * `);
 * m.text.length; // 12
 * ```
 */
export function assemble(source: string, options: AssembleOptions = {}): AssembledModule {
  const maxBytes = options.maxSourceBytes ?? DEFAULT_MAX_SOURCE_BYTES;
  if (typeof source !== 'string') throw new TypeError('source: expected a string');
  if (source.length > maxBytes) throw new RangeError(`source: longer than maxSourceBytes (${maxBytes})`);
  const textAddress = options.textAddress ?? DEFAULT_TEXT_ADDRESS;
  if (!Number.isInteger(textAddress) || textAddress % 4 !== 0 || textAddress < 0)
    throw new RangeError('textAddress: expected a non-negative multiple of 4');

  // Items in source order; a number is an instruction encoded in pass one that still has symbol
  // references or names to check (its record is in `deferred`).
  const items: (Item | number)[] = [];
  const deferred = new Deferred();
  // Instructions the compiled encoders finished in pass one: text offset and word.
  const fastOffsets: number[] = [];
  const fastWords: number[] = [];
  const labels = new Map<string, { section: Section; offset: number; line: number }>();
  const equs = new Map<string, Token[]>();
  const globals = new Set<string>();
  const numeric = new Map<string, { section: Section; offset: number }[]>();
  const size: Record<Section, number> = { text: 0, data: 0 };
  const literals: { tokens: Token[]; line: number }[] = [];
  let section: Section = 'text';
  const earlyResolve = (name: string): number | undefined => {
    const e = equs.get(name);
    return e ? evaluateExpression(e, earlyResolve, 0) : undefined;
  };

  // Block comments become blanks (lines and columns kept); a source without one is not copied.
  const plain = source.includes('/*')
    ? source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    : source;
  // Lines sliced one at a time, not split into an array up front, which kept every line alive
  // through pass one (a small gain, within the noise: 0.54M to 0.56M lines per CPU-second).
  for (let li = 0, start = 0; start <= plain.length; li++) {
    const lineNo = li + 1;
    let end = plain.indexOf('\n', start);
    if (end < 0) end = plain.length;
    const line = plain.slice(start, end);
    start = end + 1;
    let text = stripComment(line);
    // Labels, possibly several on one line (only a line with a colon can have one).
    for (; text.includes(':'); ) {
      const m = /^(\s*)([A-Za-z_.$][\w.$]*|\d+):/.exec(text);
      if (!m) break;
      const name = m[2];
      if (/^\d+$/.test(name)) {
        let list = numeric.get(name);
        if (!list) numeric.set(name, (list = []));
        list.push({ section, offset: size[section] });
      } else {
        if (labels.has(name) || equs.has(name))
          throw new AsmError(`symbol '${name}' already defined`, lineNo, m[1].length + 1);
        labels.set(name, { section, offset: size[section], line: lineNo });
      }
      text = ' '.repeat(m[0].length) + text.slice(m[0].length);
    }
    if (!splitHead(text)) continue;
    const column = headColumn;
    // The mnemonic is sliced only where a string is needed (directives, items): `scanLine`
    // reads it in place.
    const mnemonicEnd = headEnd;
    const restColumn = restStart;
    if (text.charCodeAt(column) === 46 /* . */) {
      const head = text.slice(column, mnemonicEnd);
      const rest = text.slice(restColumn);
      const lower = head.toLowerCase();
      switch (lower) {
        case '.text':
          section = 'text';
          continue;
        case '.data':
        case '.bss':
        case '.rodata':
          section = 'data';
          continue;
        case '.section': {
          section = /^\.?(text|init|fini)/.test(rest.trim()) ? 'text' : 'data';
          continue;
        }
        case '.global':
        case '.globl':
          for (const name of rest.split(',')) globals.add(name.trim());
          continue;
        case '.type':
        case '.size':
        case '.file':
        case '.ident':
        case '.arch':
        case '.cpu':
        case '.p2alignl':
          continue;
        case '.equ':
        case '.set': {
          const toks = tokenize(rest, restColumn);
          if (!Array.isArray(toks)) throw new AsmError(toks.message, lineNo, toks.column + 1);
          const name = toks[0];
          if (name?.kind !== 'id' || toks[1]?.text !== ',')
            throw new AsmError(`${lower} expects 'name, value'`, lineNo, restColumn + 1);
          const equName = name.raw ?? name.text;
          if (labels.has(equName) || equs.has(equName))
            throw new AsmError(`symbol '${equName}' already defined`, lineNo, name.column + 1);
          equs.set(equName, toks.slice(2));
          continue;
        }
        case '.align':
        case '.p2align':
        case '.balign': {
          const toks = tokenize(rest, restColumn);
          if (!Array.isArray(toks) || toks[0]?.kind !== 'num')
            throw new AsmError(`${lower} expects a number`, lineNo, restColumn + 1);
          const n = Number(toks[0].value);
          const boundary = lower === '.balign' ? n : 2 ** n;
          if (lower !== '.balign' && n > 16)
            throw new RangeError(`${lineNo}:${restColumn + 1}: alignment 2^${n} too large`);
          if (boundary <= 0 || (boundary & (boundary - 1)) !== 0)
            throw new AsmError('alignment must be a power of two', lineNo, restColumn + 1);
          const pad = (boundary - (size[section] % boundary)) % boundary;
          items.push({ line: lineNo, column, section, offset: size[section], kind: 'align', size: pad });
          size[section] += pad;
          continue;
        }
        case '.byte':
        case '.hword':
        case '.short':
        case '.2byte':
        case '.word':
        case '.long':
        case '.4byte':
        case '.quad':
        case '.xword':
        case '.8byte': {
          const width =
            /byte$/.test(lower) && lower !== '.byte'
              ? Number(lower[1])
              : lower === '.byte'
                ? 1
                : lower === '.quad' || lower === '.xword'
                  ? 8
                  : lower === '.word' || lower === '.long'
                    ? 4
                    : 2;
          const toks = tokenize(rest, restColumn);
          if (!Array.isArray(toks)) throw new AsmError(toks.message, lineNo, toks.column + 1);
          const values = splitArgs(toks);
          if (values.length === 0) throw new AsmError(`${lower} expects values`, lineNo, restColumn + 1);
          items.push({
            line: lineNo,
            column,
            section,
            offset: size[section],
            kind: 'values',
            width,
            values,
            size: width * values.length,
          });
          size[section] += width * values.length;
          continue;
        }
        case '.ascii':
        case '.asciz':
        case '.string': {
          const parts = rest.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
          if (parts.length === 0) throw new AsmError(`${lower} expects a string`, lineNo, restColumn + 1);
          const chunks = parts.map((p) => parseString(p, lineNo, restColumn + 1));
          const zero = lower === '.ascii' ? 0 : 1;
          const total = chunks.reduce((n, c) => n + c.length + zero, 0);
          const bytes = new Uint8Array(total);
          let o = 0;
          for (const c of chunks) {
            bytes.set(c, o);
            o += c.length + zero;
          }
          items.push({
            line: lineNo,
            column,
            section,
            offset: size[section],
            kind: 'bytes',
            bytes,
            size: total,
          });
          size[section] += total;
          continue;
        }
        case '.zero':
        case '.skip':
        case '.space': {
          const toks = tokenize(rest, restColumn);
          if (!Array.isArray(toks) || toks.length === 0)
            throw new AsmError(`${lower} expects a size`, lineNo, restColumn + 1);
          // Sizes may use `.equ` names defined above (labels are not known in this pass).
          const n = evaluateExpression(toks, earlyResolve, lineNo);
          if (!Number.isSafeInteger(n) || n < 0)
            throw new AsmError(`${lower} expects a non-negative size`, lineNo, restColumn + 1);
          if (n > maxBytes)
            throw new AsmError(`${lower} ${n} is larger than the module limit`, lineNo, restColumn + 1);
          items.push({
            line: lineNo,
            column,
            section,
            offset: size[section],
            kind: 'bytes',
            bytes: new Uint8Array(n),
            size: n,
          });
          size[section] += n;
          continue;
        }
        case '.ltorg':
        case '.pool':
          continue;
        default:
          throw new AsmError(`unknown directive '${head}'`, lineNo, column + 1);
      }
    }
    // An instruction.
    if (section !== 'text') throw new AsmError('instructions belong in .text', lineNo, column + 1);
    if (size.text % 4 !== 0)
      throw new AsmError('instruction not aligned to 4 bytes (add .align 2)', lineNo, column + 1);
    if (scanLine(text, column, mnemonicEnd, restColumn, text.length, scratch)) {
      // Plain operands (no `=literal`, no expression) are encoded now, once, by the compiled
      // encoders (scanning again in pass two cost 15% of the text rate); symbol references wait
      // for pass two. What they hand back is tokenized in pass two, as before.
      const word = encodeCompiled(scratch);
      if (word !== FALLBACK && compiledResult.fixupCount === 0 && !hasIdentifiers(scratch)) {
        // Nothing left to resolve: two numbers, no item (the items and their collection were
        // more than half of the text rate).
        fastOffsets.push(size.text);
        fastWords.push(word);
        size.text += 4;
        continue;
      }
      if (word !== FALLBACK) {
        // Kept in parallel arrays, not an item with copied fixup records (`_deferred.ts`: 0.73M to
        // 1.25M lines per CPU-second).
        items.push(deferred.add(lineNo, column, size.text, word, mnemonicEnd, text, restColumn, scratch));
        size.text += 4;
        continue;
      }
      items.push({
        line: lineNo,
        column,
        section,
        offset: size.text,
        kind: 'inst',
        mnemonic: text.slice(column, mnemonicEnd),
        mnemonicColumn: column,
        source: text,
        restColumn,
        size: 4,
      });
      size.text += 4;
      continue;
    }
    const head = text.slice(column, mnemonicEnd);
    const toks = tokenize(text.slice(restColumn), restColumn);
    if (!Array.isArray(toks)) throw new AsmError(toks.message, lineNo, toks.column + 1);
    const item: Item = {
      line: lineNo,
      column,
      section,
      offset: size.text,
      kind: 'inst',
      mnemonic: head,
      mnemonicColumn: column,
      tokens: toks,
      size: 4,
    };
    const eq = toks.findIndex((t) => t.text === '=');
    if (eq >= 0) {
      const plan = planLiteral(head, toks, eq, lineNo);
      if (plan.kind === 'movz') {
        item.mnemonic = 'movz';
        item.tokens = plan.tokens;
      } else {
        item.literal = { tokens: plan.tokens, index: literals.length, wide: plan.wide };
        literals.push({ tokens: plan.tokens, line: lineNo });
      }
    }
    items.push(item);
    size.text += 4;
  }

  // Literal pool after the code, 8-byte aligned, one 8-byte slot per reference.
  const poolOffset = literals.length > 0 ? (size.text + 7) & ~7 : size.text;
  const textSize = poolOffset + literals.length * 8;
  const dataAddress =
    options.dataAddress ?? Math.ceil((textAddress + textSize) / PAGE_BYTES) * PAGE_BYTES + PAGE_BYTES * 0;
  const base: Record<Section, number> = {
    text: textAddress,
    data: dataAddress === textAddress + textSize ? dataAddress : dataAddress,
  };
  if (base.data < textAddress + textSize && size.data > 0)
    throw new RangeError('dataAddress: overlaps the text section');

  const symbols = new Map<string, number>();
  for (const [name, l] of labels) symbols.set(name, base[l.section] + l.offset);
  const resolving = new Set<string>();
  const resolve = (name: string): number | undefined => {
    if (symbols.has(name)) return symbols.get(name);
    const e = equs.get(name);
    if (!e) return undefined;
    if (resolving.has(name)) throw new RangeError(`.equ ${name}: defined in terms of itself`);
    resolving.add(name);
    const v = evaluateExpression(e, resolve, 0);
    resolving.delete(name);
    symbols.set(name, v);
    return v;
  };
  for (const name of equs.keys()) resolve(name);

  const text = new Uint8Array(textSize);
  const data = new Uint8Array(size.data);
  const textView = new DataView(text.buffer);
  const dataView = new DataView(data.buffer);
  let instructionCount = fastWords.length;
  for (let i = 0; i < fastWords.length; i++) textView.setUint32(fastOffsets[i], fastWords[i], true);

  const localTarget = (name: string, here: { section: Section; offset: number }): number | undefined => {
    const m = /^(\d+)([bf])$/.exec(name);
    if (!m) return undefined;
    const list = numeric.get(m[1]);
    if (!list) return undefined;
    const herePos = base[here.section] + here.offset;
    if (m[2] === 'b') {
      for (let i = list.length - 1; i >= 0; i--) {
        const a = base[list[i].section] + list[i].offset;
        if (a <= herePos) return a;
      }
    } else {
      for (const l of list) {
        const a = base[l.section] + l.offset;
        if (a > herePos) return a;
      }
    }
    return undefined;
  };

  // One resolver for the whole pass (numeric local labels resolve relative to `here`): a closure
  // per item cost 9% of the text rate under the development loader, which wraps every closure.
  const here = { section: 'text' as Section, offset: 0 };
  const symbolAt = (name: string) => resolve(name) ?? localTarget(name, here);
  const fixup: Fixup = { symbol: '', addend: 0, kind: 'pcrel', fields: '', scale: 0, column: 0 };
  for (const entry of items) {
    let item: Item;
    if (typeof entry === 'number') {
      here.section = 'text';
      here.offset = deferred.offset[entry];
      // An `.equ` name among the operands is substituted by the general path.
      if (equs.size === 0 || !deferred.namesEqu(entry, equs)) {
        let word = deferred.word[entry];
        const address = textAddress + here.offset;
        for (let f = deferred.fixupStart[entry]; f < deferred.fixupStart[entry + 1]; f++) {
          deferred.fixup(f, fixup);
          word = applyFixup(deferred.encoding[entry], word, fixup, address, symbolAt, deferred.line[entry]);
        }
        textView.setUint32(here.offset, word >>> 0, true);
        instructionCount++;
        continue;
      }
      item = {
        line: deferred.line[entry],
        column: deferred.column[entry],
        section: 'text',
        offset: here.offset,
        kind: 'inst',
        mnemonic: deferred.source[entry].slice(deferred.column[entry], deferred.mnemonicEnd[entry]),
        mnemonicColumn: deferred.column[entry],
        source: deferred.source[entry],
        restColumn: deferred.restColumn[entry],
        size: 4,
      };
    } else item = entry;
    here.section = item.section;
    here.offset = item.offset;
    const view = item.section === 'text' ? textView : dataView;
    const bytes = item.section === 'text' ? text : data;
    const address = base[item.section] + item.offset;
    if (item.kind === 'align') {
      // Code is padded with NOPs, data with zeros.
      if (item.section === 'text')
        for (let o = 0; o + 4 <= item.size; o += 4)
          if ((item.offset + o) % 4 === 0) view.setUint32(item.offset + o, 0xd503201f, true);
      continue;
    }
    if (item.kind === 'bytes') {
      bytes.set(item.bytes as Uint8Array, item.offset);
      continue;
    }
    if (item.kind === 'values') {
      let o = item.offset;
      for (const v of item.values as Token[][]) {
        const value = evaluateBig(v, symbolAt, item.line);
        const width = item.width as number;
        const limit = 1n << BigInt(8 * width);
        if (value >= limit || value < -(limit >> 1n))
          throw new AsmError(`value ${value} does not fit in ${width} bytes`, item.line, v[0].column + 1);
        const bits = BigInt.asUintN(8 * width, value);
        if (width === 8) view.setBigUint64(o, bits, true);
        else if (width === 4) view.setUint32(o, Number(bits), true);
        else if (width === 2) view.setUint16(o, Number(bits), true);
        else view.setUint8(o, Number(bits));
        o += width;
      }
      continue;
    }
    // Instruction.
    if (item.tokens === undefined) {
      const source = item.source as string;
      const restColumn = item.restColumn as number;
      // An `.equ` name among the operands is substituted by the general path.
      const toks = tokenize(source.slice(restColumn), restColumn);
      if (!Array.isArray(toks)) throw new AsmError(toks.message, item.line, toks.column + 1);
      item.tokens = toks;
    }
    let tokens = item.tokens as Token[];
    if (item.literal) {
      const eq = tokens.findIndex((t) => t.text === '=');
      const slot = textAddress + poolOffset + item.literal.index * 8;
      const { tokens: expr, wide } = item.literal;
      const value = checkLiteral(evaluateBig(expr, symbolAt, item.line), wide, expr, item.line);
      textView.setBigUint64(poolOffset + item.literal.index * 8, BigInt.asUintN(64, value), true);
      tokens = [
        ...tokens.slice(0, eq),
        {
          kind: 'num',
          text: String(slot - address),
          value: BigInt(slot - address),
          column: tokens[eq].column,
        },
      ];
    }
    tokens = foldImmediates(tokens, symbolAt, item.line);
    // `.equ` names used as immediates are substituted by their values.
    tokens = tokens.map((t, i) => {
      const name = t.raw ?? t.text;
      if (t.kind !== 'id' || !equs.has(name)) return t;
      const prev = tokens[i - 1]?.text;
      if (prev !== '#' && prev !== ',' && prev !== '[' && prev !== undefined) return t;
      const v = resolve(name) as number;
      return { kind: 'num', text: String(v), value: BigInt(v), column: t.column };
    });
    // Negative numbers after '#' are folded by the operand parser.
    const r = encodeTokens(item.mnemonic as string, tokens, item.mnemonicColumn);
    if (!('word' in r)) throw new AsmError(r.message, item.line, r.column + 1);
    let word = r.word;
    for (const f of r.fixups) word = applyFixup(r.encoding, word, f, address, symbolAt, item.line);
    view.setUint32(item.offset, word >>> 0, true);
    instructionCount++;
  }

  const entry = symbols.get('_start') ?? textAddress;
  return { text, textAddress, data, dataAddress, symbols, globals, entry, instructionCount };
}

/** The fast path's scratch operands (one assembly at a time: `assemble` is synchronous). */
const scratch = new Operands();

/** Writes a resolved symbol reference into a word (shared with the builder). */
export function applyFixup(
  e: Encoding,
  word: number,
  f: Fixup,
  address: number,
  resolve: (name: string) => number | undefined,
  line: number,
): number {
  const target = resolve(f.symbol);
  if (target === undefined) throw new AsmError(`undefined symbol '${f.symbol}'`, line, f.column + 1);
  const value = target + f.addend;
  const plan = fixupPlan(e, f.fields);
  const width = plan.width;
  let encoded: number;
  if (f.kind === 'lo12') {
    const lo = value & 0xfff;
    if (lo % f.scale !== 0)
      throw new AsmError(`:lo12:${f.symbol} is not aligned to ${f.scale} bytes`, line, f.column + 1);
    encoded = lo / f.scale;
    if (encoded >= 2 ** width) throw new AsmError(`:lo12:${f.symbol} out of range`, line, f.column + 1);
    return writePlan(plan, word, encoded);
  }
  const delta = f.kind === 'page' ? Math.floor(value / 4096) - Math.floor(address / 4096) : value - address;
  const scale = f.kind === 'page' ? 1 : f.scale;
  if (delta % scale !== 0)
    throw new AsmError(`target '${f.symbol}' is not aligned to ${scale} bytes`, line, f.column + 1);
  encoded = delta / scale;
  const lim = 2 ** (width - 1);
  if (encoded < -lim || encoded >= lim) {
    const reach = f.kind === 'page' ? `±${lim * 4096} bytes by page` : `±${lim * scale} bytes`;
    throw new AsmError(
      `target '${f.symbol}' out of range (${delta * (f.kind === 'page' ? 4096 : 1)} bytes; reach ${reach})`,
      line,
      f.column + 1,
    );
  }
  return writePlan(plan, word, encoded < 0 ? encoded + 2 * lim : encoded);
}
