/**
 * The power-loss scenarios: small re-entrant scripts, each aimed at one kind of change, plus a
 * nearly full volume, wear-out in progress and static wear-levelling moves on reduced copies of
 * the geometries (same page and block shape, fewer blocks).
 */
import { GEOMETRIES, type GeometryName } from '../src/device/geometry.js';
import type { Scenario } from './_powerloss.js';
import { type Op, shrink } from './_sim.js';

function scripts(P: number, rounds: number): Record<string, { ops: Op[]; setup?: Op[] }> {
  // Each round is its own small scenario (own names and seeds, recorded and swept alone), so a cut
  // point's check costs the same in round 1 and round 40.
  const s: Record<string, { ops: Op[]; setup?: Op[] }> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, one] of Object.entries(baseScripts(P))) {
      const map = (op: Op): Op => {
        const o = { ...op } as Op & { seed?: number; size?: number };
        if (o.seed !== undefined) o.seed += 1000 * r;
        if (o.size !== undefined && op.op !== 'truncate') o.size += (r * 37) % P;
        return o as Op;
      };
      s[r === 0 ? name : `${name}#${r}`] = { ops: one.ops.map(map), setup: one.setup?.map(map) };
    }
  }
  return s;
}

function baseScripts(P: number): Record<string, { ops: Op[]; setup?: Op[] }> {
  const s: Record<string, { ops: Op[]; setup?: Op[] }> = {};
  s.create = {
    ops: [
      { op: 'open', path: '/a', flags: 'w' },
      { op: 'write', path: '/a', at: 0, size: 300, seed: 1 },
      { op: 'close', path: '/a' },
      { op: 'writeFile', path: '/b', size: P + 100, seed: 2 },
      { op: 'writeFile', path: '/c', size: 10, seed: 3 },
    ],
  };
  s.append = {
    ops: [{ op: 'open', path: '/log', flags: 'a' }],
  };
  for (let i = 0; i < 8; i++) {
    s.append.ops.push({ op: 'append', path: '/log', size: 100 + 37 * i, seed: 10 + i });
    if (i % 2 === 1) s.append.ops.push({ op: 'sync', path: '/log' });
  }
  s.append.ops.push({ op: 'close', path: '/log' });
  s.overwrite = {
    setup: [{ op: 'writeFile', path: '/f', size: 3 * P, seed: 20 }],
    ops: [
      { op: 'open', path: '/f', flags: 'r+' },
      { op: 'write', path: '/f', at: 10, size: 50, seed: 21 },
      { op: 'write', path: '/f', at: P - 20, size: 60, seed: 22 },
      { op: 'sync', path: '/f' },
      { op: 'write', path: '/f', at: 2 * P, size: P, seed: 23 },
      { op: 'close', path: '/f' },
      { op: 'writeFile', path: '/f', size: P / 2, seed: 24 },
    ],
  };
  s.truncate = {
    setup: [{ op: 'writeFile', path: '/t', size: 2 * P + 7, seed: 30 }],
    ops: [
      { op: 'truncate', path: '/t', size: P + 3 },
      { op: 'truncate', path: '/t', size: 3 * P },
      { op: 'write', path: '/t', at: 5, size: 9, seed: 31 },
      { op: 'truncate', path: '/t', size: 0 },
      { op: 'close', path: '/t' },
    ],
  };
  s.rename = {
    setup: [
      { op: 'writeFile', path: '/x', size: 100, seed: 40 },
      { op: 'writeFile', path: '/y', size: 200, seed: 41 },
      { op: 'mkdir', path: '/d' },
    ],
    ops: [
      { op: 'rename', from: '/x', to: '/d/x' },
      { op: 'rename', from: '/y', to: '/d/x' },
      { op: 'rename', from: '/d', to: '/e' },
      { op: 'writeFile', path: '/z', size: 50, seed: 42 },
      { op: 'rename', from: '/z', to: '/e/x' },
    ],
  };
  s.unlink = {
    setup: [
      { op: 'writeFile', path: '/u1', size: P + 1, seed: 50 },
      { op: 'writeFile', path: '/u2', size: 20, seed: 51 },
    ],
    ops: [
      { op: 'unlink', path: '/u1' },
      { op: 'writeFile', path: '/u3', size: 30, seed: 52 },
      { op: 'unlink', path: '/u2' },
      { op: 'unlink', path: '/u3' },
    ],
  };
  s.mkdir = {
    ops: [
      { op: 'mkdir', path: '/a' },
      { op: 'mkdir', path: '/a/b' },
      { op: 'writeFile', path: '/a/b/f', size: 40, seed: 60 },
      { op: 'mkdir', path: '/c' },
      { op: 'rmdir', path: '/c' },
      { op: 'unlink', path: '/a/b/f' },
      { op: 'rmdir', path: '/a/b' },
    ],
  };
  s['many-files'] = { ops: [{ op: 'mkdir', path: '/m' }] };
  for (let i = 0; i < 24; i++)
    s['many-files'].ops.push({
      op: 'writeFile',
      path: `/m/file-with-a-long-name-${String(i).padStart(3, '0')}`,
      size: 16,
      seed: 70 + i,
    });
  for (let i = 0; i < 24; i++)
    s['many-files'].ops.push({
      op: 'unlink',
      path: `/m/file-with-a-long-name-${String(i).padStart(3, '0')}`,
    });
  s['many-files'].ops.push({ op: 'rmdir', path: '/m' });
  // Superblock rewrites (feature flags changed at run time) between file operations; enough of
  // them that copy blocks fill up and are erased.
  s['superblock-rewrite'] = {
    setup: [{ op: 'writeFile', path: '/s', size: 100, seed: 130 }],
    ops: [
      { op: 'features', compat: 1 },
      { op: 'writeFile', path: '/s', size: 200, seed: 131 },
      { op: 'features', compat: 2 },
      { op: 'features', compat: 3 },
      { op: 'writeFile', path: '/t', size: 50, seed: 132 },
      { op: 'features', compat: 0x8000_0000 },
      { op: 'features', compat: 5 },
    ],
  };
  return s;
}

/** The geometries the runner covers (the four named ones). */
export const SWEEP_GEOMETRIES: GeometryName[] = ['tiny-nor', 'nor-4m', 'spi-nand', 'nand-large'];

/** Every scenario on every geometry. */
export function allScenarios(rounds = 1, geometries: readonly GeometryName[] = SWEEP_GEOMETRIES): Scenario[] {
  const out: Scenario[] = [];
  for (const gname of geometries) {
    const g = GEOMETRIES[gname];
    const P = g.kind === 'nand' ? g.pageSizeBytes : g.pageSizeBytes - 24;
    for (const [name, s] of Object.entries(scripts(P, rounds)))
      out.push({ name, geometry: g, geometryName: gname, ops: s.ops, setup: s.setup });
    // A nearly full volume: a reduced part filled to about 85%, then rewritten so GC must run.
    const small = shrink(g, 40);
    const blockPayload = g.pagesPerBlock * P;
    const usable = (40 - 16) * blockPayload;
    const fileBytes = Math.floor((usable * 0.55) / 4);
    const fill: Op[] = [];
    for (let i = 0; i < 4; i++)
      fill.push({ op: 'writeFile', path: `/full${i}`, size: fileBytes, seed: 80 + i });
    out.push({
      name: 'nearly-full',
      geometry: small,
      geometryName: `${gname}/40`,
      setup: fill,
      options: { superblockReplicas: 0, registerBlocks: 2, reserveBlocks: 4, journalMaxBlocks: 2 },
      ops: [
        { op: 'writeFile', path: '/full1', size: fileBytes, seed: 90 },
        { op: 'unlink', path: '/full2' },
        { op: 'writeFile', path: '/full0', size: Math.floor(fileBytes / 2), seed: 91 },
      ],
    });
    // Wear-out in progress: blocks past a tiny budget fail programs and erases.
    out.push({
      name: 'wear-out',
      geometry: shrink(g, 48, 3),
      geometryName: `${gname}/48/budget3`,
      wearOut: true,
      options: { superblockReplicas: 0, registerBlocks: 3, reserveBlocks: 4, journalMaxBlocks: 2 },
      setup: [{ op: 'writeFile', path: '/w0', size: 2 * blockPayload, seed: 100 }],
      ops: [
        { op: 'writeFile', path: '/w1', size: blockPayload, seed: 101 },
        { op: 'writeFile', path: '/w0', size: blockPayload, seed: 102 },
        { op: 'writeFile', path: '/w1', size: 2 * P, seed: 103 },
      ],
    });
    // Static wear levelling: cold files plus a hot one, with a tiny erase-count gap.
    out.push({
      name: 'static-wl',
      geometry: shrink(g, 40),
      geometryName: `${gname}/40`,
      options: {
        superblockReplicas: 0,
        registerBlocks: 2,
        reserveBlocks: 4,
        journalMaxBlocks: 2,
        wearLevelGap: 0,
      },
      // Cold files, then enough hot rewrites (setup, not cut) that the cold blocks have sat out a
      // pass over the device: the recorded writes then move cold data, superblock copies and
      // register ring blocks.
      setup: [
        { op: 'writeFile', path: '/cold0', size: blockPayload, seed: 110 },
        { op: 'writeFile', path: '/cold1', size: blockPayload, seed: 111 },
        ...Array.from(
          { length: 80 },
          (_, i): Op => ({ op: 'writeFile', path: '/hot', size: blockPayload, seed: 140 + i }),
        ),
      ],
      ops: Array.from(
        { length: 10 },
        (_, i): Op => ({ op: 'writeFile', path: '/hot', size: blockPayload, seed: 120 + i }),
      ),
    });
  }
  return out;
}
