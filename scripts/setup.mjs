// `npm start` and `npm test` call this first: it installs what a fresh clone lacks
// (the pinned pnpm, the workspace's dependencies, the packages' builds) and skips what is there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { capture, LOCAL_TOOLS, PNPM_VERSION, ROOT, run } from './_env.mjs';

function ensurePnpm() {
  if (capture('pnpm', ['--version']) === PNPM_VERSION) return;
  console.log(`setup: installing pnpm ${PNPM_VERSION} into .tools/`);
  run('npm', [
    'install',
    '--prefix',
    LOCAL_TOOLS,
    '--no-save',
    '--no-audit',
    '--no-fund',
    `pnpm@${PNPM_VERSION}`,
  ]);
  const found = capture('pnpm', ['--version']);
  if (found !== PNPM_VERSION) {
    console.error(`setup: expected pnpm ${PNPM_VERSION}, found ${found ?? 'none'}`);
    process.exit(1);
  }
}

ensurePnpm();
const frozen = existsSync(join(ROOT, 'pnpm-lock.yaml')) && process.env.CI === 'true';
run('pnpm', ['install', ...(frozen ? ['--frozen-lockfile'] : []), '--reporter=append-only']);
run('pnpm', ['run', 'build']);
