import {
  EccResult,
  EmulatedFlash,
  eccBytes,
  eccCorrect,
  eccEncode,
  GEOMETRIES,
  ImageFlash,
  MemoryFlash,
  Nexfs,
  OnDieEccStatus,
  PowerCutError,
} from '@nexus/nexfs';
import type { SmokeSuite } from '../../../../tools/matrix/smoke.ts';
import { contentSmoke } from './content.js';
import { timewarpSmoke } from './timewarp.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(`nexfs smoke: ${what}`);
}

const flashSmoke: SmokeSuite = {
  'host ECC corrects a flipped bit in every sector; an on-die part corrects its bound (spi-nand-ecc)':
    async () => {
      const page = new Uint8Array(2048).map((_, i) => (i * 131) & 0xff);
      const code = new Uint8Array(eccBytes(2048));
      eccEncode(page, code, 0); // the WebAssembly kernel where it loads
      const hit = page.slice();
      for (let s = 0; s < 4; s++) hit[s * 512 + 77] ^= 1 << s;
      expect(eccCorrect(hit, code, 0) === EccResult.Corrected, 'host ECC corrects one flip per sector');
      expect(
        hit.every((b, i) => b === page[i]),
        'host ECC restores the page',
      );
      const part = new MemoryFlash(GEOMETRIES['spi-nand-ecc']);
      part.program(1, 0, page);
      for (let k = 0; k < 8; k++) part.flipStoredBit(1, 0, k * 300);
      const back = new Uint8Array(2048);
      expect(part.read(1, 0, back) === OnDieEccStatus.Corrected, 'on-die ECC corrects 8 flips');
      expect(
        back.every((b, i) => b === page[i]),
        'on-die ECC restores the page',
      );
      const fs = await Nexfs.format(part);
      await fs.writeFile('/a', page);
      expect(
        (await fs.readFile('/a')).every((b, i) => b === page[i]),
        'a file on the on-die part',
      );
    },
  'format, write, remount, read back, fsck (spi-nand)': async () => {
    const flash = new MemoryFlash(GEOMETRIES['spi-nand']);
    const fs = await Nexfs.format(flash);
    await fs.mkdir('/etc');
    await fs.writeFile('/etc/motd', enc.encode('hello from every runtime'));
    const big = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);
    await fs.writeFile('/big', big);
    await fs.unmount();
    const again = await Nexfs.mount(flash);
    expect(dec.decode(await again.readFile('/etc/motd')) === 'hello from every runtime', 'motd');
    const back = await again.readFile('/big');
    expect(back.length === big.length && back.every((b, i) => b === big[i]), 'big file');
    expect((await again.fsck({ verifyData: true })).errors.length === 0, 'fsck');
  },
  'power cut mid-write leaves the old or the new file (tiny-nor)': async () => {
    const flash = new EmulatedFlash(new MemoryFlash(GEOMETRIES['tiny-nor']), { seed: 1 });
    let fs = await Nexfs.format(flash);
    const a = new Uint8Array(20_000).fill(1);
    const b = new Uint8Array(20_000).fill(2);
    await fs.writeFile('/f', a);
    flash.cutPowerAfter(30, 'torn', true);
    try {
      await fs.writeFile('/f', b);
    } catch (e) {
      expect(e instanceof PowerCutError, 'power cut error type');
    }
    flash.restorePower();
    fs = await Nexfs.mount(flash);
    const got = await fs.readFile('/f');
    expect(got.every((x) => x === 1) || got.every((x) => x === 2), 'old or new state');
  },
  'image store round trip (ImageFlash over a byte array)': async () => {
    let bytes = new Uint8Array(0);
    const store = {
      read: (buf: Uint8Array, at: number) => {
        const n = Math.max(0, Math.min(buf.length, bytes.length - at));
        buf.set(bytes.subarray(at, at + n));
        return n;
      },
      write: (buf: Uint8Array, at: number) => {
        if (at + buf.length > bytes.length) {
          const grown = new Uint8Array(at + buf.length).fill(0xff);
          grown.set(bytes);
          bytes = grown;
        }
        bytes.set(buf, at);
      },
      flush: () => {},
    };
    const flash = new ImageFlash(GEOMETRIES['tiny-nor'], store);
    const fs = await Nexfs.format(flash);
    await fs.writeFile('/x', enc.encode('image'));
    await fs.unmount();
    const again = await Nexfs.mount(new ImageFlash(GEOMETRIES['tiny-nor'], store));
    expect(dec.decode(await again.readFile('/x')) === 'image', 'image round trip');
  },
};

/**
 * The flash layer and file API, the content-addressing primitives (chunking, hashes, codecs, CAR),
 * then TimeWarp on the volume.
 */
export const smoke: SmokeSuite = { ...flashSmoke, ...contentSmoke, ...timewarpSmoke };

/** OpfsFlash needs the Origin Private File System, which only browsers have (in a worker). */
smoke['OpfsFlash: format, write, reopen from OPFS, read back (Chromium worker)'] = async (ctx) => {
  if (ctx.runtime !== 'chromium') return;
  const worker = new Worker(ctx.url('opfs-worker.js'), { type: 'module' });
  const result = await new Promise<{ ok: boolean; error?: string; back?: string }>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`opfs worker: ${e.message}`));
  });
  worker.terminate();
  if (!result.ok) throw new Error(`nexfs smoke: OPFS round trip failed: ${result.error ?? result.back}`);
};
