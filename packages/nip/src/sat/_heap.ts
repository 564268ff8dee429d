/**
 * Binary max-heap of variable indices keyed by an external activity array (MiniSat's order heap).
 * Positions are kept in an Int32Array so `contains`, `increase` and `remove` are O(1)/O(log n)
 * with no allocation.
 */
export class VarHeap {
  heap: Int32Array;
  size = 0;
  /** Position of each variable in `heap`, or -1 when absent. */
  index: Int32Array;
  activity: Float64Array;

  constructor(capacity: number, activity: Float64Array) {
    this.heap = new Int32Array(Math.max(16, capacity));
    this.index = new Int32Array(Math.max(16, capacity)).fill(-1);
    this.activity = activity;
  }

  grow(capacity: number, activity: Float64Array): void {
    this.activity = activity;
    if (capacity <= this.index.length) return;
    const heap = new Int32Array(capacity);
    heap.set(this.heap);
    this.heap = heap;
    const index = new Int32Array(capacity).fill(-1);
    index.set(this.index);
    this.index = index;
  }

  contains(v: number): boolean {
    return this.index[v] >= 0;
  }

  insert(v: number): void {
    if (this.index[v] >= 0) return;
    const i = this.size++;
    this.heap[i] = v;
    this.index[v] = i;
    this.up(i);
  }

  /** Restores heap order after `activity[v]` grew. */
  increase(v: number): void {
    const i = this.index[v];
    if (i >= 0) this.up(i);
  }

  removeMax(): number {
    const heap = this.heap;
    const top = heap[0];
    const last = heap[--this.size];
    this.index[top] = -1;
    if (this.size > 0) {
      heap[0] = last;
      this.index[last] = 0;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const heap = this.heap;
    const act = this.activity;
    const v = heap[i];
    const a = act[v];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (act[p] >= a) break;
      heap[i] = p;
      this.index[p] = i;
      i = parent;
    }
    heap[i] = v;
    this.index[v] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const act = this.activity;
    const size = this.size;
    const v = heap[i];
    const a = act[v];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && act[heap[child + 1]] > act[heap[child]]) child++;
      const c = heap[child];
      if (act[c] <= a) break;
      heap[i] = c;
      this.index[c] = i;
      i = child;
    }
    heap[i] = v;
    this.index[v] = i;
  }
}
