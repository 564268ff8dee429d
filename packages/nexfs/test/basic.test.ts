import { describe, expect, it } from 'vitest';
import { GEOMETRIES, MemoryFlash, Nexfs, NexfsError } from '../src/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('file API', () => {
  for (const name of Object.keys(GEOMETRIES) as (keyof typeof GEOMETRIES)[]) {
    it(`formats, writes, remounts and reads back on ${name}`, async () => {
      const flash = new MemoryFlash(GEOMETRIES[name]);
      const fs = await Nexfs.format(flash);
      await fs.mkdir('/etc');
      await fs.writeFile('/etc/motd', enc.encode('hello flash'));
      const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
      await fs.writeFile('/big.bin', big);
      const fh = await fs.open('/log', 'a');
      for (let i = 0; i < 50; i++) await fh.write(enc.encode(`line ${i}\n`));
      await fh.close();
      await fs.unmount();
      const fs2 = await Nexfs.mount(flash);
      expect(dec.decode(await fs2.readFile('/etc/motd'))).toBe('hello flash');
      expect(await fs2.readFile('/big.bin')).toEqual(big);
      expect(dec.decode(await fs2.readFile('/log')).split('\n').length).toBe(51);
      expect((await fs2.readdir('/')).sort()).toEqual(['big.bin', 'etc', 'log']);
      const report = await fs2.fsck({ verifyData: true });
      expect(report.errors).toEqual([]);
      await expect(fs2.stat('/nope')).rejects.toBeInstanceOf(NexfsError);
    });
  }
});
