// Headless Chromium leg of the matrix: serves the bundles on loopback with COOP/COEP headers
// (so the page is cross-origin isolated and SharedArrayBuffer exists) and runs the driver.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves `dir` on 127.0.0.1 with cross-origin isolation headers. */
export function serveIsolated(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags Chromium needs on a closed, sandbox-less machine. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Starts headless Debian Chromium with the flags above and a fresh profile directory, through
 * playwright-core. `close()` ends the browser and removes the profile.
 */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'nexus-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const close = async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    };
    return { context, close };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

export async function runChromium(dir) {
  const server = await serveIsolated(dir);
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    if (!isolated) return { error: 'page is not cross-origin isolated' };
    const results = await page.evaluate(() => globalThis.__matrix, undefined, { timeout: 170_000 });
    if (!Array.isArray(results)) return { error: `no results; page errors: ${errors.join('; ')}` };
    return { results };
  } catch (e) {
    return { error: String(e?.stack ?? e) };
  } finally {
    await browser?.close();
    server.close();
  }
}
