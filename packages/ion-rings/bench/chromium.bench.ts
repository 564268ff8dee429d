/**
 * The same throughput and latency figures in headless Chromium: a cross-origin-isolated page
 * (COOP/COEP) served from this process, workers as module workers, the sources transpiled on the
 * fly with TypeScript. Driven by playwright-core against the system's /usr/bin/chromium.
 * `ION_PAGE_QUERY='cases=0,3&kinds=ion,rb'` runs only those rows and contenders (the page's
 * filters), for experiments; `ION_PAGE_QUERY=jit=1` prints instead what each round of filling and
 * draining a ring costs in one fresh worker, before and after the JIT has optimised it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { isSmoke, table } from '@nexus/bench';
import { CHROMIUM_PATH, launchChromium } from '@nexus/matrix/chromium';
import ts from 'typescript';
import { machineNote } from './_machine.js';

const CHROMIUM = CHROMIUM_PATH;
const root = new URL('..', import.meta.url).pathname;

if (!existsSync(CHROMIUM)) {
  table(
    'Chromium figures',
    ['status'],
    [[`skipped: ${CHROMIUM} is not installed (apt-get install chromium)`]],
  );
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

function body(path: string): { type: string; text: string } | null {
  const js = 'text/javascript';
  if (path === '/')
    return { type: 'text/html', text: '<!doctype html><script type="module" src="/page.js"></script>' };
  if (path === '/page.js' || path === '/worker.js')
    return { type: js, text: readFileSync(join(root, 'bench/browser', path), 'utf8') };
  if (path === '/ringbuf.js')
    return { type: js, text: readFileSync(join(root, 'node_modules/ringbuf.js/dist/index.mjs'), 'utf8') };
  if (path.startsWith('/src/') && path.endsWith('.js')) {
    const file = join(root, `${path.slice(1, -3)}.ts`);
    if (!existsSync(file)) return null;
    const out = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: false,
      },
    });
    return { type: js, text: out.outputText };
  }
  return null;
}

const server = createServer((req, res) => {
  const found = body(new URL(req.url ?? '/', 'http://x').pathname);
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };
  if (!found) {
    res.writeHead(404, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': found.type }).end(found.text);
}).listen(0);
const port = (server.address() as { port: number }).port;

const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  page.on('console', (message) => console.log(`  chromium: ${message.text()}`));
  page.on('pageerror', (error) => console.log(`  chromium page error: ${error.message}`));
  await page.goto(
    `http://localhost:${port}/?${isSmoke() ? 'smoke=1&' : ''}${process.env.ION_PAGE_QUERY ?? ''}`,
  );
  const result = (await page.evaluate('window.benchResult', undefined)) as {
    rows: [string, number, number, number, number, number, number, string, number, number][];
    latency: [string, number, number, number][];
    jit?: Record<'ion' | 'rb', { fill: number[]; drain: number[] }>;
    userAgent: string;
    isolated: boolean;
    error?: string;
  };
  if (result.error) throw new Error(result.error);
  const version = result.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? 'unknown';
  if (result.jit) {
    const { ion, rb } = result.jit;
    const ns = (v: number) => v.toFixed(1);
    const shown = [0, 1, 2, 3, 4, 5, 9, 19, ion.fill.length - 1].filter((r) => r < ion.fill.length);
    table(
      `Chromium ${version}: ns per 16 B message in each round of one fresh worker (JIT warm-up)`,
      ['round', 'message ring: publish', 'message ring: drain', 'ringbuf.js: push', 'ringbuf.js: pop'],
      [...new Set(shown)].map((r) => [r, ns(ion.fill[r]), ns(ion.drain[r]), ns(rb.fill[r]), ns(rb.drain[r])]),
      `One thread: each round fills a 1 MiB ring with 16 B messages, 64 per publication (message ring: offerRecords, one record block of 64; ringbuf.js: one 1 KiB push), then drains it (message ring: poll, every frame and block header validated; ringbuf.js: pops of up to 64 KiB). ${machineNote()}`,
    );
    process.exit(0);
  }
  const fmt = (v: number) =>
    v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(1);
  table(
    `Chromium ${version}: one-way throughput, worker -> worker (rings) or main -> worker (ports)`,
    [
      'case',
      'ion-rings message ring',
      'ion-rings byte ring',
      'ringbuf.js 0.4.0',
      'MessageChannel',
      'postMessage',
      'message ring / ringbuf.js',
      'byte ring / ringbuf.js',
      'messages per op; timed ops (message ring/byte ring/ringbuf.js)',
    ],
    result.rows.map(([title, ion, bytes, rb, mc, pm, burst, ops, ionVsRb, bytesVsRb]) => [
      title,
      fmt(ion),
      fmt(bytes),
      fmt(rb),
      fmt(mc),
      fmt(pm),
      `${ionVsRb.toFixed(2)}×`,
      `${bytesVsRb.toFixed(2)}×`,
      `${burst}; ${ops}`,
    ]),
    `crossOriginIsolated: ${result.isolated}. Ring producers run in a worker (they may block for space); port producers on the page's main thread. Ring figures are timed as the Node bench times them: in each of 3 rounds every ring contender gets fresh workers, warms up for 200 ms, then times operations of the given number of messages (each waits until the consumer counted them) for 500 ms; the figure is that count over the median operation of the 3 rounds, and the two ratio columns are paired round by round (the median over the rounds of ringbuf.js's median operation over the ring's in the same round). The contenders take turns in an order that rotates from round to round, with a 1 s pause after each round while the page tears its workers down. Port figures: one run of 200,000 messages (frames: 32 MiB) from the page's main thread. Batched: the message ring copies 64 records from one block into one record block (offerRecords: one frame and block header for the 64, one publication); the byte ring and ringbuf.js write the block unframed. The message ring's reader validates every frame and block header and reads in place (default wait: adaptive spin, then park); the byte ring's and ringbuf.js's readers copy out and busy-poll. ${machineNote()}`,
  );
  table(
    `Chromium ${version}: round trip, 16 B, page main thread <-> worker (µs)`,
    ['implementation', 'p50 µs', 'p90 µs', 'p99 µs'],
    result.latency.map(([name, p50, p90, p99]) => [name, p50, p90, p99]),
    'The page busy-polls for the echo (a main thread may not block). Each sample is the mean of 100 round trips (ports: 10), as performance.now() is coarsened to 5 µs.',
  );
} finally {
  await browser.close();
  server.close();
}
