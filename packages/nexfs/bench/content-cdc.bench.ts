/**
 * Chunking throughput: our FastCDC (2020 and 2016, byte-exact with fastcdc-rs 4.0.1) against
 * @dstanesc/wasm-chunking-fastcdc-node (fastcdc-rs compiled to WASM) on the same input, at the
 * nexfs defaults 16/64/256 KiB.
 *
 * Run: pnpm --filter @nexus/nexfs bench content-cdc
 */
import { createRequire } from 'node:module';
import { compare, sized, table } from '@nexus/bench';
import { CdcStream, FastCdc, NEXFS_CDC_DEFAULTS } from '../src/index.js';
import { noise } from './_content.js';

const require = createRequire(import.meta.url);
const wasm = require('@dstanesc/wasm-chunking-fastcdc-node') as {
  compute_chunks(source: Uint8Array, min: number, avg: number, max: number): Uint32Array;
};

const size = sized(256 * 1024 * 1024, 1024 * 1024);
const input = noise(size);
const cdc2020 = new FastCdc(NEXFS_CDC_DEFAULTS);
const cdc2016 = new FastCdc({ ...NEXFS_CDC_DEFAULTS, version: '2016' });
const lengths = new Uint32Array(1 << 16);

await compare(
  `FastCDC, ${size / 1048576} MiB of noise, 16/64/256 KiB`,
  [
    { name: 'nexfs FastCDC 2020', ours: true, fn: () => cdc2020.cutLengths(input, lengths) },
    { name: 'nexfs FastCDC 2016', fn: () => cdc2016.cutLengths(input, lengths) },
    {
      name: 'nexfs CdcStream (1 MiB writes)',
      fn: () => {
        const s = new CdcStream(cdc2020);
        let n = 0;
        const sink = () => {
          n++;
        };
        for (let o = 0; o < input.length; o += 1 << 20) s.write(input.subarray(o, o + (1 << 20)), sink);
        s.end(sink);
        return n;
      },
    },
    {
      name: '@dstanesc/wasm-chunking-fastcdc-node',
      fn: () =>
        wasm.compute_chunks(
          input,
          NEXFS_CDC_DEFAULTS.minSize,
          NEXFS_CDC_DEFAULTS.avgSize,
          NEXFS_CDC_DEFAULTS.maxSize,
        ),
    },
  ],
  {
    bytesPerOp: size,
    timeMs: sized(4000, 1),
    minSamples: sized(5, 1),
    note: 'The WASM peer wraps an older fastcdc-rs and returns offsets only; ours also reports each gear hash.',
  },
);

const ours = cdc2020.cutLengths(input, lengths);
const theirs = wasm.compute_chunks(
  input,
  NEXFS_CDC_DEFAULTS.minSize,
  NEXFS_CDC_DEFAULTS.avgSize,
  NEXFS_CDC_DEFAULTS.maxSize,
);
table(
  'chunks found on the same input',
  ['implementation', 'chunks', 'mean chunk bytes'],
  [
    ['nexfs FastCDC 2020', ours, Math.round(size / ours)],
    ['@dstanesc/wasm-chunking-fastcdc-node', theirs.length, Math.round(size / theirs.length)],
  ],
);
