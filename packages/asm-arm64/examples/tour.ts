/**
 * A tour of @nexus/asm-arm64: a small agent assembled from text, its bytes and disassembly, a run
 * in the sandbox with the host answering through the service channel, the same ELF under QEMU
 * where it is installed, and the sandbox stopping hostile programs.
 * Run from the repository root with `npm start`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assemble,
  Builder,
  coverage,
  disassemble,
  mem,
  pre,
  runElf,
  sp,
  toElf,
  x0,
  x1,
  x29,
  x30,
} from '@nexus/asm-arm64';

const line = (s = '') => console.log(s);
const source = readFileSync(new URL('../test/programs/agent.s', import.meta.url), 'utf8');

line('1. Assemble the agent from text (GNU/LLVM syntax)');
const t0 = performance.now();
const module = assemble(source);
const elf = toElf(module);
line(
  `  ${module.instructionCount} instructions, ${module.text.length} bytes of code and literals, ${module.data.length} bytes of data, ELF ${elf.length} bytes in ${(performance.now() - t0).toFixed(1)} ms`,
);

line('\n2. Bytes and disassembly (LLVM canonical spelling), first 12 instructions');
for (const l of disassemble(module.text.subarray(0, 48), module.textAddress)) {
  const bytes = [0, 8, 16, 24].map((s) => ((l.word >>> s) & 0xff).toString(16).padStart(2, '0')).join(' ');
  line(`  ${l.address.toString(16)}:  ${bytes}   ${l.text}`);
}

line('\n3. Run it in the sandbox; the host answers the clock service on fds 3/4');
const report = runElf(elf, {
  stepBudget: 10_000,
  services: (service, fn, args) => {
    line(`  host: request service=${service} function=${fn} args=${args.length} bytes`);
    if (service === 1 && fn === 1)
      return { status: 0, data: new TextEncoder().encode(`${new Date().toISOString()}\n`) };
    return { status: 1, data: new Uint8Array(0) };
  },
});
for (const l of new TextDecoder().decode(report.stdout).trimEnd().split('\n')) line(`  agent: ${l}`);
line(
  `  result ${JSON.stringify(report.result)} after ${report.steps} instructions, ${report.requests} service request`,
);

line('\n4. The same ELF under QEMU (no host on fd 3 there: the agent notices and exits with 2)');
const qemu = spawnSync('qemu-aarch64', ['--version']);
if (qemu.status === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'asm-arm64-tour-'));
  try {
    writeFileSync(join(dir, 'agent'), elf, { mode: 0o755 });
    const q = spawnSync('qemu-aarch64', [join(dir, 'agent')]);
    for (const l of q.stdout.toString().trimEnd().split('\n')) line(`  qemu stdout: ${l}`);
    for (const l of q.stderr.toString().trimEnd().split('\n')) line(`  qemu stderr: ${l}`);
    line(`  qemu exit status ${q.status}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else line('  qemu-aarch64 not installed (Debian package qemu-user): skipped');

line('\n5. The sandbox ends hostile programs with a typed result');
const hostile: [string, string][] = [
  ['loops forever', '_start: b _start'],
  ['calls mprotect', '_start: mov x8, #226\n svc #0'],
  ['writes to its code', '_start: adr x0, _start\n str wzr, [x0]'],
  ['jumps to data', '_start: adrp x0, d\n br x0\n .data\nd: .word 0'],
  // write(1, 0xdead0000, 10) gets -EFAULT back, as on Linux; the program exits with -x0 = 14.
  [
    'writes a bad buffer',
    '_start: mov x0, #1\n mov x1, #0xdead0000\n mov x2, #10\n mov x8, #64\n svc #0\n neg x0, x0\n mov x8, #93\n svc #0',
  ],
];
for (const [what, src] of hostile) {
  const r = runElf(toElf(assemble(src)), { stepBudget: 1_000_000 });
  line(`  ${what.padEnd(20)} → ${JSON.stringify(r.result)}`);
}

line('\n6. The typed builder, same tables');
const a = new Builder();
const done = a.label();
a.stp(x29, x30, pre(sp, -16)).mov(x0, 42).ldr(x1, mem(sp, 8)).cbz(x1, done).add(x0, x0, x1).bind(done).ret();
for (const l of disassemble(a.finish(), a.address)) line(`  ${l.text}`);

line("\n7. Encodings generated from Arm's machine-readable specification (with syntax templates / total)");
for (const g of coverage()) line(`  ${g.group.padEnd(8)} ${String(g.covered).padStart(4)} / ${g.total}`);
