// `npm start`'s main job until the nexus CLI exists: a short tour in which each implemented
// package does its real work on real data (packages/<name>/examples/tour.ts) and says what it did.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { run } from './_env.mjs';
import { workspacePackages } from './packages.mjs';

const tsx = createRequire(join(process.cwd(), 'package.json')).resolve('tsx');
const order = ['nexfs', 'nip', 'capability', 'scheduler', 'ion-rings', 'asm-arm64', 'nexus'];
const tours = workspacePackages()
  .filter((p) => existsSync(join(p.dir, 'examples', 'tour.ts')))
  .sort((a, b) => order.indexOf(a.short) - order.indexOf(b.short));
console.log('Nexus tour: each package at work on real data.');
if (tours.length === 0) console.log('No package has a tour yet.');
for (const p of tours) {
  console.log(`\n════ ${p.name} ════`);
  run(process.execPath, ['--conditions=nexus-src', '--import', tsx, join(p.dir, 'examples', 'tour.ts')], {
    cwd: p.dir,
  });
}
const toured = new Set(tours.map((p) => p.name));
const without = workspacePackages().filter((p) => !toured.has(p.name));
if (without.length) console.log(`\n(no tour yet: ${without.map((p) => p.name).join(', ')})`);
