// biome-ignore-all assist/source/organizeImports: the content-addressing block stays last, as one block for its owner.
/**
 * @nexus/nexfs: a flash-native, power-loss-safe filesystem for raw NAND and NOR.
 *
 * @module
 */

export {
  type CutMode,
  EmulatedFlash,
  type EmulatedFlashOptions,
  type FlashCounters,
} from './device/emulated.js';
export { checkAddress, type FlashDevice, FlashRuleError, OnDieEccStatus } from './device/flash.js';
export { checkGeometry, type FlashGeometry, GEOMETRIES, type GeometryName } from './device/geometry.js';
export { ImageFlash, type ImageStore } from './device/image.js';
export { type BlockSnapshot, MemoryFlash } from './device/memory.js';
export { OpfsFlash, type SyncAccessHandle } from './device/opfs.js';
export { ECC_CHUNK_BYTES, ECC_CODE_BYTES, EccResult, eccBytes, eccCorrect, eccEncode } from './ecc.js';
export { NexfsError, type NexfsErrorCode, PowerCutError } from './errors.js';
export {
  type Clock,
  FileHandle,
  type HandleStats,
  Nexfs,
  type NexfsOptions,
  type OpenFlags,
  type StatFs,
  type Stats,
} from './fs.js';
export type { FsckOptions, FsckReport } from './fsck.js';
export type {
  ChunkingOptions,
  Compression,
  ContentFormatOptions,
  FileContentOptions,
} from './chunk-space.js';
export { type Features, FeatureBits, featuresOf, withFeatures } from './features.js';
export { NexfsBase } from './fs-base.js';
export { NexfsContent } from './fs-content.js';
export type {
  RedundantChunks,
  ScrubTask,
  ScrubVolumeOptions,
  VolumeScrubError,
  VolumeScrubReport,
} from './fs-scrub.js';
export type {
  RecompressionOptions,
  RecompressionProgress,
  RecompressionTask,
} from './fs-recompress.js';
export type { CarVolumeImport, CollectGarbageReport, SnapshotInfo } from './fs-snapshot.js';
export { type Random, randomInt, seededRandom } from './random.js';
export type { VolumeOptions, VolumeStats } from './volume.js';

// --- content addressing (part 2) ---
export {
  CAR_LIMITS,
  type CarBlock,
  type CarContents,
  type CarImportReport,
  exportCar,
  exportCarParts,
  importCar,
  readCar,
} from './content/car';
export {
  CBOR_MAX_DEPTH,
  CBOR_MAX_ITEMS,
  type CborValue,
  decodeCbor,
  decodeCborPrefix,
  encodeCbor,
} from './content/cbor';
export {
  type ByteSource,
  CdcStream,
  type ChunkSink,
  chunkStream,
  type StreamChunk,
} from './content/cdc-stream';
export {
  CID_BYTES,
  CID_DIGEST_BYTES,
  Cid,
  CODEC_DAG_CBOR,
  CODEC_RAW,
  encodeVarint,
  MULTIHASH_BLAKE3,
  readVarint,
} from './content/cid';
export {
  CODEC_IDS,
  CODEC_MAX_PLAIN_BYTES,
  type Codec,
  type CodecName,
  noneCodec,
  RLE_LITERAL_MAX,
  RLE_REPEAT_MAX,
  RLE_REPEAT_MIN,
  rleCodec,
} from './content/codec';
export { ContentError, type ContentErrorCode } from './content/errors';
export {
  type ChunkBoundary,
  FASTCDC_LIMITS,
  FastCdc,
  type FastCdcOptions,
  type FastCdcVersion,
  NEXFS_CDC_DEFAULTS,
} from './content/fastcdc';
export {
  ChunkFramer,
  type EncodedChunk,
  equalBytes,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  FRAME_MAX_PLAIN_BYTES,
  FRAME_VERSION,
  type FrameHeader,
  type FrameParts,
  type FramerHashers,
  readFrameHeader,
} from './content/frame';
export {
  type Blake3Options,
  blake3,
  createBlake3Xof,
  createHasher,
  HASH_ALGORITHM_IDS,
  type HashAlgorithm,
  type Hasher,
  type HasherOptions,
  portableHasher,
  type Xxh3Options,
  xxh3,
} from './content/hash';
export {
  decodeSnapshotRecord,
  encodeSnapshotRecord,
  SNAPSHOT_FIELDS,
  SNAPSHOT_LABEL_BYTES,
  SNAPSHOT_MAGIC,
  SNAPSHOT_RECORD_BYTES,
  SNAPSHOT_VERSION,
  type SnapshotRecord,
} from './content/snapshot';
export {
  type BlockStore,
  ChunkStore,
  type ChunkStoreStats,
  type CollectReport,
  MemoryBlockStore,
  nameKey,
  type ScrubError,
  type ScrubOptions,
  type ScrubReport,
} from './content/store';
export {
  commitTree,
  type DirEntry,
  type DirNode,
  decodeNode,
  diffTrees,
  type FileEntry,
  type FileNode,
  listTree,
  lookup,
  reachable,
  readNode,
  putDirNode,
  putFileNode,
  readTreeFile,
  splitPath,
  storeFile,
  TREE_LIMITS,
  type TreeCommit,
  type TreeDiff,
  type TreeNode,
  type VerifyReport,
  verifyTree,
} from './content/tree';
export {
  checkZstdLevel,
  loadZstdEngine,
  ZSTD_LEVEL_MAX,
  ZSTD_LEVEL_MIN,
  ZSTD_MAGIC,
  type ZstdEngine,
  zstdCodec,
  zstdDecode,
  zstdFrameContentSize,
} from './content/zstd';
