/**
 * Model-based check of CSpace + derivation tree + revoke + manifests/respawn: random operation
 * sequences run against the real Authority and against a reference model that stores nodes in a
 * flat list and answers every check by scanning with `Algebra.check`. Any divergence throws with
 * the seed that replays it.
 */
import {
  Authority,
  type Cap,
  CapabilityError,
  type CapSpec,
  type CSpace,
  ManualClock,
  normalizeCaveats,
  seededRandom,
} from '../src/index.js';
import { algebra } from './_fixtures.js';

/** Operations in one sequence of the CI run. */
export const OPS_PER_SEQUENCE = 12;
const VERBS = ['fs.admin', 'fs.read', 'fs.write', 'fs.append', 'net.connect', 'x.custom'];
const SEGMENTS = ['a', 'b', 'ab'];
/** Space 0 is the authority's root CSpace; 1 and 2 are fibers spawned from manifests. */
const SPACES = 3;

interface ModelNode {
  space: number;
  slot: number;
  cap: Cap;
  parent: number;
  alive: boolean;
}

function specOf(cap: Cap): CapSpec {
  return {
    verb: cap.verb,
    scope: cap.scope,
    notBeforeMs: cap.window.notBeforeMs,
    notAfterMs: cap.window.notAfterMs,
    caveats: cap.caveats,
  };
}

/** Runs one seeded sequence of `ops` operations against the real Authority and the model; throws on divergence. */
export function runModelSequence(
  seed: number,
  ops = OPS_PER_SEQUENCE,
): { ops: number; checks: number; respawns: number; failedSpawns: number } {
  const rng = seededRandom(seed);
  const int = (n: number) => rng.nextU32() % n;
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  const fail = (message: string): never => {
    throw new Error(`seed ${seed}: ${message}`);
  };
  const path = (maxDepth: number) => {
    const depth = int(maxDepth + 1);
    let p = '';
    for (let i = 0; i < depth; i++) p += `/${pick(SEGMENTS)}`;
    return p === '' ? '/' : p;
  };
  const randomCap = (): Cap => {
    const t1 = int(12);
    const t2 = t1 + 1 + int(12);
    const caveats = int(4) === 0 ? [{ kind: 'max' as const, key: 'bytes', limit: int(5) }] : [];
    return {
      verb: pick(VERBS),
      scope: path(2),
      window: { notBeforeMs: t1, notAfterMs: t2 },
      caveats: normalizeCaveats(caveats),
    };
  };
  const clock = new ManualClock(0);
  const authority = new Authority({ algebra, clock });
  const model: ModelNode[] = [];
  const isDescendantOf = (i: number, ancestor: number): boolean =>
    i === ancestor || (model[i].parent >= 0 && isDescendantOf(model[i].parent, ancestor));
  const kill = (root: number): number => {
    let count = 0;
    for (let i = 0; i < model.length; i++) {
      if (model[i].alive && isDescendantOf(i, root)) {
        model[i].alive = false;
        count++;
      }
    }
    return count;
  };

  // Root grants, then two fibers spawned from manifests of capabilities below them.
  const rootCap: Cap = {
    verb: 'fs.admin',
    scope: '/',
    window: { notBeforeMs: 0, notAfterMs: 30 },
    caveats: [],
  };
  model.push({ space: 0, slot: authority.grantRoot(specOf(rootCap)), cap: rootCap, parent: -1, alive: true });
  const manifests: CapSpec[][] = [[]];
  const spaces: (CSpace | null)[] = [authority.root];
  let failedSpawns = 0;
  /** Mirrors Authority.spawn: every grant goes under the lowest-slot live root node covering it, or the spawn fails whole. */
  const modelSpawn = (space: number): number[] | null => {
    const parents: number[] = [];
    for (const spec of manifests[space]) {
      const cap = {
        verb: spec.verb,
        scope: spec.scope,
        window: { notBeforeMs: spec.notBeforeMs as number, notAfterMs: spec.notAfterMs as number },
        caveats: normalizeCaveats(spec.caveats ?? []),
      };
      let best = -1;
      for (let i = 0; i < model.length; i++) {
        const node = model[i];
        if (
          node.alive &&
          node.space === 0 &&
          algebra.leq(cap, node.cap) &&
          (best < 0 || node.slot < model[best].slot)
        )
          best = i;
      }
      if (best < 0) return null;
      parents.push(best);
    }
    return parents;
  };
  const spawnBoth = (space: number, real: () => CSpace): void => {
    const parents = modelSpawn(space);
    let cspace: CSpace | null = null;
    try {
      cspace = real();
    } catch (error) {
      if (!(error instanceof CapabilityError) || error.code !== 'WIDENED') throw error;
      if (parents !== null) fail(`spawn of f${space} refused, model accepts`);
      spaces[space] = null;
      failedSpawns++;
      return;
    }
    if (parents === null) fail(`spawn of f${space} accepted, model refuses`);
    spaces[space] = cspace;
    const listed = cspace.list();
    if (listed.length !== manifests[space].length) fail(`spawn of f${space} granted ${listed.length}`);
    for (let k = 0; k < listed.length; k++) {
      model.push({
        space,
        slot: listed[k].slot,
        cap: listed[k].cap,
        parent: (parents as number[])[k],
        alive: true,
      });
    }
  };
  for (let space = 1; space < SPACES; space++) {
    const grants: CapSpec[] = [];
    for (let k = 0, n = 1 + int(2); k < n; k++) {
      const cap = algebra.meet(randomCap(), rootCap);
      if (cap && !algebra.isBottom(cap)) grants.push(specOf(cap));
    }
    manifests.push(grants);
    spawnBoth(space, () => authority.spawn({ fiber: `f${space}`, grants }));
  }

  let checks = 0;
  let respawns = 0;
  const live = () => model.filter((n) => n.alive);
  for (let op = 0; op < ops; op++) {
    const choice = int(11);
    const liveNodes = live();
    if (choice === 0 || liveNodes.length === 0) {
      const cap = randomCap();
      const slot = authority.grantRoot(specOf(cap));
      model.push({ space: 0, slot, cap, parent: -1, alive: true });
    } else if (choice <= 3) {
      const parent = pick(liveNodes);
      const parentIndex = model.indexOf(parent);
      // Half the time ask for something below the parent, half the time anything at all.
      const cap = int(2) === 0 ? (algebra.meet(randomCap(), parent.cap) ?? randomCap()) : randomCap();
      const target = int(SPACES);
      const targetSpace = spaces[target];
      // A fiber whose respawn failed has no CSpace: nothing to derive into.
      if (targetSpace === null) continue;
      const below = !algebra.isBottom(cap) && algebra.leq(cap, parent.cap);
      const source = spaces[parent.space] as CSpace;
      let slot = -1;
      try {
        slot = source.derive(parent.slot, targetSpace, specOf(cap));
      } catch (error) {
        if (!(error instanceof CapabilityError)) throw error;
        if (below) fail(`derive refused (${error.code}) a request below its parent`);
        continue;
      }
      if (!below) fail('derive accepted a widening');
      model.push({ space: target, slot, cap, parent: parentIndex, alive: true });
    } else if (choice === 4) {
      const victim = pick(liveNodes);
      const expected = kill(model.indexOf(victim));
      const removed = (spaces[victim.space] as CSpace).revoke(victim.slot);
      if (removed !== expected) fail(`revoke removed ${removed}, model says ${expected}`);
    } else if (choice === 5) {
      clock.advance(int(4));
    } else if (choice === 6) {
      // Respawn: everything in the fiber's CSpace and derived from it dies, then the manifest is replayed.
      const space = 1 + int(SPACES - 1);
      for (let i = 0; i < model.length; i++) if (model[i].alive && model[i].space === space) kill(i);
      const old = spaces[space];
      spawnBoth(space, () => authority.respawn(`f${space}`));
      respawns++;
      if (old && old.size !== 0) fail(`respawned f${space}: old CSpace still holds ${old.size}`);
    } else {
      const space = int(SPACES);
      const verb = pick(VERBS);
      const p = path(3);
      const context = int(2) === 0 ? { bytes: int(6) } : undefined;
      const request = { verb, path: p, atMs: clock.nowMs(), context };
      const expected = model.some((n) => n.alive && n.space === space && algebra.check(n.cap, request));
      const actual = spaces[space]?.allows(verb, p, context) ?? false;
      checks++;
      if (actual !== expected)
        fail(`check ${space} ${verb} ${p} at ${clock.nowMs()} gave ${actual}, model ${expected}`);
    }
    for (let s = 0; s < SPACES; s++) {
      const count = model.filter((n) => n.alive && n.space === s).length;
      if ((spaces[s]?.size ?? 0) !== count) fail(`space ${s} holds ${spaces[s]?.size}, model ${count}`);
    }
  }
  return { ops, checks, respawns, failedSpawns };
}
