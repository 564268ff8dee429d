/**
 * The two workers of the tour: `producer` writes frames into a ring, `consumer` reads and checks
 * them; `post-producer`/`post-consumer` do the same over a MessageChannel for comparison.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { FrameConsumer, FrameProducer } from '../src/index.js';

interface Job {
  role: 'producer' | 'consumer' | 'post-producer' | 'post-consumer';
  ring?: SharedArrayBuffer;
  /** Start line: every worker waits on word 0 until the tour sets it, so both start together. */
  go: SharedArrayBuffer;
  port?: MessagePort;
  frames: number;
  payloadBytes: number;
}

const job = workerData as Job;
parentPort!.postMessage('ready');
Atomics.wait(new Int32Array(job.go), 0, 0);

function checksum(bytes: Uint8Array, offset: number, length: number): number {
  return bytes[offset] ^ bytes[offset + length - 1];
}

if (job.role === 'producer') {
  const producer = new FrameProducer(job.ring!);
  const payload = new Uint8Array(job.payloadBytes);
  const batch = new Array<Uint8Array>(64).fill(payload);
  let sent = 0;
  const t0 = performance.now();
  while (sent < job.frames) {
    payload[0] = sent & 0xff;
    payload[payload.length - 1] = sent & 0xff;
    const n = producer.offerBatch(batch, 1, 0, Math.min(64, job.frames - sent));
    if (n === 0) producer.waitForSpace(job.payloadBytes, 5000, 1000);
    sent += n;
  }
  producer.close();
  parentPort!.postMessage({ sent, ms: performance.now() - t0, sleeps: producer.stats.sleeps });
} else if (job.role === 'consumer') {
  const consumer = new FrameConsumer(job.ring!);
  let received = 0;
  let bad = 0;
  const onFrame = (_type: number, bytes: Uint8Array, offset: number, length: number) => {
    if (checksum(bytes, offset, length) !== 0 || length !== job.payloadBytes) bad++;
    received++;
  };
  const t0 = performance.now();
  while (received < job.frames) {
    if (consumer.poll(onFrame) === 0 && !consumer.waitForData(5000, 1000)) break;
  }
  parentPort!.postMessage({ received, bad, ms: performance.now() - t0, sleeps: consumer.stats.sleeps });
} else if (job.role === 'post-producer') {
  const payload = new Uint8Array(job.payloadBytes);
  const port = job.port!;
  let acked = 0;
  port.on('message', (n: number) => {
    acked = n;
  });
  const t0 = performance.now();
  const send = (from: number) => {
    // Keep at most 64K messages in flight, as the ring's capacity bounds the other path.
    let i = from;
    for (; i < job.frames && i - acked < 65_536; i++) port.postMessage(payload);
    if (i < job.frames) setImmediate(() => send(i));
    else parentPort!.postMessage({ sent: i, ms: performance.now() - t0 });
  };
  send(0);
} else {
  const port = job.port!;
  let received = 0;
  const t0 = performance.now();
  port.on('message', (m: Uint8Array) => {
    received++;
    if ((received & 4095) === 0) port.postMessage(received);
    if (received === job.frames) {
      parentPort!.postMessage({
        received,
        bad: m.length === job.payloadBytes ? 0 : 1,
        ms: performance.now() - t0,
      });
      port.close();
    }
  });
}
