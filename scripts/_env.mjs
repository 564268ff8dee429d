// Shared helpers for the root scripts: where the pinned pnpm lives and how to run a command
// with the workspace's binaries on PATH. Only Node and npm are assumed to exist.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM_VERSION = '10.34.9';
export const LOCAL_TOOLS = join(ROOT, '.tools');

/** PATH with the local pnpm and the workspace's node_modules/.bin in front. */
export function toolPath() {
  const dirs = [join(LOCAL_TOOLS, 'node_modules', '.bin'), join(ROOT, 'node_modules', '.bin')];
  return [...dirs.filter((d) => existsSync(d)), process.env.PATH ?? ''].join(delimiter);
}

/** Runs a command with inherited stdio; exits the process with its code when it fails. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: 'inherit',
    ...options,
    env: { ...process.env, PATH: toolPath(), ...(options.env ?? {}) },
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFail) {
    process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

/** Output of a command, or null when it cannot run. */
export function capture(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    ...options,
    env: { ...process.env, PATH: toolPath(), ...(options.env ?? {}) },
  });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim();
}
