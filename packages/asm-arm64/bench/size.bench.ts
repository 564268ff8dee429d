/** Bundle size of the encoder tables and of the whole package, minified and gzipped. */
import { gzipSync } from 'node:zlib';
import { table } from '@nexus/bench';
import { build } from 'esbuild';

async function size(entry: string): Promise<[number, number]> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'neutral',
    logLevel: 'silent',
  });
  const bytes = r.outputFiles[0].contents;
  return [bytes.length, gzipSync(bytes, { level: 9 }).length];
}

const here = new URL('..', import.meta.url).pathname;
const tables = await size(`${here}src/generated/a64.ts`);
const all = await size(`${here}src/index.ts`);
table(
  'bundle size (esbuild --minify, gzip -9)',
  ['bundle', 'min bytes', 'min+gzip bytes'],
  [
    ['encoding tables (src/generated/a64.ts)', tables[0], tables[1]],
    ['whole package (assembler, disassembler, builder, ELF, sandbox)', all[0], all[1]],
  ],
);
