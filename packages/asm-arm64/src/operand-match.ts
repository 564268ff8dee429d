/**
 * Operand kinds, text to word: each template operand matched against the tokens of an
 * instruction, writing its fields (the table of kinds is in `operands.ts`). Errors name what was
 * expected and the column; nothing out of range is truncated into a field.
 * @module
 */
import { encodeBitmask } from './_bits';
import {
  dataSize,
  elementSize,
  expandFloatImmediate,
  fail,
  fitsSigned,
  fitsUnsigned,
  gpr,
  IMPLIED_IMMEDIATE,
  laneFields,
  lslBits,
  type MatchState,
  need,
  parseEnum,
  parseNumber,
  parseSymbol,
  regClass,
  splitOperand,
  type Token,
} from './_operand';
import {
  BARRIER_OPTIONS,
  CACHE_OPS,
  CONDITION_SYNONYMS,
  CONDITIONS,
  PREFETCH_OPS,
  PSTATE_FIELDS,
  type SysOperationKind,
  systemRegisterByName,
} from './operand-names';
import { type Encoding, fieldWidth, getField, setField } from './tables';

/**
 * An operand spelled either by name from `names` or as `#0..#max` (barrier options, prefetch
 * operations): sets `field` and returns the next token position, or -1 with `what` as the error.
 */
function matchNamedOrNumber(
  e: Encoding,
  tokens: Token[],
  pos: number,
  state: MatchState,
  column: number,
  field: string,
  names: Record<number, string>,
  max: number,
  what: string,
): number {
  const t = tokens[pos];
  if (t && t.kind === 'id') {
    const entry = Object.entries(names).find(([, v]) => v === t.text);
    if (!entry) return need(state, column, what);
    state.word = setField(e, state.word, field, Number(entry[0]));
    return pos + 1;
  }
  const n = parseNumber(tokens, pos);
  if (!n || n.value < 0n || n.value > BigInt(max)) return need(state, column, `${what} or #0..#${max}`);
  state.word = setField(e, state.word, field, Number(n.value));
  return n.next;
}

/**
 * An element index checked against the element size already in `imm5` (its lowest set bit): the
 * index and log2 of the element bytes, or null with the error recorded.
 */
function elementIndex(
  e: Encoding,
  t: Token | undefined,
  state: MatchState,
  column: number,
): { n: number; size: number } | null {
  const n = t?.kind === 'num' ? Number(t.value) : -1;
  const imm5 = getField(e, state.word, 'imm5');
  const size = 31 - Math.clz32(imm5 & -imm5);
  if (n < 0 || imm5 === 0) {
    need(state, column, 'an element index');
    return null;
  }
  if (n >= 16 >> size) {
    fail(state, `element index ${n} out of range [0, ${(16 >> size) - 1}]`, column);
    return null;
  }
  return { n, size };
}

/**
 * Whether `next` changes a field that an earlier operand set as part of an arrangement (or the
 * `2` suffix set), where one of the two names a composite field (`size+Q` and `Q`).
 */
function disagrees(e: Encoding, state: MatchState, spec: string, next: number): boolean {
  const parts = spec.split('+');
  for (const key of (state.enums as Map<string, string>).keys()) {
    if (key === spec || (!key.includes('+') && parts.length === 1)) continue;
    for (const f of key.split('+'))
      if (parts.includes(f) && getField(e, state.word, f) !== getField(e, next, f)) return true;
  }
  return false;
}

/**
 * Matches one operand at `pos`; returns the next token position or -1. Writes fields into
 * `state.word` and fixups into `state.fixups`.
 */
export function matchOperand(
  e: Encoding,
  mnemonic: string,
  op: string,
  tokens: Token[],
  pos: number,
  state: MatchState,
): number {
  const a = splitOperand(op);
  const t = tokens[pos];
  const column = t?.column ?? tokens[tokens.length - 1]?.column ?? 0;

  switch (a[0]) {
    case 'R': {
      if (!t) return need(state, column, 'a register');
      const r = gpr(t.text);
      if (!r) return need(state, column, 'a register');
      const cls =
        a[2] === 'b5' || a[2] === 'opt' ? r.c : a[2] === 'imm5' ? regClass(e, state.word, 'imm5') : a[2];
      if (a[1] === 'Rm') state.rmClass = r.c;
      if (r.c !== cls)
        return fail(
          state,
          `wrong register class: expected a ${cls === 'x' ? '64' : '32'}-bit register`,
          column,
        )
          ? -1
          : -1;
      if (r.special && r.special !== a[3])
        return fail(state, `${t.text} is not allowed here`, column) ? -1 : -1;
      state.word = setField(e, state.word, a[1], r.n);
      if (a[2] === 'b5') state.word = setField(e, state.word, 'b5', r.c === 'x' ? 1 : 0);
      return pos + 1;
    }
    case 'R+': {
      if (!t) return need(state, column, 'a register');
      const r = gpr(t.text);
      if (!r || r.c !== a[2]) return need(state, column, `a ${a[2]} register`);
      const first = getField(e, state.word, a[1]);
      if (r.n !== ((first + 1) & 31))
        return fail(state, 'the second register of a pair must follow the first', column) ? -1 : -1;
      return pos + 1;
    }
    case 'V': {
      if (!t) return need(state, column, 'a register');
      const m = /^([bhsdq])(\d+)$/.exec(t.text);
      if (!m || m[1] !== a[2] || Number(m[2]) > 31) return need(state, column, `a ${a[2]} register`);
      state.word = setField(e, state.word, a[1], Number(m[2]));
      return pos + 1;
    }
    case 'SUF':
      // The `2` of `saddl2` arrived with the mnemonic (see encodeTokens).
      state.word = setField(e, state.word, a[1], state.suffix2 ? 1 : 0);
      // The arrangements that follow must agree with it (see `disagrees`).
      if (!state.enums) state.enums = new Map();
      state.enums.set(a[1], state.suffix2 ? '1' : '0');
      return pos;
    case 'VV+': {
      const m = t && /^v(\d+)$/.exec(t.text);
      const want = (getField(e, state.word, a[1]) + Number(a[2])) & 31;
      if (!m || Number(m[1]) !== want)
        return need(state, column, `v${want} (registers of a list are consecutive)`);
      return pos + 1;
    }
    case 'IDX5': {
      const x = elementIndex(e, t, state, column);
      if (!x) return -1;
      state.word = setField(e, state.word, 'imm5', (x.n << (x.size + 1)) | (1 << x.size));
      return pos + 1;
    }
    case 'ELVM': {
      const m = t && /^v(\d+)$/.exec(t.text);
      if (!m || Number(m[1]) > 31) return need(state, column, 'a vector register');
      const n = Number(m[1]);
      state.word = setField(e, state.word, 'Rm', n & 15);
      state.word = setField(e, state.word, 'M', n >> 4);
      state.elementRegister = n;
      return pos + 1;
    }
    case 'ELIDX': {
      const n = t?.kind === 'num' ? Number(t.value) : -1;
      if (n < 0) return need(state, column, 'an element index');
      if (a[1] === 'c') {
        // FCMLA: complex pairs, H:L for halves, H for singles.
        const half = elementSize(e, state.word) === 'h';
        if (n > (half ? 3 : 1))
          return fail(state, `element index ${n} out of range [0, ${half ? 3 : 1}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, half ? 'H+L' : 'H', n);
        return pos + 1;
      }
      const esize = (a[1] as 'h' | 's' | 'd' | undefined) ?? elementSize(e, state.word);
      const max = esize === 'h' ? 7 : esize === 's' ? 3 : 1;
      if (n > max) return fail(state, `element index ${n} out of range [0, ${max}]`, column) ? -1 : -1;
      if (esize === 'h') {
        if ((state.elementRegister ?? 0) > 15)
          return fail(state, 'with 16-bit elements the register must be v0..v15', column) ? -1 : -1;
        state.word = setField(e, state.word, 'H+L+M', n);
      } else if (esize === 's') state.word = setField(e, state.word, 'H+L', n);
      else {
        state.word = setField(e, state.word, 'H', n);
        state.word = setField(e, state.word, 'L', 0);
      }
      return pos + 1;
    }
    case 'IDX4': {
      const x = elementIndex(e, t, state, column);
      if (!x) return -1;
      state.word = setField(e, state.word, 'imm4', x.n << x.size);
      return pos + 1;
    }
    case 'SHL':
    case 'SHR': {
      const n = parseNumber(tokens, pos);
      const immh = getField(e, state.word, 'immh');
      if (!n || immh === 0) return need(state, column, 'a shift amount');
      const esize = 8 << (31 - Math.clz32(immh));
      const v = Number(n.value);
      const lo = a[0] === 'SHL' ? 0 : 1;
      const hi = a[0] === 'SHL' ? esize - 1 : esize;
      if (v < lo || v > hi) return fail(state, `shift ${v} out of range [${lo}, ${hi}]`, column) ? -1 : -1;
      state.word = setField(e, state.word, 'immh+immb', a[0] === 'SHL' ? esize + v : 2 * esize - v);
      return n.next;
    }
    case 'LANE': {
      const n = parseNumber(tokens, pos);
      const bits = a[1] === 'b' ? 4 : a[1] === 'h' ? 3 : a[1] === 's' ? 2 : 1;
      if (!n || tokens[pos]?.text === '#') return need(state, column, 'a lane index');
      if (n.value < 0n || n.value >= BigInt(1 << bits))
        return fail(state, `lane index ${n.value} out of range [0, ${(1 << bits) - 1}]`, column) ? -1 : -1;
      const lane = laneFields(a[1]);
      state.word = setField(e, state.word, lane.spec, Number(n.value) << lane.shift);
      return n.next;
    }
    case 'BYTEMASK': {
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'an immediate');
      // LLVM takes a negative 64-bit mask as its two's complement (`movi v0.2d, #-1`).
      if (n.value < -(1n << 63n) || n.value >= 1n << 64n)
        return fail(state, `immediate ${n.value} out of range for 64 bits`, column) ? -1 : -1;
      const mask = BigInt.asUintN(64, n.value);
      let imm8 = 0;
      for (let i = 0; i < 8; i++) {
        const byte = Number((mask >> BigInt(8 * i)) & 0xffn);
        if (byte !== 0 && byte !== 0xff)
          return fail(state, `immediate ${n.value} is not a mask of 0x00 and 0xff bytes`, column) ? -1 : -1;
        if (byte) imm8 |= 1 << i;
      }
      state.word = setField(e, state.word, 'a+b+c+d+e+f+g+h', imm8);
      return n.next;
    }
    case 'N': {
      // An element index written without `#` (`v2.s[3]`).
      const n = t?.kind === 'num' ? t.value : -1n;
      const width = fieldWidth(e, a[1]);
      if (n < 0n) return need(state, column, 'an element index');
      if (n >= BigInt(2 ** width))
        return fail(state, `element index ${n} out of range [0, ${2 ** width - 1}]`, column) ? -1 : -1;
      state.word = setField(e, state.word, a[1], Number(n));
      return pos + 1;
    }
    case 'FBITS': {
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'a number of fraction bits');
      const v = Number(n.value);
      const max = e.fields.some((f) => f.name === 'sf') && getField(e, state.word, 'sf') === 0 ? 32 : 64;
      if (v < 1 || v > max) return fail(state, `fbits ${v} out of range [1, ${max}]`, column) ? -1 : -1;
      state.word = setField(e, state.word, 'scale', 64 - v);
      return n.next;
    }
    case 'VV': {
      const m = t && /^v(\d+)$/.exec(t.text);
      if (!m || Number(m[1]) > 31) return need(state, column, 'a vector register');
      state.word = setField(e, state.word, a[1], Number(m[1]));
      return pos + 1;
    }
    case 'VS': {
      const m = t && /^([bhsdq])(\d+)$/.exec(t.text);
      if (!m || Number(m[2]) > 31) return need(state, column, 'a scalar SIMD register');
      const alt = parseEnum(a.slice(3).join(':')).find((x) => x.text.toLowerCase() === m[1]);
      if (!alt) return fail(state, `wrong register class ${m[1]}`, column) ? -1 : -1;
      state.word = setField(e, state.word, a[1], Number(m[2]));
      state.word = setField(e, state.word, a[2], Number.parseInt(alt.bits.replace(/x/g, '0'), 2));
      return pos + 1;
    }
    case 'I': {
      const reloc =
        tokens[pos]?.kind === 'reloc'
          ? tokens[pos]
          : tokens[pos]?.text === '#' && tokens[pos + 1]?.kind === 'reloc'
            ? tokens[pos + 1]
            : null;
      if (reloc) {
        if (reloc.text !== ':lo12:') return need(state, column, 'an immediate');
        const s = parseSymbol(tokens, tokens.indexOf(reloc) + 1);
        if (!s) return need(state, column, 'a symbol after :lo12:');
        state.fixups.push({
          symbol: s.symbol,
          addend: s.addend,
          kind: 'lo12',
          fields: a[1],
          scale: Number(a[3]),
          column,
        });
        return s.next;
      }
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'an immediate');
      const scale = Number(a[3]);
      const v = Number(n.value);
      const width = fieldWidth(e, a[1]);
      if (v % scale !== 0)
        return fail(state, `immediate ${v} is not a multiple of ${scale}`, column) ? -1 : -1;
      const f = v / scale;
      // `tbz w0, #n`: a W register has bits 0..31 (b5 is 0 for it, set by the register).
      if (a[1] === 'b5+b40' && getField(e, state.word, 'b5') === 0 && f > 31)
        return fail(state, `bit number ${v} out of range [0, 31] for a 32-bit register`, column) ? -1 : -1;
      if (a[2] === 's' ? !fitsSigned(f, width) : !fitsUnsigned(f, width)) {
        const lo = a[2] === 's' ? -(2 ** (width - 1)) * scale : 0;
        const hi = (a[2] === 's' ? 2 ** (width - 1) - 1 : 2 ** width - 1) * scale;
        return fail(state, `immediate ${v} out of range [${lo}, ${hi}]`, column) ? -1 : -1;
      }
      state.word = setField(e, state.word, a[1], f < 0 ? f + 2 ** width : f);
      return n.next;
    }
    case 'L': {
      const scale = Number(a[2]);
      const s = parseSymbol(tokens, pos);
      if (s) {
        state.fixups.push({
          symbol: s.symbol,
          addend: s.addend,
          kind: scale === 4096 ? 'page' : 'pcrel',
          fields: a[1],
          scale,
          column,
        });
        return s.next;
      }
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'a label');
      const v = Number(n.value);
      const width = fieldWidth(e, a[1]);
      if (v % scale !== 0) return fail(state, `offset ${v} is not a multiple of ${scale}`, column) ? -1 : -1;
      if (!fitsSigned(v / scale, width)) return fail(state, `offset ${v} out of range`, column) ? -1 : -1;
      const f = v / scale;
      state.word = setField(e, state.word, a[1], f < 0 ? f + 2 ** width : f);
      return n.next;
    }
    case 'M':
    case 'MOVZ':
    case 'MOVN': {
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'an immediate');
      const size = a[0] === 'M' ? (Number(a[1]) as 32 | 64) : dataSize(e);
      const lim = 1n << BigInt(size);
      // LLVM (`isLogicalImm`) reads a 32-bit logical immediate as a 64-bit pattern whose upper
      // half is all zeros or all ones ("to permit bitwise NOT"): `and w0, w1, #~1` is
      // `#0xfffffffe`. Move-wide values keep the 32-bit range.
      const logical32 =
        a[0] === 'M' &&
        mnemonic !== 'MOV' &&
        size === 32 &&
        n.value >= -(1n << 63n) &&
        n.value < 1n << 64n &&
        BigInt.asUintN(64, n.value) >> 32n === 0xffffffffn;
      if (!logical32 && (n.value >= lim || n.value < -(lim >> 1n)))
        return fail(state, `immediate ${n.value} out of range for ${size} bits`, column) ? -1 : -1;
      const v = BigInt.asUintN(size, n.value);
      if (a[0] === 'M') {
        const b = encodeBitmask(v, size);
        if (!b) return fail(state, `immediate ${n.value} is not a valid logical immediate`, column) ? -1 : -1;
        if (size === 64) state.word = setField(e, state.word, 'N', b.n);
        state.word = setField(e, state.word, 'immr', b.immr);
        state.word = setField(e, state.word, 'imms', b.imms);
        return n.next;
      }
      const target = a[0] === 'MOVN' ? BigInt.asUintN(size, ~v) : v;
      for (let hw = 0; hw < size / 16; hw++) {
        const shift = BigInt(16 * hw);
        if ((target & ~(0xffffn << shift)) === 0n) {
          state.word = setField(e, state.word, 'hw', hw);
          state.word = setField(e, state.word, 'imm16', Number(target >> shift));
          return n.next;
        }
      }
      return fail(state, `immediate ${n.value} does not fit a move-wide instruction`, column) ? -1 : -1;
    }
    case 'C':
    case 'C!': {
      if (!t) return need(state, column, 'a condition');
      let c = CONDITIONS.indexOf(t.text);
      if (c < 0) c = CONDITION_SYNONYMS[t.text] ?? -1;
      if (c < 0) return need(state, column, 'a condition');
      if (a[0] === 'C!') {
        if (c >= 14) return fail(state, `condition ${t.text} cannot be inverted`, column) ? -1 : -1;
        c ^= 1;
      }
      state.word = setField(e, state.word, a[1], c);
      return pos + 1;
    }
    case 'E': {
      const shift = Number(a[2]);
      for (const alt of parseEnum(a.slice(3).join(':'))) {
        const words = alt.text
          .toLowerCase()
          .split(/\s+|(?=#)/)
          .filter(Boolean);
        let p = pos;
        let ok = true;
        for (const w of words) {
          if (w === '#') {
            if (tokens[p]?.text === '#') p++;
            continue;
          }
          if (w.startsWith('#')) {
            const n = parseNumber(tokens, p);
            if (!n || String(n.value) !== w.slice(1)) {
              ok = false;
              break;
            }
            p = n.next;
            continue;
          }
          if (tokens[p]?.text !== w) {
            ok = false;
            break;
          }
          p++;
        }
        // LLVM refuses `lsl` without an amount in an extended-register or register-offset
        // operand ("expected #imm after shift specifier"); the specification's `{#amount}` is
        // optional there only after the other extends.
        if (ok && a[1] === 'option' && words.length === 1 && words[0] === 'lsl' && !parseNumber(tokens, p))
          ok = false;
        if (ok) {
          // One field may be named by several operands (`v0.8b, v1.8b`): they must agree.
          if (a[1].includes('+') || a[1] === 'size' || a[1] === 'imm5') {
            const previous = state.enums?.get(a[1]);
            if (previous !== undefined && previous !== alt.bits) {
              fail(state, 'operands disagree on the arrangement', column);
              continue;
            }
            if (!state.enums) state.enums = new Map();
            state.enums.set(a[1], alt.bits);
          }
          const bits = lslBits(e, alt.bits).replace(/x/g, '0');
          const cur = getField(e, state.word, a[1]);
          const v = (cur & ~(((1 << bits.length) - 1) << shift)) | (Number.parseInt(bits, 2) << shift);
          let next = setField(e, state.word, a[1], v);
          // Bits marked x keep a value another operand set (option<2> of a register offset).
          if (alt.bits.includes('x')) {
            let keep = 0;
            for (let i = 0; i < alt.bits.length; i++)
              if (alt.bits[alt.bits.length - 1 - i] === 'x') keep |= 1 << (i + shift);
            next = setField(e, state.word, a[1], (v & ~keep) | (cur & keep));
          }
          // A field that is also part of an arrangement set before must keep its value: Q in
          // `size+Q` and in a post-index amount (`ld1 {v0.4s, v1.4s}, [x0], #32`), Q set by the
          // `2` of `saddl2` and then by the arrangement of its sources.
          if (state.enums && disagrees(e, state, a[1], next)) {
            fail(state, `${words.join(' ')} does not fit the arrangement`, column);
            continue;
          }
          state.word = next;
          return p;
        }
      }
      return need(
        state,
        column,
        `one of ${parseEnum(a.slice(3).join(':'))
          .map((x) => x.text.toLowerCase())
          .join(', ')}`,
      );
    }
    case 'FP': {
      let p = pos;
      if (tokens[p]?.text === '#') p++;
      let sign = 1;
      if (tokens[p]?.text === '-') {
        sign = -1;
        p++;
      }
      const n = tokens[p];
      if (n?.kind !== 'num') return need(state, column, 'a floating-point immediate');
      // LLVM reads a hexadecimal integer as the 8-bit encoding itself (`fmov d0, #0x70` is 1.0).
      if (n.text.startsWith('0x') && sign === 1) {
        if (n.value > 255n)
          return fail(state, `encoded immediate ${n.text} out of range [0, 0xff]`, column) ? -1 : -1;
        state.word = setField(e, state.word, a[1], Number(n.value));
        return p + 1;
      }
      const value = sign * Number(n.text);
      for (let imm8 = 0; imm8 < 256; imm8++) {
        if (expandFloatImmediate(imm8) === value) {
          state.word = setField(e, state.word, a[1], imm8);
          return p + 1;
        }
      }
      return fail(state, `${value} is not representable as an 8-bit floating-point immediate`, column)
        ? -1
        : -1;
    }
    case 'CR': {
      const m = t && /^c(\d+)$/.exec(t.text);
      if (!m || Number(m[1]) > 15) return need(state, column, 'c0..c15');
      state.word = setField(e, state.word, a[1], Number(m[1]));
      return pos + 1;
    }
    case 'LSL':
    case 'BFZL':
    case 'BFW':
    case 'BFZW': {
      const n = parseNumber(tokens, pos);
      if (!n) return need(state, column, 'an immediate');
      const size = dataSize(e);
      const v = Number(n.value);
      if (a[0] === 'LSL') {
        if (v < 0 || v >= size)
          return fail(state, `shift ${v} out of range [0, ${size - 1}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'immr', (size - v) % size);
        state.word = setField(e, state.word, 'imms', size - 1 - v);
      } else if (a[0] === 'BFZL') {
        if (v < 0 || v >= size)
          return fail(state, `lsb ${v} out of range [0, ${size - 1}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'immr', (size - v) % size);
      } else if (a[0] === 'BFZW') {
        const lsb = (size - getField(e, state.word, 'immr')) % size;
        if (v < 1 || v > size - lsb)
          return fail(state, `width ${v} out of range [1, ${size - lsb}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'imms', v - 1);
      } else {
        const lsb = getField(e, state.word, 'immr');
        if (v < 1 || v > size - lsb)
          return fail(state, `width ${v} out of range [1, ${size - lsb}]`, column) ? -1 : -1;
        state.word = setField(e, state.word, 'imms', lsb + v - 1);
      }
      return n.next;
    }
    case 'SYSREG': {
      if (t?.kind !== 'id') return need(state, column, 'a system register');
      let code: readonly number[] | undefined;
      const packed = systemRegisterByName(t.text, mnemonic !== 'MRS');
      if (packed !== undefined)
        code = [packed >> 14, (packed >> 11) & 7, (packed >> 7) & 15, (packed >> 3) & 15, packed & 7];
      else {
        const m = /^s([23])_([0-7])_c(\d+)_c(\d+)_([0-7])$/.exec(t.text);
        if (m && Number(m[3]) < 16 && Number(m[4]) < 16)
          code = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
      }
      if (!code && systemRegisterByName(t.text, mnemonic === 'MRS') !== undefined)
        return fail(
          state,
          `system register ${t.text} is ${mnemonic === 'MRS' ? 'write' : 'read'}-only`,
          column,
        )
          ? -1
          : -1;
      if (!code) return fail(state, `unknown system register ${t.text}`, column) ? -1 : -1;
      state.word = setField(e, state.word, 'o0', code[0] - 2);
      state.word = setField(e, state.word, 'op1', code[1]);
      state.word = setField(e, state.word, 'CRn', code[2]);
      state.word = setField(e, state.word, 'CRm', code[3]);
      state.word = setField(e, state.word, 'op2', code[4]);
      return pos + 1;
    }
    case 'SYSOP': {
      const op = t && t.kind === 'id' ? CACHE_OPS[a[1] as SysOperationKind][t.text] : undefined;
      if (!op) return need(state, column, `a ${a[1].toLowerCase()} operation`);
      state.word = setField(e, state.word, 'op1', op.code[0]);
      state.word = setField(e, state.word, 'CRn', op.code[1]);
      state.word = setField(e, state.word, 'CRm', op.code[2]);
      state.word = setField(e, state.word, 'op2', op.code[3]);
      state.word = setField(e, state.word, 'Rt', 31);
      state.cacheOpRegister = op.register;
      return pos + 1;
    }
    case 'PSTATE': {
      const f = t?.kind === 'id' ? PSTATE_FIELDS.find((x) => x.name.toLowerCase() === t.text) : undefined;
      const generic = t?.kind === 'id' ? /^s0_([0-7])_c4_c(\d+)_([0-7])$/.exec(t.text) : null;
      if (!f && generic && Number(generic[2]) < 16) {
        // `msr S0_<op1>_C4_C<m>_<op2>, xzr`: the generic spelling of any MSR (immediate).
        state.word = setField(e, state.word, 'op1', Number(generic[1]));
        state.word = setField(e, state.word, 'CRm', Number(generic[2]));
        state.word = setField(e, state.word, 'op2', Number(generic[3]));
        state.pstateMax = -1;
        return pos + 1;
      }
      if (!f) return need(state, column, 'a PSTATE field');
      state.word = setField(e, state.word, 'op1', f.op1);
      state.word = setField(e, state.word, 'op2', f.op2);
      state.word = setField(e, state.word, 'CRm', f.crmHigh === null ? 0 : f.crmHigh << 1);
      state.pstateMax = f.max;
      return pos + 1;
    }
    case 'PSTATEIMM': {
      if (state.pstateMax === -1) return t?.text === 'xzr' ? pos + 1 : need(state, column, 'xzr');
      const n = parseNumber(tokens, pos);
      const max = state.pstateMax ?? 15;
      if (!n) return need(state, column, 'an immediate');
      if (n.value < 0n || n.value > BigInt(max))
        return fail(state, `immediate ${n.value} out of range [0, ${max}]`, column) ? -1 : -1;
      state.word = setField(e, state.word, 'CRm', getField(e, state.word, 'CRm') | Number(n.value));
      return n.next;
    }
    case 'BARRIER':
      return matchNamedOrNumber(
        e,
        tokens,
        pos,
        state,
        column,
        'CRm',
        BARRIER_OPTIONS,
        15,
        'a barrier option',
      );
    case 'PRFOP':
      return matchNamedOrNumber(
        e,
        tokens,
        pos,
        state,
        column,
        'Rt',
        PREFETCH_OPS,
        31,
        'a prefetch operation',
      );
    default:
      throw new Error(`asm-arm64: unknown operand kind ${op}`);
  }
}

/** Sets the fields an omitted optional operand implies (an omitted extend is `LSL`). */
export function applyOmitted(e: Encoding, op: string, state: MatchState, mnemonic: string): void {
  const a = splitOperand(op);
  if (a[0] === 'I' && IMPLIED_IMMEDIATE[mnemonic] !== undefined) {
    state.word = setField(e, state.word, a[1], IMPLIED_IMMEDIATE[mnemonic]);
    return;
  }
  if (a[0] === 'R' && mnemonic.startsWith('RET')) {
    state.word = setField(e, state.word, a[1], 30);
    return;
  }
  // An omitted SYS operand is XZR (Arm ARM C6.2, SYS: `{, <Xt>}` with Rt = 11111).
  if (a[0] === 'R' && mnemonic === 'SYS') {
    state.word = setField(e, state.word, a[1], 31);
    return;
  }
  if (a[0] !== 'E') return;
  const alt = parseEnum(a.slice(3).join(':')).find((x) => x.text === 'LSL');
  if (!alt) return;
  const bits = lslBits(e, alt.bits).replace(/x/g, '0');
  state.word = setField(e, state.word, a[1], Number.parseInt(bits, 2) << Number(a[2]));
}
