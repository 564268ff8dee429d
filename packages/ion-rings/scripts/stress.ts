/**
 * The slow stress run (not in CI): 10^8 frames from 4 producer threads through one MPSC ring, and
 * the sleep/notify suite. Same test files as CI, with a larger frame count; the sleep/notify
 * count stays at the CI's 10^7 unless ION_SLEEP_CYCLES says otherwise.
 *
 * Run from the repository root: node --import tsx packages/ion-rings/scripts/stress.ts
 * Counts can be overridden with ION_STRESS_FRAMES and ION_SLEEP_CYCLES.
 */
import { spawnSync } from 'node:child_process';

const result = spawnSync(
  'pnpm',
  ['vitest', 'run', '--project', 'ion-rings', 'test/stress.test.ts', 'test/sleep-notify.test.ts'],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      ION_STRESS_FRAMES: process.env.ION_STRESS_FRAMES ?? '100000000',
    },
  },
);
process.exit(result.status ?? 1);
