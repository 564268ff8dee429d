// Worker roles of the Chromium bench (module worker). Control words: [0] received, [1] stop,
// [2] go (producers wait on it), [3] producer elapsed microseconds.

import { RingBuffer } from '/ringbuf.js';
import { ByteReader, ByteWriter, FrameConsumer, FrameProducer } from '/src/index.js';

const roles = {
  ionProduce({ ring, control, messageBytes, count, batched }) {
    const c = new Int32Array(control);
    const producer = new FrameProducer(ring);
    const message = new Uint8Array(messageBytes).fill(7);
    const block = new Uint8Array(messageBytes * 64).fill(7);
    Atomics.wait(c, 2, 0);
    const t0 = performance.now();
    if (batched) {
      // 64 records from one block into 64 frames, one publication (as ringbuf.js pushes the block)
      for (let sent = 0; sent < count; ) {
        const n = Math.min(64, count - sent);
        if (producer.offerRecords(block, messageBytes, n, 1)) sent += n;
        else producer.waitForSpace(n * (messageBytes + 8), 1000);
      }
    } else {
      for (let i = 0; i < count; i++)
        while (!producer.offer(message, 1)) producer.waitForSpace(messageBytes, 1000);
    }
    while (Atomics.load(c, 0) < count) {}
    Atomics.store(c, 3, Math.round((performance.now() - t0) * 1000));
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
  rbProduce({ ring, control, messageBytes, count, batched }) {
    const c = new Int32Array(control);
    const rb = new RingBuffer(ring, Uint8Array);
    const message = new Uint8Array(messageBytes).fill(7);
    const block = new Uint8Array(messageBytes * 64).fill(7);
    Atomics.wait(c, 2, 0);
    const t0 = performance.now();
    if (batched) {
      for (let sent = 0; sent < count; ) {
        const k = Math.min(64, count - sent);
        if (rb.available_write() >= k * messageBytes) {
          rb.push(block, k * messageBytes);
          sent += k;
        }
      }
    } else {
      for (let i = 0; i < count; ) {
        if (rb.available_write() >= messageBytes) {
          rb.push(message, messageBytes);
          i++;
        }
      }
    }
    while (Atomics.load(c, 0) < count) {}
    Atomics.store(c, 3, Math.round((performance.now() - t0) * 1000));
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
  byteProduce({ ring, control, messageBytes, count, batched }) {
    const c = new Int32Array(control);
    const writer = new ByteWriter(ring);
    const message = new Uint8Array(messageBytes).fill(7);
    const block = new Uint8Array(messageBytes * 64).fill(7);
    Atomics.wait(c, 2, 0);
    const t0 = performance.now();
    if (batched) {
      for (let sent = 0; sent < count; ) {
        const k = Math.min(64, count - sent);
        if (writer.availableWrite >= k * messageBytes) {
          writer.write(k === 64 ? block : block.subarray(0, k * messageBytes));
          sent += k;
        }
      }
    } else {
      for (let i = 0; i < count; ) {
        if (writer.availableWrite >= messageBytes) {
          writer.write(message);
          i++;
        }
      }
    }
    while (Atomics.load(c, 0) < count) {}
    Atomics.store(c, 3, Math.round((performance.now() - t0) * 1000));
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
  if (result !== 'async') self.postMessage('done');
};
