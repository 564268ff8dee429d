// The runtime-neutral rule, enforced by the compiler: every main (non-Node) entry of every
// package is type-checked with no Node types at all, so an import of `node:*` or a use of
// `process`, `Buffer`, `require` or `__dirname` anywhere it reaches is a compile error.
// (Biome's noNodejsModules catches the imports too; this also catches the globals.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, run } from './_env.mjs';
import { codePackages, exportEntries } from './packages.mjs';

const files = [];
for (const pkg of codePackages()) {
  for (const e of exportEntries(pkg))
    if (!e.nodeOnly) files.push(relative(join(ROOT, '.cache'), join(pkg.dir, e.src)));
}
if (files.length === 0) {
  console.log('runtime-neutral entries: 0 (no package holds code yet)');
  process.exit(0);
}
mkdirSync(join(ROOT, '.cache'), { recursive: true });
const config = join(ROOT, '.cache', 'tsconfig.neutral.json');
writeFileSync(
  config,
  JSON.stringify(
    { extends: '../tsconfig.base.json', compilerOptions: { noEmit: true, types: [] }, files },
    null,
    2,
  ),
);
run('tsc', ['-p', config]);
console.log(`runtime-neutral entries: ${files.length} checked without Node types`);
