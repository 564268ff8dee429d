#!/usr/bin/env node
// nexus-bench: runs the current package's bench/*.bench.ts files one after another, each in a
// fresh Node process with TypeScript loaded by tsx and workspace imports resolved to src/.
// Flags: --json (write <repo>/bench-results/<package>.json), --smoke (execute once, tiny sizes),
// and any other argument filters the bench files by substring.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const json = args.includes('--json');
const smoke = args.includes('--smoke') || process.env.NEXUS_BENCH_SMOKE === '1';
const filters = args.filter((a) => !a.startsWith('--'));
const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).name.replace(/^@nexus\//, '');
const benchDir = join(cwd, 'bench');
const files = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((s) => f.includes(s))))
      .sort()
  : [];
if (files.length === 0) {
  console.log(`${pkg}: no benchmarks yet`);
  process.exit(0);
}
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const jsonDir = join(repoRoot, 'bench-results');
if (json) rmSync(join(jsonDir, `${pkg}.json`), { force: true });
const tsx = createRequire(import.meta.url).resolve('tsx');
let failed = 0;
for (const file of files) {
  console.log(`\n## @nexus/${pkg} · ${file}${smoke ? ' (smoke)' : ''}`);
  const result = spawnSync(
    process.execPath,
    ['--conditions=nexus-src', '--expose-gc', '--import', tsx, join(benchDir, file)],
    {
      cwd,
      stdio: 'inherit',
      env: {
        ...process.env,
        NEXUS_BENCH_SMOKE: smoke ? '1' : '0',
        NEXUS_BENCH_PACKAGE: pkg,
        NEXUS_BENCH_FILE: basename(file, '.bench.ts'),
        ...(json ? { NEXUS_BENCH_JSON: jsonDir } : {}),
      },
    },
  );
  if (result.status !== 0) {
    failed++;
    console.error(`${pkg}/${file}: exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
