/** Inputs and tool checks shared by the content-addressing benchmarks. */
import { spawnSync } from 'node:child_process';

/** Deterministic incompressible bytes (xorshift32), the same in every run. */
export function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

/** Why a native tool cannot run here, or undefined when it can (`tool --version` succeeds). */
export function missingTool(tool: string, args: string[] = ['--version']): string | undefined {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const reason = `${tool} not installed`;
    if (process.env.CI === 'true') throw new Error(`${reason} (required in CI)`);
    return reason;
  }
  return undefined;
}
