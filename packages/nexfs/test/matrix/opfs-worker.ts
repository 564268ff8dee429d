// Runs inside a dedicated worker in Chromium: OPFS sync access handles exist only in workers.
// Formats a volume on an OpfsFlash image, writes a file, closes the handle, opens the image
// again from OPFS, mounts it and reads the file back.
import { GEOMETRIES, Nexfs, OpfsFlash } from '@nexus/nexfs';

const scope = globalThis as unknown as { postMessage(message: unknown): void };
const name = `nexfs-smoke-${Date.now()}.img`;
try {
  const text = 'written through OPFS';
  let flash = await OpfsFlash.open(name, GEOMETRIES['tiny-nor']);
  const fs = await Nexfs.format(flash);
  await fs.writeFile('/hello.txt', new TextEncoder().encode(text));
  await fs.unmount();
  flash.close();
  flash = await OpfsFlash.open(name, GEOMETRIES['tiny-nor']);
  const again = await Nexfs.mount(flash);
  const back = new TextDecoder().decode(await again.readFile('/hello.txt'));
  const fsck = await again.fsck({ verifyData: true });
  await again.unmount();
  flash.close();
  scope.postMessage({ ok: back === text && fsck.errors.length === 0, back, errors: fsck.errors.length });
} catch (e) {
  scope.postMessage({ ok: false, error: String((e as Error)?.stack ?? e) });
}
