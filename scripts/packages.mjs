// Which workspace packages exist and which of them hold code (a src/index.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './_env.mjs';

/** @returns {{ dir: string, name: string, short: string, json: any, hasCode: boolean }[]} */
export function workspacePackages() {
  const base = join(ROOT, 'packages');
  return readdirSync(base)
    .sort()
    .filter((d) => existsSync(join(base, d, 'package.json')))
    .map((d) => {
      const dir = join(base, d);
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { dir, name: json.name, short: d, json, hasCode: existsSync(join(dir, 'src', 'index.ts')) };
    });
}

/** Packages with code, in the order the build and the checks take them. */
export function codePackages() {
  return workspacePackages().filter((p) => p.hasCode);
}

/**
 * The export map as a list of subpaths with their source, types and JS files.
 * @returns {{ subpath: string, src: string, types: string, js: string, nodeOnly: boolean }[]}
 */
export function exportEntries(pkg) {
  const out = [];
  for (const [subpath, target] of Object.entries(pkg.json.exports ?? {})) {
    if (typeof target !== 'object' || !target['nexus-src']) continue;
    out.push({
      subpath,
      src: target['nexus-src'],
      types: target.types,
      js: target.default ?? target.import,
      nodeOnly:
        subpath === './node' || subpath.startsWith('./node/') || Boolean(target.node && !target.default),
    });
  }
  return out;
}
