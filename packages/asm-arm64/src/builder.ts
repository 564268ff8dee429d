/**
 * The typed builder: instructions as method calls whose operand types reject impossible
 * combinations at compile time (`a.add(x0, w1, x2)` does not type-check), encoded through the
 * same tables as the text assembler.
 * @module
 */
import {
  B_COND,
  BuilderLabel,
  encodeFast,
  type MnemonicShapes,
  REGISTER_CLASS,
  registerClass,
  shapesOf,
} from './_builder-fast';
import { compiledResult } from './_encode-compiled';
import { fixupPlan, writePlan } from './_fixup-plan';
import { FALLBACK } from './_shape';
import { AsmError, applyFixup, DEFAULT_TEXT_ADDRESS } from './assembler';
import { encodeTokens } from './instruction';
import type { Fixup, Token } from './operands';
import type { Encoding } from './tables';

/** A 64-bit general register `x0`..`x30`. */
export interface XReg {
  /** Register class. */
  readonly kind: 'x';
  /** Register number (31 for `xzr`). */
  readonly n: number;
  /** Spelling. */
  readonly name: string;
}
/** A 32-bit general register `w0`..`w30`. */
export interface WReg {
  /** Register class. */
  readonly kind: 'w';
  /** Register number (31 for `wzr`). */
  readonly n: number;
  /** Spelling. */
  readonly name: string;
}
/** The stack pointer, 64-bit (`sp`) or 32-bit (`wsp`). */
export interface SpReg {
  /** Register class. */
  readonly kind: 'sp' | 'wsp';
  /** Always 31. */
  readonly n: 31;
  /** Spelling. */
  readonly name: 'sp' | 'wsp';
}
/** A memory operand: base register and immediate offset, with an addressing mode. */
export interface Mem {
  /** Base register. */
  readonly base: XReg | SpReg;
  /** Byte offset. */
  readonly offset: number;
  /** `offset` (`[xn, #imm]`), `pre` (`[xn, #imm]!`) or `post` (`[xn], #imm`). */
  readonly mode: 'offset' | 'pre' | 'post';
}
/** A code label, bound with `Builder.bind`. */
export interface Label {
  /** Unique name inside its builder. */
  readonly name: string;
}
/** Condition codes. */
export type Cond =
  | 'eq'
  | 'ne'
  | 'hs'
  | 'cs'
  | 'lo'
  | 'cc'
  | 'mi'
  | 'pl'
  | 'vs'
  | 'vc'
  | 'hi'
  | 'ls'
  | 'ge'
  | 'lt'
  | 'gt'
  | 'le'
  | 'al';
/** Shift of a shifted-register operand. */
export type Shift = 'lsl' | 'lsr' | 'asr' | 'ror';

/**
 * A register constant with its operand class for the fast path (`registerClass`) as a hidden,
 * non-enumerable property: one property load instead of a string switch per operand.
 */
function register<R extends XReg | WReg | SpReg>(r: R): R {
  Object.defineProperty(r, REGISTER_CLASS, { value: registerClass(r), enumerable: false });
  return Object.freeze(r);
}
function xreg(n: number): XReg {
  return register({ kind: 'x', n, name: n === 31 ? 'xzr' : `x${n}` });
}
function wreg(n: number): WReg {
  return register({ kind: 'w', n, name: n === 31 ? 'wzr' : `w${n}` });
}

/** `x0`..`x30` by number. */
export const X: readonly XReg[] = Array.from({ length: 31 }, (_, n) => xreg(n));
/** `w0`..`w30` by number. */
export const W: readonly WReg[] = Array.from({ length: 31 }, (_, n) => wreg(n));
/** The 64-bit zero register. */
export const xzr: XReg = xreg(31);
/** The 32-bit zero register. */
export const wzr: WReg = wreg(31);
/** The stack pointer. */
export const sp: SpReg = register({ kind: 'sp', n: 31, name: 'sp' });
/** The 32-bit view of the stack pointer. */
export const wsp: SpReg = register({ kind: 'wsp', n: 31, name: 'wsp' });

/**
 * A memory operand `[base, #offset]`.
 *
 * @example
 * ```ts
 * new Builder().ldr(x3, mem(sp, 16));
 * ```
 */
export function mem(base: XReg | SpReg, offset = 0): Mem {
  return { base, offset, mode: 'offset' };
}
/**
 * A pre-index memory operand `[base, #offset]!`.
 *
 * @example
 * ```ts
 * new Builder().stp(x29, x30, pre(sp, -16));
 * ```
 */
export function pre(base: XReg | SpReg, offset: number): Mem {
  return { base, offset, mode: 'pre' };
}
/**
 * A post-index memory operand `[base], #offset`.
 *
 * @example
 * ```ts
 * new Builder().ldp(x29, x30, post(sp, 16));
 * ```
 */
export function post(base: XReg | SpReg, offset: number): Mem {
  return { base, offset, mode: 'post' };
}

/** Any operand `Builder.emit` accepts: registers, memory, labels, immediates, names (`eq`, `lsl`). */
export type Operand = XReg | WReg | SpReg | Mem | Label | number | bigint | string;
/** A general register of either width. */
export type Gpr = XReg | WReg;
/** The register type of the same width as `R`. */
export type Same<R> = R extends XReg ? XReg : R extends SpReg ? XReg : WReg;
/** The same width as `R`, the stack pointer allowed. */
export type WithSp<R> = R extends WReg ? WReg | SpReg : XReg | SpReg;

// Each typed method's mnemonic resolved once, at load: a map lookup of the name per call was
// about 3% of the builder mix's profile.
const M_ADD = shapesOf('add');
const M_ADDS = shapesOf('adds');
const M_ADR = shapesOf('adr');
const M_AND = shapesOf('and');
const M_B = shapesOf('b');
const M_BL = shapesOf('bl');
const M_CBNZ = shapesOf('cbnz');
const M_CBZ = shapesOf('cbz');
const M_CMP = shapesOf('cmp');
const M_CSET = shapesOf('cset');
const M_EOR = shapesOf('eor');
const M_LDP = shapesOf('ldp');
const M_LDR = shapesOf('ldr');
const M_LDRB = shapesOf('ldrb');
const M_LSL = shapesOf('lsl');
const M_LSR = shapesOf('lsr');
const M_MOV = shapesOf('mov');
const M_MUL = shapesOf('mul');
const M_NOP = shapesOf('nop');
const M_ORR = shapesOf('orr');
const M_RET = shapesOf('ret');
const M_STP = shapesOf('stp');
const M_STR = shapesOf('str');
const M_STRB = shapesOf('strb');
const M_SUB = shapesOf('sub');
const M_SUBS = shapesOf('subs');
const M_SVC = shapesOf('svc');
const M_UDIV = shapesOf('udiv');
const M_MOVK = shapesOf('movk');

const COMMA: Token = { kind: 'punct', text: ',', value: 0n, column: 0 };

function push(tokens: Token[], op: Operand): void {
  if (typeof op === 'number' || typeof op === 'bigint') {
    const v = BigInt(op);
    tokens.push({ kind: 'punct', text: '#', value: 0n, column: 0 });
    if (v < 0n) tokens.push({ kind: 'punct', text: '-', value: 0n, column: 0 });
    tokens.push({ kind: 'num', text: String(v < 0n ? -v : v), value: v < 0n ? -v : v, column: 0 });
  } else if (typeof op === 'string') tokens.push({ kind: 'id', text: op, value: 0n, column: 0 });
  else if ('mode' in op) {
    tokens.push({ kind: 'punct', text: '[', value: 0n, column: 0 });
    push(tokens, op.base);
    if (op.mode === 'post') {
      tokens.push({ kind: 'punct', text: ']', value: 0n, column: 0 }, COMMA);
      push(tokens, op.offset);
    } else {
      if (op.offset !== 0 || op.mode === 'pre') {
        tokens.push(COMMA);
        push(tokens, op.offset);
      }
      tokens.push({ kind: 'punct', text: ']', value: 0n, column: 0 });
      if (op.mode === 'pre') tokens.push({ kind: 'punct', text: '!', value: 0n, column: 0 });
    }
  } else if ('kind' in op) tokens.push({ kind: 'id', text: op.name, value: 0n, column: 0 });
  else tokens.push({ kind: 'id', text: op.name, raw: op.name, value: 0n, column: 0 });
}

/**
 * Builds machine code instruction by instruction.
 *
 * @example
 * ```ts
 * const a = new Builder();
 * const loop = a.label();
 * a.mov(x0, 10);
 * a.bind(loop).subs(x0, x0, 1).b_cond('ne', loop).ret();
 * a.finish().length; // 16
 * ```
 */
export class Builder {
  /** Address of the first instruction (for labels and `adr`). */
  readonly address: number;
  private words = new Uint32Array(1024);
  private count = 0;
  private readonly labels = new Map<string, number>();
  // Label references to resolve in `finish`, one entry per reference in parallel arrays (no
  // object per reference: the allocations were 16% of the builder's time in garbage collection).
  private readonly pendingIndex: number[] = [];
  private readonly pendingEncoding: Encoding[] = [];
  private readonly pendingSymbol: string[] = [];
  private readonly pendingAddend: number[] = [];
  private readonly pendingKind: Fixup['kind'][] = [];
  private readonly pendingFields: string[] = [];
  private readonly pendingScale: number[] = [];
  private readonly pendingColumn: number[] = [];
  private nextLabel = 0;
  private readonly limitInstructions: number;

  /**
   * @param address - load address of the code (default 0x401000)
   * @param limitInstructions - most instructions accepted (default 16 Mi)
   */
  constructor(address = DEFAULT_TEXT_ADDRESS, limitInstructions = 1 << 24) {
    if (!Number.isInteger(address) || address % 4 !== 0)
      throw new RangeError('address: expected a multiple of 4');
    this.address = address;
    this.limitInstructions = limitInstructions;
  }

  /** Number of instructions so far. */
  get length(): number {
    return this.count;
  }

  /** A new label (bind it where it belongs with `bind`). */
  label(name?: string): Label {
    if (name === undefined) return BuilderLabel.generated(`.L${this.nextLabel++}`);
    return new BuilderLabel(name);
  }

  /** Binds a label to the next instruction. */
  bind(label: Label): this {
    if (this.labels.has(label.name)) throw new RangeError(`label ${label.name}: already bound`);
    this.labels.set(label.name, this.address + this.count * 4);
    return this;
  }

  /**
   * Emits any instruction by mnemonic and operands (the text assembler's syntax as values); the
   * typed methods below call this.
   */
  emit(mnemonic: string, ...operands: Operand[]): this {
    if (operands.length <= 5 && !operands.includes(undefined as unknown as Operand)) {
      const m = shapesOf(mnemonic);
      if (m.prefix !== '') {
        const [a, b, c, d, e] = operands;
        if (this.put(encodeFast(m, false, a, b, c, d, e))) return this;
      }
    }
    return this.emitGeneral(mnemonic, operands);
  }

  /** Stores the word the fast path encoded; false when it fell back. */
  private put(word: number): boolean {
    if (word === FALLBACK) return false;
    if (this.count >= this.limitInstructions)
      throw new RangeError(`builder: more than ${this.limitInstructions} instructions`);
    if (this.count === this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const fixups = compiledResult.fixups;
    // Fixup columns are token numbers from 1 in the general path.
    for (let i = 0; i < compiledResult.fixupCount; i++)
      this.pend(compiledResult.encoding as Encoding, fixups[i], fixups[i].column + 1);
    this.words[this.count++] = word;
    return true;
  }

  private pend(encoding: Encoding, f: Fixup, column: number): void {
    this.pendingIndex.push(this.count);
    this.pendingEncoding.push(encoding);
    this.pendingSymbol.push(f.symbol);
    this.pendingAddend.push(f.addend);
    this.pendingKind.push(f.kind);
    this.pendingFields.push(f.fields);
    this.pendingScale.push(f.scale);
    this.pendingColumn.push(column);
  }

  /** A typed method's instruction: the fast path, else the general one. */
  private op(m: MnemonicShapes, a?: Operand, b?: Operand, c?: Operand, d?: Operand, e?: Operand): this {
    if (this.put(encodeFast(m, false, a, b, c, d, e))) return this;
    const operands: Operand[] = [];
    for (const x of [a, b, c, d, e]) if (x !== undefined) operands.push(x);
    return this.emitGeneral(m.mnemonic, operands);
  }

  /** The general path: operands as tokens through the template matcher. */
  private emitGeneral(mnemonic: string, operands: readonly Operand[]): this {
    const tokens: Token[] = [];
    for (let i = 0; i < operands.length; i++) {
      if (i > 0) tokens.push(COMMA);
      push(tokens, operands[i]);
    }
    return this.emitTokens(mnemonic, tokens);
  }

  private emitTokens(mnemonic: string, shared: Token[]): this {
    // Columns number the tokens so that errors point at the operand that failed.
    const tokens = shared.map((t, i) => ({ ...t, column: i + 1 }));
    const r = encodeTokens(mnemonic, tokens);
    if (!('word' in r)) throw new AsmError(`${mnemonic}: ${r.message}`, this.count + 1, r.column);
    if (this.count >= this.limitInstructions)
      throw new RangeError(`builder: more than ${this.limitInstructions} instructions`);
    if (this.count === this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    for (const f of r.fixups) this.pend(r.encoding, f, f.column);
    this.words[this.count++] = r.word;
    return this;
  }

  /** Emits a shifted-register operand form: `op rd, rn, rm, shift #amount`. */
  private shifted(
    m: MnemonicShapes,
    rd: Operand,
    rn: Operand,
    rm: Operand,
    shift?: Shift,
    amount?: number,
  ): this {
    if (shift === undefined) return this.op(m, rd, rn, rm);
    if (this.put(encodeFast(m, true, rd, rn, rm, shift, amount ?? 0))) return this;
    const tokens: Token[] = [];
    push(tokens, rd);
    tokens.push(COMMA);
    push(tokens, rn);
    tokens.push(COMMA);
    push(tokens, rm);
    tokens.push(COMMA, { kind: 'id', text: shift, value: 0n, column: 0 });
    push(tokens, amount ?? 0);
    return this.emitTokens(m.mnemonic, tokens);
  }

  /** `add rd, rn, #imm` or `add rd, rn, rm{, shift #amount}`; all registers of one width. */
  add<R extends Gpr | SpReg>(
    rd: R,
    rn: WithSp<R>,
    op: Same<R> | number,
    shift?: Shift,
    amount?: number,
  ): this {
    return this.shifted(M_ADD, rd, rn, op, shift, amount);
  }
  /** `sub rd, rn, #imm` or `sub rd, rn, rm{, shift #amount}`. */
  sub<R extends Gpr | SpReg>(
    rd: R,
    rn: WithSp<R>,
    op: Same<R> | number,
    shift?: Shift,
    amount?: number,
  ): this {
    return this.shifted(M_SUB, rd, rn, op, shift, amount);
  }
  /** `adds rd, rn, op`, setting the flags. */
  adds<R extends Gpr>(rd: R, rn: WithSp<R>, op: Same<R> | number): this {
    return this.op(M_ADDS, rd, rn, op);
  }
  /** `subs rd, rn, op`, setting the flags. */
  subs<R extends Gpr>(rd: R, rn: WithSp<R>, op: Same<R> | number): this {
    return this.op(M_SUBS, rd, rn, op);
  }
  /** `cmp rn, op`. */
  cmp<R extends Gpr | SpReg>(rn: R, op: Same<R> | number): this {
    return this.op(M_CMP, rn, op);
  }
  /** `mov rd, #imm` (MOVZ, MOVN or ORR, as LLVM chooses) or `mov rd, rm`. */
  mov<R extends Gpr | SpReg>(rd: R, op: WithSp<R> | number | bigint): this {
    return this.op(M_MOV, rd, op);
  }
  /** `movk rd, #imm16, lsl #shift`. */
  movk(rd: Gpr, imm16: number, shift = 0): this {
    if (this.put(encodeFast(M_MOVK, true, rd, imm16, 'lsl', shift))) return this;
    const tokens: Token[] = [];
    push(tokens, rd);
    tokens.push(COMMA);
    push(tokens, imm16);
    tokens.push(COMMA, { kind: 'id', text: 'lsl', value: 0n, column: 0 });
    push(tokens, shift);
    return this.emitTokens('movk', tokens);
  }
  /** Bitwise AND with a logical immediate or a register. */
  and<R extends Gpr>(rd: R | WithSp<R>, rn: R, op: R | number | bigint): this {
    return this.op(M_AND, rd, rn, op);
  }
  /** Bitwise OR with a logical immediate or a register. */
  orr<R extends Gpr>(rd: R | WithSp<R>, rn: R, op: R | number | bigint): this {
    return this.op(M_ORR, rd, rn, op);
  }
  /** Bitwise exclusive OR with a logical immediate or a register. */
  eor<R extends Gpr>(rd: R | WithSp<R>, rn: R, op: R | number | bigint): this {
    return this.op(M_EOR, rd, rn, op);
  }
  /** Shift left by an immediate or a register. */
  lsl<R extends Gpr>(rd: R, rn: Same<R>, amount: Same<R> | number): this {
    return this.op(M_LSL, rd, rn, amount);
  }
  /** Logical shift right by an immediate or a register. */
  lsr<R extends Gpr>(rd: R, rn: Same<R>, amount: Same<R> | number): this {
    return this.op(M_LSR, rd, rn, amount);
  }
  /** Multiply. */
  mul<R extends Gpr>(rd: R, rn: Same<R>, rm: Same<R>): this {
    return this.op(M_MUL, rd, rn, rm);
  }
  /** Unsigned divide. */
  udiv<R extends Gpr>(rd: R, rn: Same<R>, rm: Same<R>): this {
    return this.op(M_UDIV, rd, rn, rm);
  }
  /** Load a register (size from the register class). */
  ldr(rt: XReg | WReg, address: Mem | Label): this {
    return this.op(M_LDR, rt, address);
  }
  /** Store a register. */
  str(rt: XReg | WReg, address: Mem): this {
    return this.op(M_STR, rt, address);
  }
  /** Load a byte, zero-extended. */
  ldrb(rt: WReg, address: Mem): this {
    return this.op(M_LDRB, rt, address);
  }
  /** Store a byte. */
  strb(rt: WReg, address: Mem): this {
    return this.op(M_STRB, rt, address);
  }
  /** Load a pair of registers of one width. */
  ldp<R extends Gpr>(rt: R, rt2: Same<R>, address: Mem): this {
    return this.op(M_LDP, rt, rt2, address);
  }
  /** Store a pair of registers of one width. */
  stp<R extends Gpr>(rt: R, rt2: Same<R>, address: Mem): this {
    return this.op(M_STP, rt, rt2, address);
  }
  /** Address of a label. */
  adr(rd: XReg, target: Label): this {
    return this.op(M_ADR, rd, target);
  }
  /** Branch. */
  b(target: Label): this {
    return this.op(M_B, target);
  }
  /** Branch with link. */
  bl(target: Label): this {
    return this.op(M_BL, target);
  }
  /** Conditional branch `b.<cond>`. */
  b_cond(cond: Cond, target: Label): this {
    if (this.put(encodeFast(B_COND, true, cond, target))) return this;
    return this.emitGeneral(`b.${cond}`, [target]);
  }
  /** Compare and branch if zero. */
  cbz(rt: XReg | WReg, target: Label): this {
    return this.op(M_CBZ, rt, target);
  }
  /** Compare and branch if not zero. */
  cbnz(rt: XReg | WReg, target: Label): this {
    return this.op(M_CBNZ, rt, target);
  }
  /** Conditional set. */
  cset(rd: XReg | WReg, cond: Exclude<Cond, 'al'>): this {
    return this.op(M_CSET, rd, cond);
  }
  /** Return (to x30 by default). */
  ret(rn?: XReg): this {
    return rn ? this.op(M_RET, rn) : this.op(M_RET);
  }
  /** Supervisor call. */
  svc(imm16 = 0): this {
    return this.op(M_SVC, imm16);
  }
  /** No operation. */
  nop(): this {
    return this.op(M_NOP);
  }

  /** Resolves labels and returns the little-endian machine code. */
  finish(): Uint8Array {
    const resolve = (name: string) => this.labels.get(name);
    const f: Fixup = { symbol: '', addend: 0, kind: 'pcrel', fields: '', scale: 0, column: 0 };
    for (let i = 0; i < this.pendingIndex.length; i++) {
      const index = this.pendingIndex[i];
      // A branch to a bound label in reach, written here through the encoding's plan; anything
      // else (other kinds, errors) through `applyFixup`. `applyFixup` per reference was 9% of the
      // builder mix's profile; this loop is 4%.
      if (this.pendingKind[i] === 'pcrel') {
        const target = this.labels.get(this.pendingSymbol[i]);
        if (target !== undefined) {
          const plan = fixupPlan(this.pendingEncoding[i], this.pendingFields[i]);
          const encoded =
            (target + this.pendingAddend[i] - (this.address + index * 4)) / this.pendingScale[i];
          const lim = plan.width >= 32 ? 2 ** 31 : 1 << (plan.width - 1);
          if (Number.isInteger(encoded) && encoded >= -lim && encoded < lim) {
            this.words[index] = writePlan(plan, this.words[index], encoded < 0 ? encoded + 2 * lim : encoded);
            continue;
          }
        }
      }
      f.symbol = this.pendingSymbol[i];
      f.addend = this.pendingAddend[i];
      f.kind = this.pendingKind[i];
      f.fields = this.pendingFields[i];
      f.scale = this.pendingScale[i];
      f.column = this.pendingColumn[i];
      this.words[index] = applyFixup(
        this.pendingEncoding[i],
        this.words[index],
        f,
        this.address + index * 4,
        resolve,
        index + 1,
      );
    }
    for (const list of [
      this.pendingIndex,
      this.pendingEncoding,
      this.pendingSymbol,
      this.pendingAddend,
      this.pendingKind,
      this.pendingFields,
      this.pendingScale,
      this.pendingColumn,
    ])
      list.length = 0;
    return new Uint8Array(this.words.buffer.slice(0, this.count * 4));
  }
}
