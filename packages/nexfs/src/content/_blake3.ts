/**
 * Portable BLAKE3 (all three modes, extended output), written from the BLAKE3 specification
 * (O'Connor, Aumasson, Neves, Wilcox-O'Hearn, 2020: §2.1 compression, §2.2 modes, §2.3 chunks,
 * §2.4 tree, §2.6 XOF). Used where the WASM build cannot serve: derive-key mode (hash-wasm has no
 * entry point for the context flags) and as the reference the WASM path is checked against.
 * Speed is secondary here (DESIGN.md part 2: ~60 MB/s against ~800 MB/s for WASM).
 * @module
 */

/** Spec §2.1: the IV is SHA-256's initial hash value. */
const IV = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
/** Spec table 2: message word permutation applied between rounds. */
const PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
/** Spec table 3: domain flags. */
export const FLAG_CHUNK_START = 1;
export const FLAG_CHUNK_END = 2;
export const FLAG_PARENT = 4;
export const FLAG_ROOT = 8;
export const FLAG_KEYED_HASH = 16;
export const FLAG_DERIVE_KEY_CONTEXT = 32;
export const FLAG_DERIVE_KEY_MATERIAL = 64;
const BLOCK_LEN = 64;
const CHUNK_LEN = 1024;

/** Message schedule for 7 rounds, precomputed: SCHEDULE[r][i] = word index. */
const SCHEDULE: Uint8Array[] = [];
{
  let order = Array.from({ length: 16 }, (_, i) => i);
  for (let r = 0; r < 7; r++) {
    SCHEDULE.push(Uint8Array.from(order));
    order = order.map((_, i) => order[PERMUTATION[i]]);
  }
}

const state = new Uint32Array(16);

function g(a: number, b: number, c: number, d: number, x: number, y: number): void {
  const v = state;
  v[a] = (v[a] + v[b] + x) | 0;
  let t = v[d] ^ v[a];
  v[d] = (t >>> 16) | (t << 16);
  v[c] = (v[c] + v[d]) | 0;
  t = v[b] ^ v[c];
  v[b] = (t >>> 12) | (t << 20);
  v[a] = (v[a] + v[b] + y) | 0;
  t = v[d] ^ v[a];
  v[d] = (t >>> 8) | (t << 24);
  v[c] = (v[c] + v[d]) | 0;
  t = v[b] ^ v[c];
  v[b] = (t >>> 7) | (t << 25);
}

/** Spec §2.1: the compression function. Writes 16 output words into `out`. */
function compress(
  cv: Uint32Array,
  block: Uint32Array,
  counter: number,
  blockLen: number,
  flags: number,
  out: Uint32Array,
): void {
  const v = state;
  for (let i = 0; i < 8; i++) v[i] = cv[i];
  v[8] = IV[0];
  v[9] = IV[1];
  v[10] = IV[2];
  v[11] = IV[3];
  v[12] = counter >>> 0;
  v[13] = Math.floor(counter / 4294967296) >>> 0;
  v[14] = blockLen;
  v[15] = flags;
  for (let r = 0; r < 7; r++) {
    const s = SCHEDULE[r];
    const m = block;
    g(0, 4, 8, 12, m[s[0]], m[s[1]]);
    g(1, 5, 9, 13, m[s[2]], m[s[3]]);
    g(2, 6, 10, 14, m[s[4]], m[s[5]]);
    g(3, 7, 11, 15, m[s[6]], m[s[7]]);
    g(0, 5, 10, 15, m[s[8]], m[s[9]]);
    g(1, 6, 11, 12, m[s[10]], m[s[11]]);
    g(2, 7, 8, 13, m[s[12]], m[s[13]]);
    g(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (let i = 0; i < 8; i++) {
    out[i] = v[i] ^ v[i + 8];
    out[i + 8] = v[i + 8] ^ cv[i];
  }
}

function wordsLE(bytes: Uint8Array, offset: number, length: number, out: Uint32Array): void {
  out.fill(0);
  for (let i = 0; i < length; i++) out[i >> 2] |= bytes[offset + i] << ((i & 3) * 8);
}

/** Incremental BLAKE3 with a key (8 words) and mode flags; `finish` gives any output length. */
export class Blake3State {
  private readonly key: Uint32Array;
  private readonly flags: number;
  private readonly cvStack: Uint32Array[] = [];
  private cv = new Uint32Array(8);
  private readonly block = new Uint8Array(BLOCK_LEN);
  private readonly blockWords = new Uint32Array(16);
  private readonly out16 = new Uint32Array(16);
  private blockLen = 0;
  private blocksCompressed = 0;
  private chunkCounter = 0;

  constructor(key: Uint32Array, flags: number) {
    this.key = key.slice();
    this.flags = flags;
    this.cv.set(key);
  }

  private chunkLength(): number {
    return this.blocksCompressed * BLOCK_LEN + this.blockLen;
  }

  private startFlag(): number {
    return this.blocksCompressed === 0 ? FLAG_CHUNK_START : 0;
  }

  update(input: Uint8Array): this {
    let pos = 0;
    while (pos < input.length) {
      if (this.chunkLength() === CHUNK_LEN) {
        // Finish the full chunk: its CV goes onto the stack, merged by the count of trailing zeros.
        const chunkCv = this.chunkOutputCv();
        let total = this.chunkCounter + 1;
        let cv = chunkCv;
        while ((total & 1) === 0) {
          cv = this.parentCv(this.cvStack.pop()!, cv);
          total = Math.floor(total / 2);
        }
        this.cvStack.push(cv);
        this.chunkCounter++;
        this.cv = this.key.slice();
        this.blocksCompressed = 0;
        this.blockLen = 0;
      }
      if (this.blockLen === BLOCK_LEN) {
        wordsLE(this.block, 0, BLOCK_LEN, this.blockWords);
        compress(
          this.cv,
          this.blockWords,
          this.chunkCounter,
          BLOCK_LEN,
          this.flags | this.startFlag(),
          this.out16,
        );
        this.cv = this.out16.slice(0, 8);
        this.blocksCompressed++;
        this.blockLen = 0;
      }
      const want = Math.min(BLOCK_LEN - this.blockLen, CHUNK_LEN - this.chunkLength(), input.length - pos);
      this.block.set(input.subarray(pos, pos + want), this.blockLen);
      this.blockLen += want;
      pos += want;
    }
    return this;
  }

  private chunkOutputCv(): Uint32Array {
    wordsLE(this.block, 0, this.blockLen, this.blockWords);
    const flags = this.flags | this.startFlag() | FLAG_CHUNK_END;
    compress(this.cv, this.blockWords, this.chunkCounter, this.blockLen, flags, this.out16);
    return this.out16.slice(0, 8);
  }

  private parentCv(left: Uint32Array, right: Uint32Array): Uint32Array {
    const words = new Uint32Array(16);
    words.set(left, 0);
    words.set(right, 8);
    compress(this.key, words, 0, BLOCK_LEN, this.flags | FLAG_PARENT, this.out16);
    return this.out16.slice(0, 8);
  }

  /** Finalizes into `outputLength` bytes (spec §2.6: root output blocks with counter 0, 1, ...). */
  finish(outputLength: number): Uint8Array {
    // The root node: the last chunk, or the chain of parents over the stack.
    let inputCv: Uint32Array = this.cv;
    let words = new Uint32Array(16);
    wordsLE(this.block, 0, this.blockLen, words);
    let counter = this.chunkCounter;
    let blockLen = this.blockLen;
    let flags = this.flags | this.startFlag() | FLAG_CHUNK_END;
    for (let i = this.cvStack.length - 1; i >= 0; i--) {
      compress(inputCv, words, counter, blockLen, flags, this.out16);
      const right = this.out16.slice(0, 8);
      words = new Uint32Array(16);
      words.set(this.cvStack[i], 0);
      words.set(right, 8);
      inputCv = this.key;
      counter = 0;
      blockLen = BLOCK_LEN;
      flags = this.flags | FLAG_PARENT;
    }
    const out = new Uint8Array(outputLength);
    for (let blockIndex = 0, pos = 0; pos < outputLength; blockIndex++) {
      compress(inputCv, words, blockIndex, blockLen, flags | FLAG_ROOT, this.out16);
      for (let w = 0; w < 16 && pos < outputLength; w++) {
        const word = this.out16[w];
        for (let b = 0; b < 4 && pos < outputLength; b++) out[pos++] = (word >>> (8 * b)) & 0xff;
      }
    }
    return out;
  }
}

/** Reads a 32-byte key as 8 little-endian words. */
export function keyWords(key: Uint8Array): Uint32Array {
  const out = new Uint32Array(8);
  for (let i = 0; i < 32; i++) out[i >> 2] |= key[i] << ((i & 3) * 8);
  return out;
}

/** The default key (unkeyed hash mode) is the IV. */
export const IV_WORDS: Uint32Array = IV;
