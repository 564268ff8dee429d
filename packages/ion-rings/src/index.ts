/**
 * `@nexus/ion-rings`: zero-copy rings in shared memory that replace pipes between threads.
 *
 * @module
 */

export { MAX_SPIN_US } from './_spin.js';
export type { WakeStats } from './_wake.js';
export {
  chunks,
  type FrameChunk,
  frames,
  PipeReader,
  PipeWriter,
  type ReadAdapterOptions,
  readableStream,
  writableStream,
} from './adapters.js';
export { BatchClaim } from './batch-claim.js';
export { ByteReader, ByteWriter } from './byte-ring.js';
export { RingError, type RingErrorCode } from './errors.js';
export { Frame, FrameConsumer, type FrameHandler } from './frame-consumer.js';
export { Claim, FrameProducer } from './frame-producer.js';
export {
  alignFrame,
  createRingBuffer,
  FRAME_ALIGNMENT,
  FRAME_HEADER_BYTES,
  HEADER_BYTES,
  Kind,
  LAYOUT_VERSION,
  MAX_CAPACITY_BYTES,
  MAX_FRAME_TYPE,
  MIN_CAPACITY_BYTES,
  Offset,
  openRing,
  PADDING_TYPE,
  RECORD_BLOCK_HEADER_BYTES,
  RECORD_BLOCK_TYPE,
  RESERVED_TYPE_MIN,
  RING_MAGIC,
  type RingKind,
  type RingMemory,
  type RingOptions,
  State,
} from './layout.js';
export {
  type ClientOptions,
  REQUEST_HEADER_BYTES,
  RESPONSE_HEADER_BYTES,
  SERVICE_ABI_VERSION,
  type ServerOptions,
  ServiceClient,
  ServiceError,
  ServiceFrame,
  type ServiceHandler,
  ServiceServer,
  ServiceStatus,
} from './service.js';
