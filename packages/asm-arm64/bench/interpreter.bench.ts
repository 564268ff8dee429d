/**
 * Interpreter speed on a compute loop (xorshift and multiply-accumulate) next to qemu-aarch64
 * running the same ELF (whole process, so QEMU's start-up is included).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, sized } from '@nexus/bench';
import { assemble, runElf, toElf } from '../src/index';

const iterations = sized(1_000_000, 1000);
const elf = toElf(
  assemble(`
_start:
  ldr x1, =${iterations}
  mov x0, #1
  mov x2, #0
1:
  eor x0, x0, x0, lsl #13
  eor x0, x0, x0, lsr #7
  eor x0, x0, x0, lsl #17
  madd x2, x0, x1, x2
  subs x1, x1, #1
  b.ne 1b
  and x0, x2, #0xff
  mov x8, #93
  svc #0
`),
);
const steps = runElf(elf, { stepBudget: 1e9 }).steps;
const dir = mkdtempSync(join(tmpdir(), 'asm-arm64-bench-'));
const path = join(dir, 'loop');
writeFileSync(path, elf, { mode: 0o755 });
const qemu = spawnSync('qemu-aarch64', ['--version']).status === 0;

await compare(
  `compute loop, ${steps.toLocaleString('en')} instructions`,
  [
    { name: '@nexus/asm-arm64 runElf()', ours: true, fn: () => runElf(elf, { stepBudget: 1e9 }) },
    {
      name: 'qemu-aarch64 (whole process)',
      fn: () => spawnSync('qemu-aarch64', [path]),
      skip: qemu ? undefined : 'qemu-aarch64 not installed (Debian package qemu-user)',
    },
  ],
  {
    itemsPerOp: steps,
    timeMs: sized(4000, 1),
    minSamples: 3,
    note: 'items/s are instructions per second; same ELF, same exit status',
  },
);
rmSync(dir, { recursive: true, force: true });
