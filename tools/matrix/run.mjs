// The runtime matrix: bundles each package's test/matrix/*.ts against its BUILT output and runs
// the smoke suites in Node 20 (this Node), Node 24, Deno, Bun and headless Chromium.
// Usage: node tools/matrix/run.mjs [--only=node20,deno] [package...]
// Outside CI a runtime that is not installed is skipped with its reason; with CI=true it fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { CHROMIUM_PATH, runChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const out = join(root, '.cache', 'matrix');
const isCI = process.env.CI === 'true';
const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const wanted = args.filter((a) => !a.startsWith('--'));
const RUNTIME_TIMEOUT_MS = 180_000;

// Every package with code must bring a smoke suite: a package the matrix cannot run is a failure.
const withCode = readdirSync(join(root, 'packages'))
  .sort()
  .filter((p) => existsSync(join(root, 'packages', p, 'src', 'index.ts')))
  .filter((p) => wanted.length === 0 || wanted.includes(p));
const packages = withCode.filter((p) => existsSync(join(root, 'packages', p, 'test', 'matrix', 'smoke.ts')));
const withoutSmoke = withCode.filter((p) => !packages.includes(p));

async function bundle() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const pkg of packages) {
    const dir = join(root, 'packages', pkg);
    if (!existsSync(join(dir, 'dist'))) throw new Error(`${pkg}: no dist/ (run the build first)`);
    const entries = readdirSync(join(dir, 'test', 'matrix')).filter((f) => f.endsWith('.ts'));
    await esbuild.build({
      entryPoints: entries.map((f) => join(dir, 'test', 'matrix', f)),
      outdir: join(out, pkg),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      conditions: ['import', 'default'],
      external: ['node:*'],
      logLevel: 'warning',
    });
  }
  writeFileSync(join(out, 'driver.js'), driverSource());
  writeFileSync(
    join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>nexus matrix</title><script type="module">import { runAll } from "./driver.js"; window.__matrix = runAll("chromium");</script>',
  );
  writeFileSync(
    join(out, 'cli.js'),
    'import { runAll } from "./driver.js";\nconst r = await runAll(globalThis.NEXUS_RUNTIME ?? "node20");\nconsole.log("MATRIX_RESULT " + JSON.stringify(r));\n' +
      '// A worker a suite left running must not keep the runtime alive once the results are out.\n' +
      'if (globalThis.Deno) globalThis.Deno.exit(0); else if (globalThis.process) globalThis.process.exit(0);\n',
  );
}

// The driver runs inside every runtime: plain JS, no imports but the bundled suites.
function driverSource() {
  const imports = packages.map((p) => JSON.stringify(p)).join(', ');
  return `
const PACKAGES = [${imports}];
const CASE_TIMEOUT_MS = 60000;
export async function runAll(runtime) {
  const results = [];
  for (const pkg of PACKAGES) {
    const base = new URL('./' + pkg + '/', import.meta.url);
    let suite;
    try {
      suite = (await import(new URL('smoke.js', base).href)).smoke;
    } catch (e) {
      results.push({ pkg, name: '(load)', ok: false, error: String(e && e.stack || e) });
      continue;
    }
    const ctx = { runtime, url: (file) => new URL(file, base) };
    for (const [name, fn] of Object.entries(suite)) {
      console.log('MATRIX_CASE ' + pkg + ' › ' + name);
      const t0 = performance.now();
      try {
        let timer;
        const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out after ' + CASE_TIMEOUT_MS + ' ms')), CASE_TIMEOUT_MS); });
        await Promise.race([Promise.resolve().then(() => fn(ctx)), timeout]);
        clearTimeout(timer);
        results.push({ pkg, name, ok: true, ms: Math.round(performance.now() - t0) });
      } catch (e) {
        results.push({ pkg, name, ok: false, error: String(e && e.stack || e) });
      }
    }
  }
  return results;
}
`;
}

function runProcess(cmd, argv, env = {}) {
  return new Promise((resolvePromise) => {
    // Own process group, so a timeout kills the runtime and whatever it started (the npm
    // launchers of Deno and Bun are wrappers around the real binary).
    const child = spawn(cmd, argv, {
      cwd: out,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, RUNTIME_TIMEOUT_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolvePromise({ error: String(e) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('MATRIX_RESULT '));
      if (line) {
        resolvePromise({ results: JSON.parse(line.slice('MATRIX_RESULT '.length)) });
        return;
      }
      const started = stdout.split('\n').filter((l) => l.startsWith('MATRIX_CASE '));
      const last = started.at(-1)?.slice('MATRIX_CASE '.length) ?? '(none)';
      const why = timedOut ? `killed after ${RUNTIME_TIMEOUT_MS / 1000} s` : `exit ${code}`;
      resolvePromise({ error: `${why}; last case started: ${last}\n${stderr.slice(-2000)}` });
    });
  });
}

const bin = (name) => join(here, 'node_modules', '.bin', name);
// A file per runtime, not --eval: workers started by a suite inherit the runtime's flags, and
// Node refuses --input-type for a worker that loads a file.
function entryFile(runtime) {
  const file = `${runtime}.js`;
  writeFileSync(
    join(out, file),
    `globalThis.NEXUS_RUNTIME = ${JSON.stringify(runtime)};\nawait import('./cli.js');\n`,
  );
  return file;
}
const node24 = join(here, 'node_modules', 'node', 'bin', 'node');
const runtimes = [
  {
    name: 'node20',
    available: () =>
      process.versions.node.startsWith('20.') ? null : `this Node is ${process.version}, not 20`,
    run: () => runProcess(process.execPath, [entryFile('node20')]),
  },
  {
    name: 'node24',
    available: () => (existsSync(node24) ? null : 'the npm package node@24 is not installed in tools/matrix'),
    run: () => runProcess(node24, [entryFile('node24')]),
  },
  {
    name: 'deno',
    available: () =>
      existsSync(bin('deno')) ? null : 'the npm package deno is not installed in tools/matrix',
    run: () =>
      runProcess(bin('deno'), ['run', '--allow-all', '--no-prompt', entryFile('deno')], { NO_COLOR: '1' }),
  },
  {
    name: 'bun',
    available: () => (existsSync(bin('bun')) ? null : 'the npm package bun is not installed in tools/matrix'),
    run: () => runProcess(bin('bun'), ['run', entryFile('bun')]),
  },
  {
    name: 'chromium',
    available: () =>
      existsSync(CHROMIUM_PATH) ? null : 'Debian chromium is not installed (apt-get install chromium)',
    run: () => runChromium(out),
  },
];

await bundle();
let passed = 0;
let failed = withoutSmoke.length;
const summary = withoutSmoke.map((p) => `${p}: FAILED: has code but no test/matrix/smoke.ts`);
for (const rt of runtimes) {
  if (only && !only.includes(rt.name)) continue;
  const missing = rt.available();
  if (missing) {
    if (isCI) {
      failed++;
      summary.push(`${rt.name}: MISSING (${missing})`);
      console.error(`matrix ${rt.name}: required under CI=true but ${missing}`);
    } else {
      summary.push(`${rt.name}: skipped (${missing})`);
      console.log(`matrix ${rt.name}: skipped: ${missing}`);
    }
    continue;
  }
  const t0 = performance.now();
  const r = await rt.run();
  if (r.error) {
    failed++;
    summary.push(`${rt.name}: FAILED to run`);
    console.error(`matrix ${rt.name}: failed to run: ${r.error}`);
    continue;
  }
  const ok = r.results.filter((x) => x.ok).length;
  const bad = r.results.filter((x) => !x.ok);
  passed += ok;
  failed += bad.length;
  for (const b of bad) console.error(`matrix ${rt.name} ${b.pkg} › ${b.name}: FAILED\n${b.error}`);
  const perPkg = packages.map(
    (p) =>
      `${p} ${r.results.filter((x) => x.pkg === p && x.ok).length}/${r.results.filter((x) => x.pkg === p).length}`,
  );
  summary.push(
    `${rt.name}: ${ok} passed, ${bad.length} failed (${perPkg.join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
console.log('\nruntime matrix');
for (const line of summary) console.log(`  ${line}`);
console.log(`matrix: ${passed} passed, ${failed} failed`);
writeFileSync(join(out, 'summary.json'), JSON.stringify({ passed, failed, summary }));
process.exit(failed === 0 ? 0 : 1);
