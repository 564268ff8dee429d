/**
 * The order in which the preferences visit package names (SOLVER.md, "Preferences"): the
 * cone's name graph (an edge from `a` to `b` when some candidate of `a` depends on a candidate
 * of `b`) in topological order, dependents before their dependencies, ties broken by discovery
 * order (nearest the request first); a cycle is entered at its earliest-discovered name.
 *
 * Visiting dependents first makes the preference "the newest `app`, then the newest of what
 * `app` needs" literal: when a name's newest possible version is settled, every name that can
 * depend on it already is, and a search that decides names in this order with the newest
 * version last to be ruled out finds most of the optimum without conflicts.
 * @module
 */
import type { Encoding } from './encode.js';
import type { Universe } from './universe.js';

/** Names of the cone in preference order (module comment), each with its candidate ids. */
export function nameOrder(universe: Universe, e: Encoding): Map<string, number[]> {
  const discovered = new Map<string, number[]>();
  for (const id of e.cone) {
    const name = universe.packages[id].name;
    const list = discovered.get(name);
    if (list) list.push(id);
    else discovered.set(name, [id]);
  }
  const names = [...discovered.keys()];
  const index = new Map<string, number>();
  for (let i = 0; i < names.length; i++) index.set(names[i], i);
  const n = names.length;
  // Edges as adjacency lists over discovery indices, deduplicated per source name.
  const out: number[][] = names.map(() => []);
  const indegree = new Int32Array(n);
  const mark = new Int32Array(n).fill(-1);
  for (let a = 0; a < n; a++) {
    for (const id of discovered.get(names[a])!) {
      for (const dep of universe.packages[id].depends ?? []) {
        for (const alt of dep.anyOf) {
          for (const target of universe.matching(alt)) {
            if (e.varOf[target] === 0) continue;
            const b = index.get(universe.packages[target].name)!;
            if (b === a || mark[b] === a) continue;
            mark[b] = a;
            out[a].push(b);
            indegree[b]++;
          }
        }
      }
    }
  }
  // Kahn's algorithm taking the earliest-discovered ready name; on a cycle (nothing ready),
  // the earliest-discovered name not yet placed.
  const heap = new MinHeap(n);
  for (let b = 0; b < n; b++) if (indegree[b] === 0) heap.push(b);
  const placed = new Uint8Array(n);
  const order = new Map<string, number[]>();
  let scan = 0;
  while (order.size < n) {
    let a = heap.pop();
    while (a >= 0 && placed[a]) a = heap.pop();
    if (a < 0) {
      while (placed[scan]) scan++;
      a = scan;
    }
    placed[a] = 1;
    order.set(names[a], discovered.get(names[a])!);
    for (const b of out[a]) if (--indegree[b] === 0 && !placed[b]) heap.push(b);
  }
  return order;
}

/** A binary min-heap of small non-negative integers. */
class MinHeap {
  private readonly items: Int32Array;
  private size = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(Math.max(1, capacity));
  }
  push(x: number): void {
    const h = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent] <= x) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = x;
  }
  /** The smallest item, or -1 when empty. */
  pop(): number {
    if (this.size === 0) return -1;
    const h = this.items;
    const top = h[0];
    const x = h[--this.size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && h[c + 1] < h[c]) c++;
      if (h[c] >= x) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = x;
    return top;
  }
}
