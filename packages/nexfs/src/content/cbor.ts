/**
 * The DAG-CBOR subset nexfs nodes use (RFC 8949 deterministic encoding as the IPLD DAG-CBOR spec
 * restricts it): unsigned integers, byte strings, text strings, arrays, maps with text keys in
 * length-then-bytewise order, and CIDs as tag 42. The decoder accepts exactly this subset in its
 * canonical form and nothing else, with limits on depth and sizes, so every input either decodes
 * to the one value that re-encodes to the same bytes or fails with a `ContentError`.
 * @module
 */
import { Cid } from './cid';
import { ContentError } from './errors';

/** A value of the subset. */
export type CborValue = number | string | Uint8Array | Cid | CborValue[] | { [key: string]: CborValue };

/** Deepest nesting the decoder accepts. */
export const CBOR_MAX_DEPTH = 16;
/** Most items in one array or map. */
export const CBOR_MAX_ITEMS = 1 << 20;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  head(major: number, value: number): void {
    this.ensure(9);
    const m = major << 5;
    if (value < 24) this.buf[this.length++] = m | value;
    else if (value < 0x100) {
      this.buf[this.length++] = m | 24;
      this.buf[this.length++] = value;
    } else if (value < 0x10000) {
      this.buf[this.length++] = m | 25;
      this.buf[this.length++] = value >>> 8;
      this.buf[this.length++] = value & 0xff;
    } else if (value < 0x100000000) {
      this.buf[this.length++] = m | 26;
      new DataView(this.buf.buffer).setUint32(this.length, value);
      this.length += 4;
    } else {
      this.buf[this.length++] = m | 27;
      new DataView(this.buf.buffer).setBigUint64(this.length, BigInt(value));
      this.length += 8;
    }
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function write(w: Writer, value: CborValue, depth: number): void {
  if (depth > CBOR_MAX_DEPTH) throw new RangeError(`value: nesting deeper than ${CBOR_MAX_DEPTH}`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`value: only unsigned safe integers, got ${value}`);
    w.head(0, value);
  } else if (typeof value === 'string') {
    const b = utf8.encode(value);
    w.head(3, b.length);
    w.bytes(b);
  } else if (value instanceof Uint8Array) {
    w.head(2, value.length);
    w.bytes(value);
  } else if (value instanceof Cid) {
    // DAG-CBOR: tag 42 over a byte string of 0x00 (identity multibase prefix) + the binary CID.
    w.head(6, 42);
    w.head(2, value.bytes.length + 1);
    w.bytes(new Uint8Array([0]));
    w.bytes(value.bytes);
  } else if (Array.isArray(value)) {
    w.head(4, value.length);
    for (const item of value) write(w, item, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).map((k) => [utf8.encode(k), value[k]] as const);
    entries.sort((a, b) => compareKeys(a[0], b[0]));
    w.head(5, entries.length);
    for (const [k, v] of entries) {
      w.head(3, k.length);
      w.bytes(k);
      write(w, v, depth + 1);
    }
  } else {
    throw new TypeError(`value: unsupported type ${typeof value}`);
  }
}

/**
 * Encodes a value in canonical DAG-CBOR.
 *
 * @example
 * ```ts
 * import { encodeCbor } from '@nexus/nexfs';
 * console.log(encodeCbor({ version: 1, roots: [] })); // a2 65 'roots' 80 67 'version' 01
 * ```
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const w = new Writer();
  write(w, value, 0);
  return w.result();
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length)
      throw new ContentError('ETRUNCATED', `cbor.${what}: input ends at ${this.bytes.length}`);
  }

  head(): [number, number] {
    this.need(1, 'head');
    const b = this.bytes[this.pos++];
    const major = b >>> 5;
    const info = b & 31;
    if (info < 24) return [major, info];
    let value: number;
    if (info === 24) {
      this.need(1, 'uint8');
      value = this.bytes[this.pos++];
      if (value < 24) throw new ContentError('EFORMAT', 'cbor.head: non-minimal length');
    } else if (info === 25) {
      this.need(2, 'uint16');
      value = (this.bytes[this.pos] << 8) | this.bytes[this.pos + 1];
      this.pos += 2;
      if (value < 0x100) throw new ContentError('EFORMAT', 'cbor.head: non-minimal length');
    } else if (info === 26) {
      this.need(4, 'uint32');
      value = new DataView(this.bytes.buffer, this.bytes.byteOffset).getUint32(this.pos);
      this.pos += 4;
      if (value < 0x10000) throw new ContentError('EFORMAT', 'cbor.head: non-minimal length');
    } else if (info === 27) {
      this.need(8, 'uint64');
      const big = new DataView(this.bytes.buffer, this.bytes.byteOffset).getBigUint64(this.pos);
      this.pos += 8;
      if (big < 0x100000000n) throw new ContentError('EFORMAT', 'cbor.head: non-minimal length');
      if (big > BigInt(Number.MAX_SAFE_INTEGER))
        throw new ContentError('ELIMIT', 'cbor.head: integer above 2^53-1');
      value = Number(big);
    } else {
      throw new ContentError('EFORMAT', `cbor.head: additional info ${info} (indefinite or reserved)`);
    }
    return [major, value];
  }

  value(depth: number): CborValue {
    if (depth > CBOR_MAX_DEPTH) throw new ContentError('ELIMIT', `cbor.depth: deeper than ${CBOR_MAX_DEPTH}`);
    const [major, arg] = this.head();
    switch (major) {
      case 0:
        return arg;
      case 2: {
        this.need(arg, 'bytes');
        const out = this.bytes.slice(this.pos, this.pos + arg);
        this.pos += arg;
        return out;
      }
      case 3:
        return this.text(arg);
      case 4: {
        if (arg > CBOR_MAX_ITEMS) throw new ContentError('ELIMIT', `cbor.array: ${arg} items`);
        this.need(arg, 'array');
        const out: CborValue[] = [];
        for (let i = 0; i < arg; i++) out.push(this.value(depth + 1));
        return out;
      }
      case 5: {
        if (arg > CBOR_MAX_ITEMS) throw new ContentError('ELIMIT', `cbor.map: ${arg} entries`);
        this.need(arg * 2, 'map');
        const out: Record<string, CborValue> = Object.create(null);
        let previous: Uint8Array | undefined;
        for (let i = 0; i < arg; i++) {
          const [km, klen] = this.head();
          if (km !== 3) throw new ContentError('EFORMAT', 'cbor.map: key is not a text string');
          this.need(klen, 'key');
          const keyBytes = this.bytes.subarray(this.pos, this.pos + klen);
          if (previous !== undefined && compareKeys(previous, keyBytes) >= 0) {
            throw new ContentError('EFORMAT', 'cbor.map: keys not in canonical order or repeated');
          }
          previous = keyBytes;
          const key = this.text(klen);
          out[key] = this.value(depth + 1);
        }
        return out;
      }
      case 6: {
        if (arg !== 42) throw new ContentError('EFORMAT', `cbor.tag: ${arg} (only 42 is allowed)`);
        const [bm, blen] = this.head();
        if (bm !== 2) throw new ContentError('EFORMAT', 'cbor.cid: tag 42 must wrap a byte string');
        this.need(blen, 'cid');
        if (blen < 1 || this.bytes[this.pos] !== 0)
          throw new ContentError('EFORMAT', 'cbor.cid: missing 0x00 prefix');
        const inner = this.bytes.subarray(this.pos + 1, this.pos + blen);
        const [cid, used] = Cid.decode(inner, 0);
        if (used !== inner.length) throw new ContentError('EFORMAT', 'cbor.cid: trailing bytes');
        this.pos += blen;
        return cid;
      }
      default:
        throw new ContentError('EFORMAT', `cbor.type: major type ${major} is not allowed in nexfs nodes`);
    }
  }

  text(length: number): string {
    this.need(length, 'text');
    let s: string;
    try {
      s = utf8Strict.decode(this.bytes.subarray(this.pos, this.pos + length));
    } catch {
      throw new ContentError('EFORMAT', 'cbor.text: invalid UTF-8');
    }
    this.pos += length;
    return s;
  }
}

/**
 * Decodes one canonical DAG-CBOR value occupying all of `bytes`.
 *
 * @example
 * ```ts
 * import { decodeCbor, encodeCbor } from '@nexus/nexfs';
 * console.log(decodeCbor(encodeCbor({ a: [1, 'x'] }))); // { a: [1, 'x'] }
 * ```
 */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const r = new Reader(bytes);
  const value = r.value(0);
  if (r.pos !== bytes.length)
    throw new ContentError('EFORMAT', `cbor: ${bytes.length - r.pos} trailing bytes`);
  return value;
}

/**
 * Decodes the first canonical DAG-CBOR value of `bytes` starting at `offset`; returns it and its length.
 *
 * @example
 * ```ts
 * import { decodeCborPrefix } from '@nexus/nexfs';
 * console.log(decodeCborPrefix(new Uint8Array([0x01, 0xff]), 0)); // [1, 1]
 * ```
 */
export function decodeCborPrefix(bytes: Uint8Array, offset: number): [CborValue, number] {
  const r = new Reader(bytes.subarray(offset));
  const value = r.value(0);
  return [value, r.pos];
}
