// The Chromium bench page: each case runs in workers (rings) or from the main thread (ports) and
// reports rates; the Node side (bench/chromium.bench.ts) prints them. The page is served with
// COOP/COEP so SharedArrayBuffer exists.

import { RingBuffer } from '/ringbuf.js';
import { createRingBuffer, FrameConsumer, FrameProducer } from '/src/index.js';

/** Worker roles and ring format of each ring contender. */
const RINGS = {
  ion: { produce: 'ionProduce', consume: 'ionConsume' },
  bytes: { produce: 'byteProduce', consume: 'byteConsume' },
  rb: { produce: 'rbProduce', consume: 'rbConsume' },
};
/** Rounds per ring case: each contender's operations are pooled over them. */
const RUNS = 3;
/** Warm-up per contender and round, and timed operations after it (as tinybench in Node). */
const WARMUP_MS = 200;
const TIME_MS = 500;
const MIN_OPS = 5;
/**
 * Pause after each ring run while the page tears the two terminated workers down. Without it,
 * 256 B unbatched runs that followed other runs at once all fell to about 4 M msgs/s, whichever
 * ring ran (message ring and ringbuf.js alike); with 1.5 s pauses the same sequence measured
 * 13-16 M (message ring) and 5.5-6 M (ringbuf.js), as in a fresh page.
 */
const SETTLE_MS = new URLSearchParams(location.search).get('smoke') === '1' ? 0 : 1000;

const params = new URLSearchParams(location.search);
const smoke = params.get('smoke') === '1';
/** Optional filters for experiments: `cases=0,3` (indices into run()'s cases), `kinds=ion,rb,ports`. */
const only = params.get('cases');
const kinds = params.get('kinds');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Round trips per latency sample (ring, port): the page's clock has 5 µs resolution. */
const BATCH = 100;
const PORT_BATCH = 10;

/** Starts a worker on `job`; resolves once the worker runs it (so the page never spins first). */
async function spawn(job, transfer = []) {
  const worker = new Worker('/worker.js', { type: 'module' });
  const started = new Promise((resolve) => {
    worker.onmessage = (event) => {
      if (event.data === 'started') resolve();
    };
  });
  worker.postMessage(job, transfer);
  await started;
  worker.onmessage = null;
  return worker;
}

/** Ring capacity for a message size: 1 MiB, or room for 128 frames of the large sizes (as in Node). */
function ringBytes(messageBytes) {
  return Math.max(1 << 20, 2 ** Math.ceil(Math.log2((messageBytes + 8) * 128)));
}

/**
 * Operations of each ring contender, timed as the Node bench times them: in each of RUNS rounds
 * every contender gets fresh workers, warms up for WARMUP_MS, then times operations of `burst`
 * messages for TIME_MS (RUNS * TIME_MS = the Node bench's 1.5 s per contender). The rate is
 * `burst` over the median operation of all rounds. The contenders take turns within a round, and
 * the order rotates from round to round, so none is always the first to run after page load or
 * after another case. `vsRb` is each contender's speed over ringbuf.js's, paired round by round
 * (the median over rounds of ringbuf.js's median operation over this contender's, as the Node
 * bench's ratio is paired turn by turn: tools/bench/src/turns.ts).
 */
async function ringRates(kinds, messageBytes, batched, burst) {
  const samples = Object.fromEntries(kinds.map((k) => [k, []]));
  const roundMedians = Object.fromEntries(kinds.map((k) => [k, []]));
  const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
  for (let round = 0; round < (smoke ? 1 : RUNS); round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(round + i) % kinds.length];
      const mine = await ringSamples(kind, messageBytes, batched, burst);
      samples[kind].push(...mine);
      roundMedians[kind].push(median(mine));
      await sleep(SETTLE_MS);
    }
  }
  const vsRb = (k) =>
    roundMedians.rb.length === 0 ? Number.NaN : median(roundMedians[k].map((t, r) => roundMedians.rb[r] / t));
  return Object.fromEntries(
    kinds.map((k) => [
      k,
      { rate: burst / (median(samples[k]) / 1000), ops: samples[k].length, vsRb: vsRb(k) },
    ]),
  );
}

/** One round of one ring contender: fresh consumer and producer workers, warm-up, timed operations. */
async function ringSamples(kind, messageBytes, batched, burst) {
  const control = new SharedArrayBuffer(16);
  const c = new Int32Array(control);
  const capacity = ringBytes(messageBytes);
  const ring =
    kind === 'rb'
      ? RingBuffer.getStorageForCapacity(capacity, Uint8Array)
      : createRingBuffer({ kind: kind === 'ion' ? 'spsc' : 'bytes', capacityBytes: capacity });
  const consumer = await spawn({
    role: RINGS[kind].consume,
    ring,
    control,
    messageBytes,
  });
  const producer = await spawn({
    role: RINGS[kind].produce,
    ring,
    control,
    messageBytes,
    burst,
    batched,
    timing: smoke
      ? { warmupMs: 0, timeMs: 0, minOps: 1 }
      : { warmupMs: WARMUP_MS, timeMs: TIME_MS, minOps: MIN_OPS },
  });
  const done = new Promise((resolve) => {
    producer.onmessage = (event) => resolve(event.data.samples);
  });
  await sleep(200);
  Atomics.store(c, 2, 1);
  Atomics.notify(c, 2);
  const samples = await done;
  Atomics.store(c, 1, 1);
  await sleep(20);
  consumer.terminate();
  producer.terminate();
  return samples;
}

async function portRate(channel, messageBytes, count) {
  const control = new SharedArrayBuffer(16);
  const c = new Int32Array(control);
  let worker;
  let send;
  if (channel) {
    const { port1, port2 } = new MessageChannel();
    worker = await spawn({ role: 'portSink', port: port2, control }, [port2]);
    send = (m) => port1.postMessage(m);
  } else {
    worker = await spawn({ role: 'portSink', control });
    send = (m) => worker.postMessage(m);
  }
  await sleep(200);
  const message = new Uint8Array(messageBytes).fill(7);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    send(message);
    if ((i & 4095) === 4095) while (Atomics.load(c, 0) < i - 65536) await sleep(0);
  }
  while (Atomics.load(c, 0) < count) await sleep(0);
  const seconds = (performance.now() - t0) / 1000;
  worker.terminate();
  return count / seconds;
}

function percentiles(samples) {
  const s = Float64Array.from(samples).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))] * 1000;
  return [at(0.5), at(0.9), at(0.99)];
}

async function ionRtt(rounds, spin) {
  const ping = createRingBuffer({ kind: 'spsc', capacityBytes: 4096 });
  const pong = createRingBuffer({ kind: 'spsc', capacityBytes: 4096 });
  const control = new SharedArrayBuffer(16);
  const worker = await spawn({ role: 'ionEcho', ping, pong, control, spin });
  await sleep(200);
  const producer = new FrameProducer(ping);
  const consumer = new FrameConsumer(pong);
  const message = new Uint8Array(16);
  const samples = [];
  let got = 0;
  const onPong = () => {
    got++;
  };
  // The page's main thread may not block: it busy-polls for the echo.
  // performance.now() is coarsened to 5 µs in isolated pages: each sample is the mean of a batch.
  for (let i = 0; i < rounds; i += BATCH) {
    const t0 = performance.now();
    for (let j = i; j < i + BATCH; j++) {
      producer.offer(message, 1);
      while (got === j) consumer.poll(onPong);
    }
    samples.push((performance.now() - t0) / BATCH);
  }
  Atomics.store(new Int32Array(control), 1, 1);
  worker.terminate();
  return percentiles(samples);
}

async function rbRtt(rounds) {
  const ping = RingBuffer.getStorageForCapacity(4096, Uint8Array);
  const pong = RingBuffer.getStorageForCapacity(4096, Uint8Array);
  const control = new SharedArrayBuffer(16);
  const worker = await spawn({ role: 'rbEcho', ping, pong, control, messageBytes: 16 });
  await sleep(200);
  const out = new RingBuffer(ping, Uint8Array);
  const back = new RingBuffer(pong, Uint8Array);
  const message = new Uint8Array(16);
  const samples = [];
  for (let i = 0; i < rounds; i += BATCH) {
    const t0 = performance.now();
    for (let j = 0; j < BATCH; j++) {
      out.push(message, 16);
      while (back.available_read() < 16) {}
      back.pop(message, 16);
    }
    samples.push((performance.now() - t0) / BATCH);
  }
  Atomics.store(new Int32Array(control), 1, 1);
  worker.terminate();
  return percentiles(samples);
}

async function portRtt(channel, rounds) {
  let worker;
  let target;
  if (channel) {
    const { port1, port2 } = new MessageChannel();
    worker = await spawn({ role: 'portEcho', port: port2 }, [port2]);
    target = port1;
  } else {
    worker = await spawn({ role: 'portEcho' });
    target = worker;
  }
  await sleep(200);
  const message = new Uint8Array(16);
  const samples = [];
  for (let i = 0; i < rounds; i += PORT_BATCH) {
    const t0 = performance.now();
    for (let j = 0; j < PORT_BATCH; j++) {
      await new Promise((resolve) => {
        target.onmessage = resolve;
        target.postMessage(message);
      });
    }
    samples.push((performance.now() - t0) / PORT_BATCH);
  }
  worker.terminate();
  return percentiles(samples);
}

/** `?jit=1`: per-round costs in one fresh worker (worker.js, `jitRounds`). */
async function jitRounds() {
  const worker = await spawn({ role: 'jitRounds', rounds: smoke ? 2 : 40 });
  const result = await new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data.jit);
  });
  worker.terminate();
  return result;
}

async function run() {
  if (params.get('jit') === '1') {
    return {
      rows: [],
      latency: [],
      jit: await jitRounds(),
      userAgent: navigator.userAgent,
      isolated: crossOriginIsolated,
    };
  }
  const rows = [];
  const cases = [
    ['16 B messages, batched (msgs/s)', 16, true, false],
    ['16 B messages, unbatched (msgs/s)', 16, false, false],
    ['256 B messages, batched (msgs/s)', 256, true, false],
    ['256 B messages, unbatched (msgs/s)', 256, false, false],
    ['4 KiB frames (MB/s)', 4096, false, true],
    ['64 KiB frames (MB/s)', 65536, false, true],
  ];
  for (const [ci, [title, bytes, batched, mbps]] of cases.entries()) {
    if (only && !only.split(',').includes(String(ci))) continue;
    const want = (k) => !kinds || kinds.split(',').includes(k);
    console.log(`case: ${title}`);
    // Messages per operation: as in bench/throughput.bench.ts.
    const burst = smoke ? 200 : mbps ? Math.max(64, (64 << 20) / bytes / 8) : 200_000;
    const portCount = smoke ? 100 : mbps ? Math.max(64, (32 << 20) / bytes) : 200_000;
    const unit = mbps ? bytes / 1e6 : 1;
    const rings = await ringRates(['ion', 'bytes', 'rb'].filter(want), bytes, batched, burst);
    const ops = ['ion', 'bytes', 'rb'].map((k) => rings[k]?.ops ?? 0).join('/');
    rows.push([
      title,
      (rings.ion?.rate ?? Number.NaN) * unit,
      (rings.bytes?.rate ?? Number.NaN) * unit,
      (rings.rb?.rate ?? Number.NaN) * unit,
      want('ports') ? (await portRate(true, bytes, portCount)) * unit : Number.NaN,
      want('ports') ? (await portRate(false, bytes, portCount)) * unit : Number.NaN,
      burst,
      ops,
      rings.ion?.vsRb ?? Number.NaN,
      rings.bytes?.vsRb ?? Number.NaN,
    ]);
  }
  if (only) return { rows, latency: [], userAgent: navigator.userAgent, isolated: crossOriginIsolated };
  console.log('case: round trips');
  const rounds = smoke ? 100 : 100_000;
  const portRounds = smoke ? 50 : 10_000;
  const latency = [
    ['ion-rings, echo busy-polls (spinCount 10^6)', ...(await ionRtt(rounds, 1_000_000))],
    [
      'ion-rings, echo waits by default (adaptive spin up to 100 µs, then sleep)',
      ...(await ionRtt(rounds, undefined)),
    ],
    ['ion-rings, echo sleeps at once (Atomics.wait)', ...(await ionRtt(rounds, 0))],
    ['ringbuf.js 0.4.0 (busy poll)', ...(await rbRtt(rounds))],
    ['MessageChannel', ...(await portRtt(true, portRounds))],
    ['postMessage (worker)', ...(await portRtt(false, portRounds))],
  ];
  return { rows, latency, userAgent: navigator.userAgent, isolated: crossOriginIsolated };
}

window.benchResult = run().catch((e) => ({ error: String(e?.stack ?? e) }));
