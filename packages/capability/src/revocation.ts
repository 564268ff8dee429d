/**
 * Revocation ids and the revocation list. Every link of a token has a 16-byte id (the first bytes
 * of its link digest, SPEC.md §Digests); a token is dead when any of its links' ids is listed, so
 * revoking one link kills every token derived through it. The list carries an epoch that grows on
 * every change, which lets verified-token caches revalidate with one integer comparison.
 */
import { toHex } from './_bytes.js';
import { REVOCATION_ID_BYTES } from './encoding.js';

/** Most ids one list holds (16 bytes each plus map overhead: about 100 MB at the limit). */
export const MAX_REVOKED_IDS = 1_000_000;

/**
 * A set of revoked link ids with a change epoch.
 *
 * @example
 * ```ts
 * import { RevocationList } from '@nexus/capability';
 * const list = new RevocationList();
 * list.revoke(new Uint8Array(16));
 * list.has(new Uint8Array(16)); // true
 * list.epoch; // 1
 * ```
 */
export class RevocationList {
  private readonly ids = new Set<string>();
  /** Grows by one on every revocation that changed the list. */
  epoch = 0;

  /** Adds `id`. Returns false when it was already revoked. */
  revoke(id: Uint8Array): boolean {
    if (!(id instanceof Uint8Array) || id.length !== REVOCATION_ID_BYTES)
      throw new RangeError(`id: ${REVOCATION_ID_BYTES} bytes`);
    const key = toHex(id);
    if (this.ids.has(key)) return false;
    if (this.ids.size >= MAX_REVOKED_IDS)
      throw new RangeError(`revocation list: more than ${MAX_REVOKED_IDS} ids`);
    this.ids.add(key);
    this.epoch++;
    return true;
  }

  /** True when `id` is revoked. */
  has(id: Uint8Array): boolean {
    return this.ids.has(toHex(id));
  }

  /** True when the hex id is revoked. */
  hasHex(idHex: string): boolean {
    return this.ids.has(idHex);
  }

  /** Number of revoked ids. */
  get size(): number {
    return this.ids.size;
  }
}
