// Worker roles of the Chromium bench (module worker). Control words: [0] received, [1] stop,
// [2] go (producers wait on it). A producer posts back `{ samples }`: the durations (ms) of its
// timed operations.

import { RingBuffer } from '/ringbuf.js';
import { ByteReader, ByteWriter, createRingBuffer, FrameConsumer, FrameProducer } from '/src/index.js';

/**
 * Runs operations the way the Node bench's harness does (tinybench in bench/throughput.bench.ts):
 * warm-up operations for `warmupMs` (at least 2), then timed ones for `timeMs` (at least
 * `minOps`). One operation sends `burst` messages through `send` and waits until the consumer has
 * counted them all. Returns the timed operations' durations in ms.
 *
 * Why (measured in a Chromium 156 worker, one thread, 16 B messages through a 1 MiB ring, ns per
 * message, rounds of 43,648 messages): a fresh worker's message ring drains at 37, 40, 31, 31,
 * 30 ns per message in its first five rounds and 3.6 ns once optimised (publishing: 141, 8.5,
 * 8.8, 8.7, 6.4, then 3.3 ns); ringbuf.js's copy of whole blocks warms in one round. The earlier
 * single cold 2 M-message run per ring charged the message ring's JIT warm-up to its rate (and
 * one long window to every descheduling), while Node's figures were medians of warm 200,000-
 * message operations.
 */
function timedOps(c, burst, send, { warmupMs, timeMs, minOps }) {
  let target = 0;
  const op = () => {
    target += burst;
    send();
    while (Atomics.load(c, 0) < target) {}
  };
  const warmEnd = performance.now() + warmupMs;
  for (let i = 0; i < 2 || performance.now() < warmEnd; i++) op();
  const samples = [];
  const end = performance.now() + timeMs;
  while (samples.length < minOps || performance.now() < end) {
    const t0 = performance.now();
    op();
    samples.push(performance.now() - t0);
  }
  return samples;
}

const roles = {
  /**
   * JIT warm-up in one fresh worker (`?jit=1`): rounds of filling a 1 MiB ring with 16 B
   * messages (64 per publication) and draining it, message ring and ringbuf.js, ns per message
   * in each round. Shows what a cold timed run charges each ring before the JIT has optimised it.
   */
  jitRounds({ rounds }) {
    const block = new Uint8Array(16 * 64).fill(7);
    const ion = { fill: [], drain: [] };
    const rb = { fill: [], drain: [] };
    const sab = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 20 });
    const producer = new FrameProducer(sab);
    const consumer = new FrameConsumer(sab);
    let sum = 0;
    const touch = (_t, b, o) => {
      sum += b[o];
    };
    for (let r = 0; r < rounds; r++) {
      let n = 0;
      const t0 = performance.now();
      while (producer.offerRecords(block, 16, 64, 1)) n += 64;
      const t1 = performance.now();
      for (let d = 0; d < n; ) d += consumer.poll(touch);
      const t2 = performance.now();
      ion.fill.push(((t1 - t0) * 1e6) / n);
      ion.drain.push(((t2 - t1) * 1e6) / n);
    }
    const ring = new RingBuffer(RingBuffer.getStorageForCapacity(1 << 20, Uint8Array), Uint8Array);
    const out = new Uint8Array(65536);
    for (let r = 0; r < rounds; r++) {
      let n = 0;
      const t0 = performance.now();
      while (ring.available_write() >= 1024) {
        ring.push(block, 1024);
        n += 64;
      }
      const t1 = performance.now();
      for (let d = 0; d < n * 16; ) d += ring.pop(out, 65536);
      const t2 = performance.now();
      rb.fill.push(((t1 - t0) * 1e6) / n);
      rb.drain.push(((t2 - t1) * 1e6) / n);
    }
    return { samples: [], jit: { ion, rb, sum } };
  },
  ionProduce({ ring, control, messageBytes, burst, batched, timing }) {
    const c = new Int32Array(control);
    const producer = new FrameProducer(ring);
    const message = new Uint8Array(messageBytes).fill(7);
    const block = new Uint8Array(messageBytes * 64).fill(7);
    const send = batched
      ? () => {
          // 64 records from one block into 64 frames, one publication (as ringbuf.js pushes the block)
          for (let sent = 0; sent < burst; ) {
            const n = Math.min(64, burst - sent);
            if (producer.offerRecords(block, messageBytes, n, 1)) sent += n;
            else producer.waitForSpace(n * (messageBytes + 8), 1000);
          }
        }
      : () => {
          for (let i = 0; i < burst; i++)
            while (!producer.offer(message, 1)) producer.waitForSpace(messageBytes, 1000);
        };
    Atomics.wait(c, 2, 0);
    return { samples: timedOps(c, burst, send, timing) };
  },
  ionConsume({ ring, control }) {
    const c = new Int32Array(control);
    const consumer = new FrameConsumer(ring);
    let sum = 0;
    let unpublished = 0;
    const touch = (_t, b, o) => {
      sum += b[o];
    };
    while (Atomics.load(c, 1) === 0) {
      const n = consumer.poll(touch);
      if (n > 0) {
        unpublished += n;
        if (unpublished < 4096) continue;
      }
      if (unpublished > 0) {
        Atomics.add(c, 0, unpublished);
        unpublished = 0;
        continue;
      }
      consumer.waitForData(20);
    }
    return sum;
  },
  rbProduce({ ring, control, messageBytes, burst, batched, timing }) {
    const c = new Int32Array(control);
    const rb = new RingBuffer(ring, Uint8Array);
    const message = new Uint8Array(messageBytes).fill(7);
    const block = new Uint8Array(messageBytes * 64).fill(7);
    const send = batched
      ? () => {
          for (let sent = 0; sent < burst; ) {
            const k = Math.min(64, burst - sent);
            if (rb.available_write() >= k * messageBytes) {
              rb.push(block, k * messageBytes);
              sent += k;
            }
          }
        }
      : () => {
          for (let i = 0; i < burst; ) {
            if (rb.available_write() >= messageBytes) {
              rb.push(message, messageBytes);
              i++;
            }
          }
        };
    Atomics.wait(c, 2, 0);
    return { samples: timedOps(c, burst, send, timing) };
  },
  rbConsume({ ring, control, messageBytes }) {
    const c = new Int32Array(control);
    const rb = new RingBuffer(ring, Uint8Array);
    const scratch = new Uint8Array(Math.max(messageBytes, 65536));
    const batch = Math.floor(scratch.length / messageBytes) * messageBytes;
    let pending = 0;
    while (Atomics.load(c, 1) === 0) {
      const n = rb.pop(scratch, batch);
      if (n > 0) {
        pending += n;
        const m = Math.floor(pending / messageBytes);
        pending -= m * messageBytes;
        if (m > 0) Atomics.add(c, 0, m);
      }
    }
  },
  byteProduce({ ring, control, messageBytes, burst, batched, timing }) {
    const c = new Int32Array(control);
    const writer = new ByteWriter(ring);
    const message = new Uint8Array(messageBytes).fill(7);
    const block = new Uint8Array(messageBytes * 64).fill(7);
    const send = batched
      ? () => {
          for (let sent = 0; sent < burst; ) {
            const k = Math.min(64, burst - sent);
            if (writer.availableWrite >= k * messageBytes) {
              writer.write(k === 64 ? block : block.subarray(0, k * messageBytes));
              sent += k;
            }
          }
        }
      : () => {
          for (let i = 0; i < burst; ) {
            if (writer.availableWrite >= messageBytes) {
              writer.write(message);
              i++;
            }
          }
        };
    Atomics.wait(c, 2, 0);
    return { samples: timedOps(c, burst, send, timing) };
  },
  byteConsume({ ring, control, messageBytes }) {
    const c = new Int32Array(control);
    const reader = new ByteReader(ring);
    const scratch = new Uint8Array(Math.max(messageBytes, 65536));
    const into = scratch.subarray(0, Math.floor(scratch.length / messageBytes) * messageBytes);
    let pending = 0;
    while (Atomics.load(c, 1) === 0) {
      const n = reader.read(into);
      if (n > 0) {
        pending += n;
        const m = Math.floor(pending / messageBytes);
        pending -= m * messageBytes;
        if (m > 0) Atomics.add(c, 0, m);
      }
    }
  },
  portSink({ port, control }) {
    const c = new Int32Array(control);
    (port ?? self).onmessage = () => {
      Atomics.add(c, 0, 1);
    };
    return 'async';
  },
  ionEcho({ ping, pong, control, spin }) {
    const c = new Int32Array(control);
    const input = new FrameConsumer(ping);
    const output = new FrameProducer(pong);
    const echo = (type, b, o, length) => {
      const claim = output.tryClaim(length, type);
      claim.bytes.set(b.subarray(o, o + length), claim.offset);
      claim.commit();
    };
    while (Atomics.load(c, 1) === 0) if (input.poll(echo) === 0) input.waitForData(20, spin);
  },
  rbEcho({ ping, pong, control, messageBytes }) {
    const c = new Int32Array(control);
    const input = new RingBuffer(ping, Uint8Array);
    const output = new RingBuffer(pong, Uint8Array);
    const scratch = new Uint8Array(messageBytes);
    while (Atomics.load(c, 1) === 0) {
      if (input.available_read() >= messageBytes) {
        input.pop(scratch, messageBytes);
        output.push(scratch, messageBytes);
      }
    }
  },
  portEcho({ port }) {
    const target = port ?? self;
    target.onmessage = (event) => target.postMessage(event.data);
    return 'async';
  },
};

self.onmessage = (event) => {
  self.onmessage = null;
  self.postMessage('started');
  const result = roles[event.data.role](event.data);
  if (result !== 'async') self.postMessage(result?.samples ? result : 'done');
};
