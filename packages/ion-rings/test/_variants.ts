/** Ring kinds and memories every frame-ring suite runs over, and the counter start near 2^32. */
import type { RingKind } from '../src/index.js';

/** Counters start this close below 2^32 so every run crosses the 32-bit wrap. */
export const NEAR_WRAP = 0x1_0000_0000 - 4096;

/** SPSC and MPSC, over a SharedArrayBuffer and over a plain ArrayBuffer. */
export const RING_VARIANTS: readonly { kind: RingKind; shared: boolean }[] = [
  { kind: 'spsc', shared: true },
  { kind: 'mpsc', shared: true },
  { kind: 'spsc', shared: false },
  { kind: 'mpsc', shared: false },
];
