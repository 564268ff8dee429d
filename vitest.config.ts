import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One project per package. Workspace imports resolve through the `nexus-src` export condition
// to src/, so a clean tree tests without a build.
const packages = readdirSync('packages').filter((name) => existsSync(`packages/${name}/test`));
const conditions = ['nexus-src', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['nexus-src'] } },
  test: {
    passWithNoTests: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name,
        root: `packages/${name}`,
        include: ['test/**/*.test.ts'],
      },
    })),
  },
});
