/**
 * Byte helpers shared by the encoders and decoders: a bounded big-endian writer, a reader that
 * turns every overrun into a typed `TRUNCATED` error, and hex/base64 conversions.
 */
import { CapabilityError } from './errors.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Byte equality in constant time over the shorter length (lengths are public). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const HEX = '0123456789abcdef';

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return out;
}

/** Bytes of a hex string; `TypeError` on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('hex: malformed');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  if (i + 1 === bytes.length) {
    const n = bytes[i] << 16;
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}==`;
  } else if (i + 2 === bytes.length) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}${B64[(n >> 6) & 63]}=`;
  }
  return out;
}

/**
 * Strict standard base64 decoding: padding required, no whitespace, and the unused bits of the last
 * character must be zero (so each byte string has exactly one encoding). Returns `null` when
 * malformed.
 */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const c = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const code = text.charCodeAt(i + j);
      if (last && j >= 4 - padding) {
        if (code !== 61) return null;
        continue;
      }
      const v = code < 128 ? B64_INDEX[code] : -1;
      if (v < 0) return null;
      c[j] = v;
    }
    const n = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    if (last && padding === 2 && (n & 0xffff) !== 0) return null;
    if (last && padding === 1 && (n & 0xff) !== 0) return null;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

/** A growable big-endian byte writer. */
export class Writer {
  private buffer: Uint8Array;
  private view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(capacityBytes = 256) {
    this.buffer = new Uint8Array(capacityBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + count) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
  }

  u64(value: number): void {
    this.reserve(8);
    this.view.setUint32(this.length, Math.floor(value / 0x1_0000_0000));
    this.view.setUint32(this.length + 4, value >>> 0);
    this.length += 8;
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** A bounds-checked big-endian reader: running past the end is a `TRUNCATED` error. */
export class Reader {
  private readonly view: DataView;
  offset = 0;

  constructor(
    readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) {
      throw new CapabilityError(
        'TRUNCATED',
        `${this.what}: needs ${count} bytes at offset ${this.offset}, has ${this.remaining}`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  /** A u64 that must fit a safe integer; larger values are `NON_CANONICAL`. */
  u64(field: string): number {
    this.need(8);
    const high = this.view.getUint32(this.offset);
    const low = this.view.getUint32(this.offset + 4);
    this.offset += 8;
    if (high > 0x1f_ffff)
      throw new CapabilityError('NON_CANONICAL', `${this.what}: ${field} exceeds 2^53 - 1`);
    return high * 0x1_0000_0000 + low;
  }

  take(count: number): Uint8Array {
    this.need(count);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  /** UTF-8 text of `count` bytes; invalid UTF-8 is `BAD_UTF8`. */
  text(count: number, field: string): string {
    const raw = this.take(count);
    try {
      return utf8Decoder.decode(raw);
    } catch {
      throw new CapabilityError('BAD_UTF8', `${this.what}: ${field} is not valid UTF-8`);
    }
  }

  /** Fails with `TRAILING_BYTES` unless everything was read. */
  end(): void {
    if (this.remaining !== 0)
      throw new CapabilityError('TRAILING_BYTES', `${this.what}: ${this.remaining} bytes after the end`);
  }
}
