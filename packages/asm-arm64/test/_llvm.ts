/**
 * Runs `llvm-mc` as the oracle, in batches through one process per call.
 */
import { spawnSync } from 'node:child_process';

/** The llvm-mc binary, or null when it is not installed. */
export function llvmMc(): string | null {
  for (const name of [
    'llvm-mc',
    'llvm-mc-19',
    'llvm-mc-18',
    'llvm-mc-17',
    'llvm-mc-16',
    'llvm-mc-15',
    'llvm-mc-14',
  ]) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return name;
  }
  return null;
}

/** Target features used for every llvm-mc run. */
export const MATTR =
  '+lse,+v8.5a,+rcpc,+crc,+fp-armv8,+neon,+bti,+fullfp16,+dotprod,+i8mm,+sm4,+sha2,+sha3,+fp16fml,+bf16,+aes,+rdm';

/** Disassembles words; returns canonical text per word or null for invalid encodings. */
export function llvmDisassemble(
  bin: string,
  words: readonly number[],
  mattr: string = MATTR,
): (string | null)[] {
  const input = words
    .map((w) =>
      [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]
        .map((b) => `0x${b.toString(16).padStart(2, '0')}`)
        .join(' '),
    )
    .join('\n');
  const r = spawnSync(bin, ['-disassemble', '-triple=aarch64', `-mattr=${mattr}`], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const invalid = new Set<number>();
  for (const m of r.stderr.matchAll(
    /<stdin>:(\d+):\d+: warning: (invalid instruction encoding|potentially undefined)/g,
  )) {
    if (m[2].startsWith('invalid')) invalid.add(Number(m[1]) - 1);
  }
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('\t') && !l.startsWith('\t.text'));
  const out: (string | null)[] = [];
  let j = 0;
  for (let i = 0; i < words.length; i++) {
    if (invalid.has(i)) out.push(null);
    else out.push(lines[j++]?.trim().replace(/\s+\/\/.*$/, '') ?? null);
  }
  if (j !== lines.length) throw new Error(`llvm-mc output misaligned: ${j} of ${lines.length} lines used`);
  return out;
}

/** Assembles lines; returns the encoded word per line or null when llvm-mc rejects it. */
export function llvmAssemble(
  bin: string,
  lines: readonly string[],
  mattr: string = MATTR,
): (number | null)[] {
  const r = spawnSync(bin, ['-triple=aarch64', `-mattr=${mattr}`, '-show-encoding'], {
    input: lines.join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const errors = new Set<number>();
  for (const m of r.stderr.matchAll(/<stdin>:(\d+):\d+: error:/g)) errors.add(Number(m[1]) - 1);
  const enc = [...r.stdout.matchAll(/encoding: \[([^\]]*)\]/g)].map((m) => {
    const b = m[1].split(',').map((x) => Number(x));
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  });
  const out: (number | null)[] = [];
  let j = 0;
  for (let i = 0; i < lines.length; i++) out.push(errors.has(i) ? null : (enc[j++] ?? null));
  return out;
}
