/**
 * Producer worker of the runtime matrix: writes `frames` frames `[id u32][seq u32][pattern]`
 * into an MPSC ring, then an end frame (type 2). Runs as a web Worker (Deno, Bun, Chromium) or a
 * node:worker_threads Worker (Node), whichever the host started.
 */
import { FrameProducer } from '@nexus/ion-rings';

interface Job {
  sab: SharedArrayBuffer;
  id: number;
  frames: number;
}

function produce(job: Job): void {
  const producer = new FrameProducer(job.sab);
  for (let seq = 0; seq < job.frames; seq++) {
    const length = 8 + ((seq * 7 + job.id) & 31);
    let claim = producer.tryClaim(length, 1);
    while (claim === null) {
      producer.waitForSpace(length, 5000, 200);
      claim = producer.tryClaim(length, 1);
    }
    const b = claim.bytes;
    const o = claim.offset;
    b[o] = job.id;
    b[o + 1] = 0;
    b[o + 2] = 0;
    b[o + 3] = 0;
    b[o + 4] = seq & 0xff;
    b[o + 5] = (seq >>> 8) & 0xff;
    b[o + 6] = (seq >>> 16) & 0xff;
    b[o + 7] = seq >>> 24;
    for (let i = 8; i < length; i++) b[o + i] = (seq + i) & 0xff;
    claim.commit();
  }
  producer.put(new Uint8Array([job.id, 0, 0, 0]), 2, 5000);
}

const web = globalThis as unknown as {
  WorkerGlobalScope?: unknown;
  onmessage: ((event: { data: Job }) => void) | null;
  postMessage(message: unknown): void;
};
if (typeof web.WorkerGlobalScope !== 'undefined') {
  web.onmessage = (event) => {
    try {
      produce(event.data);
      web.postMessage('done');
    } catch (error) {
      web.postMessage(`error: ${String(error)}`);
    }
  };
} else {
  const { parentPort } = await import('node:worker_threads');
  parentPort!.on('message', (job: Job) => {
    try {
      produce(job);
      parentPort!.postMessage('done');
    } catch (error) {
      parentPort!.postMessage(`error: ${String(error)}`);
    }
  });
}
