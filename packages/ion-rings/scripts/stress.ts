/**
 * The slow stress run (not in CI): 10^8 frames from 4 producer threads through one MPSC ring, and
 * 7.5 * 10^6 ping-pong round trips (about 10^7 sleep/notify cycles). Same test file as CI, with
 * larger counts.
 *
 * Run from the repository root: node --import tsx packages/ion-rings/scripts/stress.ts
 * Counts can be overridden with ION_STRESS_FRAMES and ION_PING_ROUNDS.
 */
import { spawnSync } from 'node:child_process';

const result = spawnSync('pnpm', ['vitest', 'run', '--project', 'ion-rings', 'test/stress.test.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    ION_STRESS_FRAMES: process.env.ION_STRESS_FRAMES ?? '100000000',
    ION_PING_ROUNDS: process.env.ION_PING_ROUNDS ?? '7500000',
  },
});
process.exit(result.status ?? 1);
