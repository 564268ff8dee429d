// `pnpm run build`: tsup for every package that holds code (a package without code has
// nothing to build and is skipped by name).
import { run } from './_env.mjs';
import { codePackages, workspacePackages } from './packages.mjs';

const withCode = codePackages();
const without = workspacePackages().filter((p) => !p.hasCode);
if (without.length) console.log(`build: no code yet in ${without.map((p) => p.name).join(', ')}`);
if (withCode.length === 0) {
  console.log('build: nothing to build');
  process.exit(0);
}
run('pnpm', [...withCode.flatMap((p) => ['--filter', p.name]), '--workspace-concurrency=2', 'run', 'build']);
