/**
 * Installability of every package of Debian bookworm main amd64 (apt's own index, found in
 * /var/lib/apt/lists after `apt-get update`): nip against dose-distcheck (Debian package
 * dose-distcheck) and libsolv's installcheck (libsolv-tools), one run each, with peak memory
 * and the verdicts compared package by package. Skips with the reason when the index is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSmoke, table } from '@nexus/bench';
import { distcheck, formatDistcheck, parseDebianPackages } from '../src/index.js';

const lists = '/var/lib/apt/lists';
const index = existsSync(lists)
  ? readdirSync(lists).find((f) => /_bookworm_main_binary-amd64_Packages\.lz4$/.test(f))
  : undefined;
const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

function timed(command: string[]): { ms: number; peakMb: number | null; stdout: string } {
  const gnuTime = existsSync('/usr/bin/time');
  const argv = gnuTime ? ['/usr/bin/time', '-f', '%M', ...command] : command;
  const start = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - start;
  const peakKb = gnuTime ? Number(r.stderr.trim().split('\n').pop()) : Number.NaN;
  return { ms, peakMb: Number.isFinite(peakKb) ? peakKb / 1024 : null, stdout: r.stdout };
}

function doseBroken(yaml: string): Set<string> {
  const out = new Set<string>();
  for (const b of yaml.split(/\n -\n/).slice(1)) {
    const get = (k: string) => new RegExp(`^  ${k}: (.*)$`, 'm').exec(b)?.[1];
    if (get('status') === 'broken') out.add(`${get('package')} ${get('version')}`);
  }
  return out;
}

/** installcheck writes `can't install <name>-<version>.<arch>:`; names and versions may hold dashes. */
function installcheckBroken(text: string, known: Map<string, string>): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^can't install (.+)\.([a-z0-9]+):$/gm))
    out.add(known.get(m[1]) ?? `unknown ${m[1]}`);
  return out;
}

if (!index || !have('lz4')) {
  table(
    'Debian bookworm main amd64 installability',
    ['tool', 'result'],
    [['nip', 'skipped: no bookworm main amd64 index in /var/lib/apt/lists (run apt-get update) or no lz4']],
  );
} else {
  const dir = mkdtempSync(join(tmpdir(), 'nip-bench-deb-'));
  const file = join(dir, 'Packages');
  execFileSync('sh', ['-c', `lz4 -dcf '${join(lists, index)}' > '${file}'`]);
  const text = readFileSync(file, 'utf8');
  const start = performance.now();
  const { universe } = parseDebianPackages(text);
  const parsedMs = performance.now() - start;
  const only = isSmoke() ? Array.from({ length: 2000 }, (_, i) => i) : undefined;
  const report = distcheck(universe, { only });
  const nipMs = performance.now() - start;
  const nipPeakMb = process.resourceUsage().maxRSS / 1024;
  const ours = new Set(report.broken.map((b) => `${b.name} ${b.version}`));
  formatDistcheck(report, 'amd64');
  const rows: (string | number | null)[][] = [
    [
      'nip',
      report.checked,
      nipMs / 1000,
      nipPeakMb,
      ours.size,
      'yes',
      `parse ${(parsedMs / 1000).toFixed(2)} s, check ${(report.stats.checkMs / 1000).toFixed(2)} s, explain ${(report.stats.explainMs / 1000).toFixed(2)} s`,
    ],
  ];
  const same = (theirs: Set<string>) =>
    theirs.size === ours.size && [...theirs].every((x) => ours.has(x)) ? 'yes' : 'NO';
  if (isSmoke()) {
    rows.push(['dose-distcheck', null, null, null, null, null, 'skipped in smoke runs (16 s)']);
  } else if (have('dose-distcheck')) {
    const d = timed(['dose-distcheck', '-f', '-e', '--deb-native-arch=amd64', `deb://${file}`]);
    const theirs = doseBroken(d.stdout);
    rows.push([
      'dose-distcheck -f -e',
      universe.packages.length,
      d.ms / 1000,
      d.peakMb,
      theirs.size,
      same(theirs),
      'explanations: yes',
    ]);
  } else
    rows.push([
      'dose-distcheck',
      null,
      null,
      null,
      null,
      null,
      'skipped: not installed (Debian package dose-distcheck)',
    ]);
  if (isSmoke()) {
    rows.push(['installcheck', null, null, null, null, null, 'skipped in smoke runs']);
  } else if (have('installcheck')) {
    const c = timed(['installcheck', 'amd64', file]);
    const known = new Map(universe.packages.map((p) => [`${p.name}-${p.version}`, `${p.name} ${p.version}`]));
    const theirs = installcheckBroken(c.stdout, known);
    rows.push([
      'installcheck (libsolv)',
      universe.packages.length,
      c.ms / 1000,
      c.peakMb,
      theirs.size,
      same(theirs),
      'explanations: problem rules',
    ]);
  } else
    rows.push([
      'installcheck',
      null,
      null,
      null,
      null,
      null,
      'skipped: not installed (Debian package libsolv-tools)',
    ]);
  table(
    `Debian bookworm main amd64: installability of ${universe.packages.length} packages, one run each`,
    ['tool', 'packages', 'seconds', 'peak RSS MB', 'broken', 'same verdicts as nip', 'notes'],
    rows,
    `nip time includes parsing the index and explaining every broken package; SAT conflicts over all checks: ${report.stats.conflicts}; largest dependency cone: ${report.stats.largestCone} packages; ${report.stats.witnessed} packages found installable inside another check's model (no check of their own).`,
  );
  rmSync(dir, { recursive: true, force: true });
}
