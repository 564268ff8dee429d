/**
 * Model-based check of CSpace + derivation tree + revoke: random operation sequences run against
 * the real Authority and against a reference model that stores nodes in a flat list and answers
 * every check by scanning with `Algebra.check`. Any divergence fails with the seed that replays it.
 */
import {
  Authority,
  type Cap,
  CapabilityError,
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
const SPACES = 3;

interface ModelNode {
  space: number;
  slot: number;
  cap: Cap;
  parent: number;
  alive: boolean;
}

/** Runs one seeded sequence of `ops` operations against the real Authority and the model; throws on divergence. */
export function runModelSequence(seed: number, ops = OPS_PER_SEQUENCE): { ops: number; checks: number } {
  const rng = seededRandom(seed);
  const int = (n: number) => rng.nextU32() % n;
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
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
  const spaces: CSpace[] = [authority.root];
  for (let i = 1; i < SPACES; i++) spaces.push(authority.createCSpace(`f${i}`));
  const model: ModelNode[] = [];
  let checks = 0;
  const live = () => model.filter((n) => n.alive);
  for (let op = 0; op < ops; op++) {
    const choice = int(10);
    const alive = live();
    if (choice === 0 || alive.length === 0) {
      const cap = randomCap();
      const slot = authority.grantRoot({
        verb: cap.verb,
        scope: cap.scope,
        notBeforeMs: cap.window.notBeforeMs,
        notAfterMs: cap.window.notAfterMs,
        caveats: cap.caveats,
      });
      model.push({ space: 0, slot, cap, parent: -1, alive: true });
    } else if (choice <= 3) {
      const parent = pick(alive);
      const parentIndex = model.indexOf(parent);
      // Half the time ask for something below the parent, half the time anything at all.
      const cap = int(2) === 0 ? (algebra.meet(randomCap(), parent.cap) ?? randomCap()) : randomCap();
      const target = int(SPACES);
      const expectAccept = !algebra.isBottom(cap) && algebra.leq(cap, parent.cap);
      let slot = -1;
      try {
        slot = spaces[parent.space].derive(parent.slot, spaces[target], {
          verb: cap.verb,
          scope: cap.scope,
          notBeforeMs: cap.window.notBeforeMs,
          notAfterMs: cap.window.notAfterMs,
          caveats: cap.caveats,
        });
      } catch (error) {
        if (!(error instanceof CapabilityError)) throw error;
        if (expectAccept)
          throw new Error(`seed ${seed}: derive refused (${error.code}) a request below its parent`);
        continue;
      }
      if (!expectAccept) throw new Error(`seed ${seed}: derive accepted a widening`);
      model.push({ space: target, slot, cap, parent: parentIndex, alive: true });
    } else if (choice === 4) {
      const victim = pick(alive);
      const victimIndex = model.indexOf(victim);
      const isDescendant = (i: number): boolean =>
        i === victimIndex || (model[i].parent >= 0 && isDescendant(model[i].parent));
      let expected = 0;
      for (let i = 0; i < model.length; i++) {
        if (model[i].alive && isDescendant(i)) {
          model[i].alive = false;
          expected++;
        }
      }
      const removed = spaces[victim.space].revoke(victim.slot);
      if (removed !== expected)
        throw new Error(`seed ${seed}: revoke removed ${removed}, model says ${expected}`);
    } else if (choice === 5) {
      clock.advance(int(4));
    } else {
      const space = int(SPACES);
      const verb = pick(VERBS);
      const p = path(3);
      const context = int(2) === 0 ? { bytes: int(6) } : undefined;
      const request = { verb, path: p, atMs: clock.nowMs(), context };
      const expected = model.some((n) => n.alive && n.space === space && algebra.check(n.cap, request));
      const actual = spaces[space].allows(verb, p, context);
      checks++;
      if (actual !== expected)
        throw new Error(
          `seed ${seed}: check ${space} ${verb} ${p} at ${clock.nowMs()} gave ${actual}, model ${expected}`,
        );
    }
    for (let s = 0; s < SPACES; s++) {
      const count = model.filter((n) => n.alive && n.space === s).length;
      if (spaces[s].size !== count)
        throw new Error(`seed ${seed}: space ${s} holds ${spaces[s].size}, model ${count}`);
    }
  }
  return { ops, checks };
}
