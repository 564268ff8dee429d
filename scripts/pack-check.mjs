// Packaging checks on the tarballs users would install: publint (strict) and
// @arethetypeswrong/cli with the esm-only profile (Nexus ships ESM only; Node >= 20.19
// can require() it, which attw reports as "dynamic import only" for CJS and is ignored).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from './_env.mjs';
import { codePackages } from './packages.mjs';

const packs = join(ROOT, '.cache', 'packs');
rmSync(packs, { recursive: true, force: true });
mkdirSync(packs, { recursive: true });
let failed = 0;
for (const pkg of codePackages()) {
  run('pnpm', ['pack', '--pack-destination', packs], {
    cwd: pkg.dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = pkg.name.replace('@', '').replace('/', '-');
  const tarball = readdirSync(packs).find((f) => f.startsWith(`${base}-`) && f.endsWith('.tgz'));
  if (!tarball) throw new Error(`${pkg.name}: pnpm pack wrote no tarball`);
  const file = join(packs, tarball);
  const a = run('publint', ['run', file, '--strict'], { allowFail: true });
  const b = run('attw', [file, '--profile', 'esm-only', '--format', 'table-flipped'], { allowFail: true });
  console.log(`pack ${pkg.name}: publint ${a === 0 ? 'ok' : 'FAILED'}, attw ${b === 0 ? 'ok' : 'FAILED'}`);
  if (a !== 0 || b !== 0) failed++;
}
console.log(`packaging: ${codePackages().length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
