/**
 * The interpreter against QEMU user mode: the same ELF runs in both, and the register files,
 * flags and memory each program dumps must be byte-identical.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../src/assembler';
import { toElf } from '../src/elf';
import { runElf } from '../src/sandbox';
import { FP_DUMP_BYTES, fpBatch } from './_fp-programs';
import { batch, DUMP_BYTES } from './_programs';

const qemu = spawnSync('qemu-aarch64', ['--version']).status === 0 ? 'qemu-aarch64' : null;
const ci = process.env.CI === 'true';
if (!qemu && !ci)
  console.log('QEMU differential skipped: qemu-aarch64 not installed (Debian package qemu-user)');

/** Runs an ELF under QEMU; resolves with its stdout and exit status. */
export function runQemu(
  elf: Uint8Array,
  dir: string,
  name: string,
): Promise<{ stdout: Buffer; status: number | null }> {
  const path = join(dir, name);
  writeFileSync(path, elf, { mode: 0o755 });
  return new Promise((resolve, reject) => {
    const child = spawn(qemu as string, [path]);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ stdout: Buffer.concat(chunks), status }));
  });
}

/** Runs tasks with at most `width` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return out;
}

describe.skipIf(!qemu && !ci)('interpreter vs qemu-aarch64', () => {
  it('agrees on 10^4 random straight-line and looping programs', async () => {
    if (!qemu) throw new Error('qemu-aarch64 is required under CI=true (Debian package qemu-user)');
    const batches = 50;
    const perBatch = 200;
    const dir = mkdtempSync(join(tmpdir(), 'asm-arm64-qemu-'));
    try {
      const elfs = Array.from({ length: batches }, (_, i) => toElf(assemble(batch(1000 + i, perBatch))));
      const reference = await pool(
        elfs.map((elf, i) => () => runQemu(elf, dir, `b${i}.elf`)),
        4,
      );
      let programs = 0;
      const failures: string[] = [];
      for (let i = 0; i < batches; i++) {
        const ours = runElf(elfs[i]);
        const ref = reference[i];
        expect(ours.result).toEqual({ kind: 'exit', code: 0 });
        expect(ref.status).toBe(0);
        for (let p = 0; p < perBatch; p++) {
          const a = ref.stdout.subarray(p * DUMP_BYTES, (p + 1) * DUMP_BYTES);
          const b = ours.stdout.subarray(p * DUMP_BYTES, (p + 1) * DUMP_BYTES);
          if (Buffer.compare(a, Buffer.from(b)) === 0 && a.length === DUMP_BYTES) programs++;
          else failures.push(`seed ${1000 + i} program ${p}`);
        }
      }
      console.log(`random programs vs qemu: ${programs}`);
      expect(failures.slice(0, 10)).toEqual([]);
      expect(programs).toBeGreaterThanOrEqual(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees on random scalar floating-point programs (corners, NaN payloads, conversions)', async () => {
    if (!qemu) throw new Error('qemu-aarch64 is required under CI=true (Debian package qemu-user)');
    const batches = 25;
    const perBatch = 200;
    const dir = mkdtempSync(join(tmpdir(), 'asm-arm64-qemu-fp-'));
    try {
      const elfs = Array.from({ length: batches }, (_, i) => toElf(assemble(fpBatch(5000 + i, perBatch))));
      const reference = await pool(
        elfs.map((elf, i) => () => runQemu(elf, dir, `f${i}.elf`)),
        4,
      );
      let programs = 0;
      const failures: string[] = [];
      for (let i = 0; i < batches; i++) {
        const ours = runElf(elfs[i]);
        expect(ours.result).toEqual({ kind: 'exit', code: 0 });
        expect(reference[i].status).toBe(0);
        for (let p = 0; p < perBatch; p++) {
          const a = reference[i].stdout.subarray(p * FP_DUMP_BYTES, (p + 1) * FP_DUMP_BYTES);
          const b = ours.stdout.subarray(p * FP_DUMP_BYTES, (p + 1) * FP_DUMP_BYTES);
          if (Buffer.compare(a, Buffer.from(b)) === 0 && a.length === FP_DUMP_BYTES) programs++;
          else failures.push(`seed ${5000 + i} program ${p}`);
        }
      }
      console.log(`random floating-point programs vs qemu: ${programs}`);
      expect(failures.slice(0, 10)).toEqual([]);
      expect(programs).toBe(batches * perBatch);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
