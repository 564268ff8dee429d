// `pnpm run docs`: one typedoc site for all packages with code, a section per package, in
// docs/api/. Each package's entry points come from its export map (every subpath is
// documented); validation is strict: an undocumented export or a broken link fails.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from './_env.mjs';
import { codePackages, exportEntries } from './packages.mjs';

const packages = codePackages();
if (packages.length === 0) {
  console.log('docs: no package holds code yet');
  process.exit(0);
}
mkdirSync(join(ROOT, '.cache'), { recursive: true });
writeFileSync(
  join(ROOT, '.cache', 'tsconfig.docs.json'),
  JSON.stringify(
    { extends: '../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['../packages/*/src'] },
    null,
    2,
  ),
);
for (const pkg of packages) {
  const entryPoints = exportEntries(pkg).map((e) => e.src);
  writeFileSync(
    join(pkg.dir, 'typedoc.json'),
    `${JSON.stringify({ entryPoints, tsconfig: '../../.cache/tsconfig.docs.json' }, null, 2)}\n`,
  );
}
rmSync(join(ROOT, 'docs', 'api'), { recursive: true, force: true });
run('typedoc', ['--entryPoints', ...packages.map((p) => `packages/${p.short}`)]);
console.log(`docs: API reference of ${packages.length} packages in docs/api/`);
