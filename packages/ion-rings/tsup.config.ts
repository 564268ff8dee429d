import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  external: [/^node:/],
  // Keep the `node:` prefix in the Node-only subpath (Deno resolves Node built-ins only by the prefixed names).
  removeNodeProtocol: false,
});
