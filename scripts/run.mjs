// Runs the rest of the command line with the local pnpm and workspace binaries on PATH.
import { run } from './_env.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/run.mjs <command> [args...]');
  process.exit(2);
}
run(cmd, args);
