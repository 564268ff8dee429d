import type { Codec } from '../../src/content/codec';
import { ChunkFramer } from '../../src/content/frame';
import { createHasher } from '../../src/content/hash';
import { ChunkStore, MemoryBlockStore } from '../../src/content/store';

export const framer = new ChunkFramer({
  check: await createHasher('xxh3-64'),
  name: await createHasher('blake3-256'),
});

export function newStore(codec?: Codec): { blocks: MemoryBlockStore; store: ChunkStore } {
  const blocks = new MemoryBlockStore();
  return { blocks, store: new ChunkStore(blocks, framer, codec) };
}
