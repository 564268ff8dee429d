import { describe, expect, it } from 'vitest';
import { RealClock, WorkerFiber } from '../src/index.js';
import { nodeWorker } from '../src/node/index.js';

describe('worker-backed fibers (worker_threads)', () => {
  it('a fiber that hangs inside a slice is terminated and warm-restarted from its checkpoint', async () => {
    const clock = new RealClock();
    const fiber = new WorkerFiber({
      name: 'hanger',
      clock,
      hangMs: 200,
      spawn: nodeWorker(new URL('./fixtures/boot.mjs', import.meta.url), {
        workerData: { entry: new URL('./fixtures/hang-worker.ts', import.meta.url).href },
      }),
    });
    const events: string[] = [];
    fiber.events.subscribe((e) => events.push(e.type));
    fiber.start();
    const deadline = clock.now() + 20_000;
    while (fiber.state === 'running' && clock.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      fiber.check();
    }
    expect(fiber.state).toBe('done');
    expect(fiber.hangs).toBe(1);
    expect(fiber.restarts).toBe(1);
    expect(events).toContain('hung');
    expect(events).toContain('restart-warm');
    expect(fiber.checkpoints.restore('hanger').blob).toEqual(new Uint8Array([10]));
  });
});
