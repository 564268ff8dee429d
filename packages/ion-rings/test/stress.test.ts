import { describe, expect, it } from 'vitest';
import { createRingBuffer, FrameConsumer } from '../src/index.js';
import { frameLength, patternByte } from './workers/roles.js';
import { spawn } from './workers/spawn.js';

/** Total frames through the MPSC ring in CI; scripts/stress.ts runs 10^8. */
const STRESS_FRAMES = Number(process.env.ION_STRESS_FRAMES ?? 10_000_000);
const PRODUCERS = 4;
/** Per-test time limit: 140 s in CI, scaled up for the slow script's larger runs. */
const LIMIT_MS = Math.max(140_000, (STRESS_FRAMES / 1e7) * 60_000);

describe('across real worker threads', () => {
  it(
    `MPSC: ${PRODUCERS} producers, every frame exactly once, intact, in order per producer`,
    async () => {
      const sab = createRingBuffer({
        kind: 'mpsc',
        capacityBytes: 1 << 16,
        initialPosition: 0x1_0000_0000 - (1 << 20),
      }) as SharedArrayBuffer;
      const consumer = new FrameConsumer(sab);
      const perProducer = Math.ceil(STRESS_FRAMES / PRODUCERS);
      const workers = Array.from({ length: PRODUCERS }, (_, id) =>
        spawn('stressProducer', { sab, id, frames: perProducer }),
      );
      const nextSeq = new Array<number>(PRODUCERS).fill(0);
      let ended = 0;
      let frames = 0;
      let failure: string | null = null;
      const check = (type: number, bytes: Uint8Array, offset: number, length: number) => {
        const id = bytes[offset];
        if (type === 2) {
          if (nextSeq[id] !== perProducer) failure ??= `producer ${id} ended at ${nextSeq[id]}`;
          ended++;
          return;
        }
        const seq =
          (bytes[offset + 4] |
            (bytes[offset + 5] << 8) |
            (bytes[offset + 6] << 16) |
            (bytes[offset + 7] << 24)) >>>
          0;
        if (type !== 1 || id >= PRODUCERS || seq !== nextSeq[id] || length !== frameLength(id, seq)) {
          failure ??= `frame ${frames}: type ${type} producer ${id} seq ${seq} (expected ${nextSeq[id]}) length ${length}`;
          return;
        }
        for (let i = 8; i < length; i++) {
          if (bytes[offset + i] !== patternByte(id, seq, i)) {
            failure ??= `producer ${id} seq ${seq}: byte ${i} corrupted`;
            return;
          }
        }
        nextSeq[id]++;
        frames++;
      };
      while (ended < PRODUCERS && failure === null) {
        if (consumer.poll(check) === 0 && !consumer.waitForData(20_000)) {
          failure = `no frame within 20 s after ${frames} frames`;
        }
      }
      const results = await Promise.all(workers.map((w) => w.result));
      await Promise.all(workers.map((w) => w.worker.terminate()));
      expect(failure).toBeNull();
      expect(frames).toBe(perProducer * PRODUCERS);
      const producerSleeps = results.reduce((sum, r) => sum + Number(r.sleeps), 0);
      console.log(`frames stressed: ${frames}`);
      console.log(`stress sleeps: consumer ${consumer.stats.sleeps}, producers ${producerSleeps}`);
    },
    LIMIT_MS,
  );
});
