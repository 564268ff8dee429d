#!/usr/bin/env node
/** The `nip` executable. */
import { runCli } from './index.js';

process.exitCode = runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
});
