// Checks the constants the code uses against SPEC.md, and builds a checkpoint copy by hand.
import { readFileSync } from 'node:fs';
import { blake3 } from '@noble/hashes/blake3.js';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_DIGEST_BYTES,
  CHECKPOINT_HEADER_BYTES,
  CHECKPOINT_MAGIC,
  CHECKPOINT_PAYLOAD_OFFSET,
  CHECKPOINT_VERSION,
  CheckpointStore,
  decodeCheckpoint,
  ERROR_BUFFER_HEADER_BYTES,
  ERROR_BUFFER_MAGIC,
  ERROR_CODES,
  ERROR_MESSAGE_BYTES,
  ERROR_RECORD_BYTES,
  ErrorBuffer,
  encodeCheckpoint,
  MAX_CHECKPOINT_BYTES,
  MemoryCheckpointStorage,
} from '../src/index.js';

const spec = readFileSync(new URL('../SPEC.md', import.meta.url), 'utf8');
/** The table rows of SPEC.md as cell arrays (padding ignored). */
const rows = spec
  .split('\n')
  .filter((l) => l.startsWith('|'))
  .map((l) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim())
      .join(' | '),
  );
const hasRow = (...cells: (string | number)[]) => rows.some((r) => r.startsWith(cells.join(' | ')));
const ascii = (n: number) => String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

describe('SPEC.md tables match the code', () => {
  it('checkpoint constants', () => {
    expect(ascii(CHECKPOINT_MAGIC)).toBe('NXCK');
    expect(spec).toContain(`\`0x${CHECKPOINT_MAGIC.toString(16).toUpperCase()}\``);
    expect(CHECKPOINT_VERSION).toBe(1);
    expect(CHECKPOINT_HEADER_BYTES).toBe(24);
    expect(CHECKPOINT_DIGEST_BYTES).toBe(32);
    expect(CHECKPOINT_PAYLOAD_OFFSET).toBe(56);
    expect(MAX_CHECKPOINT_BYTES).toBe(32_768);
    expect(hasRow(24, 32, 'digest')).toBe(true);
    expect(hasRow(56, 'length', 'payload')).toBe(true);
    expect(hasRow(5, 1, 'slot')).toBe(true);
  });
  it('error buffer constants and codes', () => {
    expect(ascii(ERROR_BUFFER_MAGIC)).toBe('NXEB');
    expect(spec).toContain(`\`0x${ERROR_BUFFER_MAGIC.toString(16).toUpperCase()}\``);
    expect(ERROR_BUFFER_HEADER_BYTES).toBe(16);
    expect(ERROR_RECORD_BYTES).toBe(48);
    expect(ERROR_MESSAGE_BYTES).toBe(32);
    for (const [name, code] of Object.entries(ERROR_CODES)) expect(hasRow(code, name)).toBe(true);
    expect(hasRow(12, 2, 'code')).toBe(true);
    expect(hasRow(16, 32, 'message')).toBe(true);
  });
});

describe('checkpoint copies', () => {
  it('a copy built by hand from SPEC.md decodes, and the encoder writes the same bytes', () => {
    const payload = new TextEncoder().encode('hello');
    const copy = new Uint8Array(56 + payload.length);
    const v = new DataView(copy.buffer);
    v.setUint32(0, 0x4b43584e, true);
    copy[4] = 1;
    copy[5] = 1;
    v.setUint32(8, 7, true);
    v.setUint32(16, payload.length, true);
    copy.set(payload, 56);
    const h = blake3.create();
    h.update(copy.subarray(0, 24));
    h.update(payload);
    copy.set(h.digest(), 24);
    expect(decodeCheckpoint(copy)).toEqual({ payload, seq: 7, slot: 1 });
    expect(encodeCheckpoint(payload, 7, 1)).toEqual(copy);
  });
  it('every single-bit flip of a copy is detected', () => {
    const copy = encodeCheckpoint(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 3, 0);
    let detected = 0;
    for (let bit = 0; bit < copy.length * 8; bit++) {
      const bad = copy.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      if (decodeCheckpoint(bad) === null) detected++;
    }
    console.log(`checkpoint bit flips detected: ${detected}/${copy.length * 8}`);
    expect(detected).toBe(copy.length * 8);
  });
  it('a crash between the two copies restores the newer one', () => {
    const storage = new MemoryCheckpointStorage();
    const store = new CheckpointStore(storage);
    store.save('k', new Uint8Array([1]));
    storage.write('k', 0, encodeCheckpoint(new Uint8Array([2]), 2, 0)); // slot 0 written, then a crash
    const r = new CheckpointStore(storage).restore('k');
    expect(r.blob).toEqual(new Uint8Array([2]));
    expect(r.seq).toBe(2);
    expect(decodeCheckpoint(storage.read('k', 1))?.seq).toBe(2); // repaired
  });
  it('truncated, oversized and wrong-slot copies are rejected', () => {
    const copy = encodeCheckpoint(new Uint8Array(10), 1, 0);
    expect(decodeCheckpoint(copy.subarray(0, 40))).toBeNull();
    expect(decodeCheckpoint(new Uint8Array([...copy, 0]))).toBeNull();
    const storage = new MemoryCheckpointStorage();
    storage.write('k', 0, encodeCheckpoint(new Uint8Array([9]), 1, 1)); // slot 1's copy in slot 0
    expect(new CheckpointStore(storage).restore('k').blob).toBeNull();
    expect(() => encodeCheckpoint(new Uint8Array(MAX_CHECKPOINT_BYTES + 1), 1, 0)).toThrow(
      /ECHECKPOINT_SIZE/,
    );
  });
  it('error buffer records sit where SPEC.md says', () => {
    const mem = new ArrayBuffer(ErrorBuffer.bytesFor(2));
    const b = new ErrorBuffer(mem);
    b.write(1.5, ERROR_CODES.hung, 'x');
    b.write(2.5, ERROR_CODES.phoenix, 'y');
    b.write(3.5, ERROR_CODES.crash, 'z');
    const v = new DataView(mem);
    expect(v.getUint32(8, true)).toBe(3);
    expect(v.getFloat64(16, true)).toBe(3.5); // seq 3 overwrote slot 0
    expect(v.getUint32(16 + 8, true)).toBe(3);
    expect(v.getUint16(16 + 48 + 12, true)).toBe(ERROR_CODES.phoenix);
    expect(new Uint8Array(mem)[16 + 16]).toBe('z'.charCodeAt(0));
  });
});
