/**
 * The device port: what nexfs needs from raw flash. Operations are synchronous on purpose: the
 * media nexfs targets answer a page in microseconds (SPI NAND: 60 us read, 400 us program), the
 * browser's OPFS sync access handle and Node's file descriptors are synchronous, and a synchronous
 * port lets the power-loss runner stop the world at any device operation. The filesystem API on
 * top is promise-based.
 */
import type { FlashGeometry } from './geometry.js';

/**
 * A raw flash part. Rules every implementation enforces or models: reading erased flash gives
 * 0xFF; a NAND page is programmed at most once per erase and the pages of a block in increasing
 * order; a NOR program only turns 1 bits into 0; a block survives a finite number of erases.
 */
export interface FlashDevice {
  /** The part's shape and endurance. */
  readonly geometry: FlashGeometry;
  /**
   * Reads one page into `data` (pageSizeBytes) and, when given, its spare area into `spare`.
   * A part with on-die ECC (`geometry.onDieEccBits > 0`) returns the outcome of its correction
   * ({@link OnDieEccStatus}); a raw part returns nothing.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a raw part's read returns nothing, so every device written against the raw port still implements it
  read(block: number, page: number, data: Uint8Array, spare?: Uint8Array): OnDieEccStatus | undefined | void;
  /**
   * Programs one page. Returns false when the part reports a program failure (status fail):
   * the block must then be retired.
   */
  program(block: number, page: number, data: Uint8Array, spare?: Uint8Array): boolean;
  /** Erases one block to 0xFF. Returns false when the part reports an erase failure. */
  erase(block: number): boolean;
  /** True when the block carries a bad-block mark (factory or runtime). */
  isBad(block: number): boolean;
  /** Marks a block bad; the mark survives erase and power loss. */
  markBad(block: number): void;
  /** Write barrier: returns when every earlier program and erase is durable. */
  sync(): void;
}

/**
 * What a part with on-die ECC reports after a page read (its ECC status bits): `Clean`,
 * `Corrected` (bit errors within the part's bound, the data returned is corrected) or
 * `Uncorrectable` (more errors than it corrects in some sector: the data is returned as stored).
 *
 * @example
 * ```ts
 * if (flash.read(3, 0, page, spare) === OnDieEccStatus.Uncorrectable) console.log('page lost');
 * ```
 */
export const OnDieEccStatus = {
  /** No bit errors. */
  Clean: 0,
  /** Errors corrected inside the part. */
  Corrected: 1,
  /** More errors than the part corrects. */
  Uncorrectable: 2,
} as const;
/** One of the {@link OnDieEccStatus} values. */
export type OnDieEccStatus = (typeof OnDieEccStatus)[keyof typeof OnDieEccStatus];

/** Errors a device raises when the caller breaks a flash rule (a bug in the caller). */
export class FlashRuleError extends Error {
  /** @param message which rule was broken, and where */
  constructor(message: string) {
    super(message);
    this.name = 'FlashRuleError';
  }
}

/**
 * Checks a block/page address against a geometry and throws a `RangeError` naming the argument.
 *
 * @example
 * ```ts
 * checkAddress(flash.geometry, 3, 0);
 * ```
 */
export function checkAddress(g: FlashGeometry, block: number, page?: number): void {
  if (!Number.isInteger(block) || block < 0 || block >= g.blockCount)
    throw new RangeError(`block: ${block} is outside 0..${g.blockCount - 1}`);
  if (page !== undefined && (!Number.isInteger(page) || page < 0 || page >= g.pagesPerBlock))
    throw new RangeError(`page: ${page} is outside 0..${g.pagesPerBlock - 1}`);
}
