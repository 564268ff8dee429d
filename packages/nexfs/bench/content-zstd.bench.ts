/**
 * zstd per chunk at levels 1, 3 and 19: compression ratio and MB/s for writing (WASM reference
 * library) and reading (WASM and the pure-JS fzstd decoder every runtime has), beside the zstd CLI
 * benchmarking the same bytes in independent 64 KiB blocks (`zstd -b# -B65536`).
 *
 * Input: TypeScript's own compiler (lib/typescript.js from the workspace), cut by FastCDC at the
 * nexfs defaults. Run: pnpm --filter @nexus/nexfs bench content-zstd
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sized, table } from '@nexus/bench';
import { FastCdc, loadZstdEngine, NEXFS_CDC_DEFAULTS, zstdCodec, zstdDecode } from '../src/index.js';
import { missingTool } from './_content.js';

const require = createRequire(import.meta.url);
const source = readFileSync(join(dirname(require.resolve('typescript')), 'typescript.js'));
const data = new Uint8Array(source.buffer, source.byteOffset, sized(source.length, 512 * 1024));
const cdc = new FastCdc(NEXFS_CDC_DEFAULTS);
const chunks = [...cdc.boundaries(data)].map((c) => data.subarray(c.offset, c.offset + c.length));
const engine = await loadZstdEngine();
const cliMissing = missingTool('zstd');
const file = join(tmpdir(), 'nexfs-zstd-bench.js');

function bestMs(fn: () => void, rounds: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

const rows: (string | number | null)[][] = [];
for (const level of [1, 3, 19]) {
  // Level 19 runs at a few MB/s: measure it on the first 2 MiB of chunks.
  let subset = chunks;
  if (level === 19) {
    let bytes = 0;
    subset = chunks.filter((c) => (bytes += c.length) <= sized(2 * 1024 * 1024, 256 * 1024));
  }
  const plainBytes = subset.reduce((n, c) => n + c.length, 0);
  const codec = zstdCodec(level, engine);
  const frames = subset.map((c) => codec.encode(c));
  const frameBytes = frames.reduce((n, f) => n + f.length, 0);
  const rounds = sized(level === 19 ? 1 : 3, 1);
  const encodeMs = bestMs(() => {
    for (const c of subset) codec.encode(c);
  }, rounds);
  const wasmDecodeMs = bestMs(
    () => {
      for (let i = 0; i < frames.length; i++) codec.decode(frames[i], subset[i].length);
    },
    sized(5, 1),
  );
  const jsDecodeMs = bestMs(
    () => {
      for (let i = 0; i < frames.length; i++) zstdDecode(frames[i], subset[i].length);
    },
    sized(5, 1),
  );
  const mbps = (ms: number) => plainBytes / 1e3 / ms;
  rows.push([
    level,
    'nexfs (@bokuweb/zstd-wasm write, WASM read)',
    subset.length,
    plainBytes / frameBytes,
    mbps(encodeMs),
    mbps(wasmDecodeMs),
  ]);
  rows.push([
    level,
    'nexfs read with fzstd (pure JS, every runtime)',
    subset.length,
    plainBytes / frameBytes,
    null,
    mbps(jsDecodeMs),
  ]);
  if (cliMissing) {
    rows.push([level, `zstd CLI: skipped (${cliMissing})`, null, null, null, null]);
    continue;
  }
  writeFileSync(file, data.subarray(0, plainBytes));
  const r = spawnSync('zstd', [`-b${level}`, '-B65536', `-i${sized(3, 1)}`, file], { encoding: 'utf8' });
  // The CLI redraws its line with \r; the last redraw with both speeds is the result.
  const results = [
    ...`${r.stdout}\n${r.stderr}`.matchAll(/\(x([\d.]+)\),\s*([\d.]+) MB\/s,\s*([\d.]+) MB\/s/g),
  ];
  const m = results[results.length - 1];
  rows.push([
    level,
    'zstd 1.5 CLI, same bytes in 64 KiB blocks',
    Math.ceil(plainBytes / 65536),
    m ? Number(m[1]) : null,
    m ? Number(m[2]) : null,
    m ? Number(m[3]) : null,
  ]);
}
table(
  `zstd per chunk on ${(data.length / 1048576).toFixed(1)} MiB of JavaScript (FastCDC 16/64/256 KiB chunks)`,
  ['level', 'implementation', 'chunks', 'ratio', 'write MB/s', 'read MB/s'],
  rows,
  'MB/s of plaintext, best of several rounds, one thread. The CLI cuts fixed 64 KiB blocks, ours content-defined chunks (mean ~80 KiB).',
);
