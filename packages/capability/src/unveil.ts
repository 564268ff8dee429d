/**
 * Unveil, after OpenBSD's unveil(2): once a fiber unveils its first path, only unveiled paths are
 * visible; each unveiled path carries permissions from `r`, `w`, `x`, `c`; the most specific
 * (deepest) unveiled ancestor of a path decides; `lock()` (OpenBSD's `unveil(NULL, NULL)`) forbids
 * any further unveil. Paths are logical, canonical Nexus paths: there are no symlinks or `..` to
 * resolve, and no directory/file distinction (DESIGN.md §"Pledge and unveil").
 */

import type { AuditSink } from './audit.js';
import { CapabilityError } from './errors.js';
import type { Pledge } from './pledge.js';
import type { Clock } from './ports.js';
import { scopeProblem } from './scope.js';

/** One unveil permission letter. */
export type UnveilPermission = 'r' | 'w' | 'x' | 'c';

/** Most paths one fiber may unveil. */
export const MAX_UNVEILED_PATHS = 1024;

interface UnveilNode {
  readonly children: Map<string, UnveilNode>;
  permissions: string | null;
}

/** Configuration of an {@link Unveil}. */
export interface UnveilOptions {
  /** Fiber name for errors and events. */
  fiber: string;
  /** Time source for events. */
  clock: Clock;
  /** Where refusals are reported. */
  audit?: AuditSink;
  /** When given, unveiling needs its `unveil` promise (as in OpenBSD). */
  pledge?: Pledge;
}

/**
 * A fiber's unveil state.
 *
 * @example
 * ```ts
 * import { ManualClock, Unveil } from '@nexus/capability';
 * const view = new Unveil({ fiber: 'web', clock: new ManualClock(0) });
 * view.unveil('/srv/www', 'r');
 * view.unveil('/srv/www/uploads', 'rwc');
 * view.lock();
 * view.allows('/srv/www/uploads/a.png', 'w'); // true
 * view.allows('/srv/www/index.html', 'w'); // false (EACCES)
 * view.allows('/etc/passwd', 'r'); // false (ENOENT: not visible)
 * ```
 */
export class Unveil {
  private readonly root: UnveilNode = { children: new Map(), permissions: null };
  private readonly options: UnveilOptions;
  private active = false;
  private locked = false;
  private count = 0;

  constructor(options: UnveilOptions) {
    this.options = options;
  }

  private emit(detail: string): void {
    this.options.audit?.({
      kind: 'unveil',
      subject: this.options.fiber,
      detail,
      atMs: this.options.clock.nowMs(),
    });
  }

  /** True once `lock()` was called. */
  get isLocked(): boolean {
    return this.locked;
  }

  /**
   * Makes `path` visible with `permissions` (a subset of `rwxc`, possibly empty to hide a subtree
   * of an unveiled directory). Unveiling the same path again replaces its permissions, as in
   * OpenBSD. After `lock()` this is refused with `UNVEIL_LOCKED`.
   */
  unveil(path: string, permissions: string): void {
    if (this.locked) {
      this.emit(`refused after lock: ${path} "${permissions}"`);
      throw new CapabilityError('UNVEIL_LOCKED', `${this.options.fiber}: unveil is locked`);
    }
    this.options.pledge?.require('unveil');
    const problem = scopeProblem(path);
    if (problem !== null) throw new TypeError(`path: ${problem}`);
    if (
      typeof permissions !== 'string' ||
      !/^[rwxc]*$/.test(permissions) ||
      new Set(permissions).size !== permissions.length
    ) {
      throw new TypeError('permissions: distinct letters from "rwxc"');
    }
    let node = this.root;
    if (path !== '/') {
      for (const segment of path.slice(1).split('/')) {
        let next = node.children.get(segment);
        if (!next) {
          next = { children: new Map(), permissions: null };
          node.children.set(segment, next);
        }
        node = next;
      }
    }
    if (node.permissions === null) {
      if (this.count >= MAX_UNVEILED_PATHS)
        throw new RangeError(`unveil: more than ${MAX_UNVEILED_PATHS} paths`);
      this.count++;
    }
    node.permissions = [...permissions].sort().join('');
    this.active = true;
  }

  /** Forbids further unveiling (`unveil(NULL, NULL)`). Like OpenBSD, it does not activate the veil. */
  lock(): void {
    this.locked = true;
  }

  /** The permissions that apply to `path` (from its most specific unveiled ancestor), or `null` if hidden. */
  permissionsFor(path: string): string | null {
    if (!this.active) return 'crwx';
    if (scopeProblem(path) !== null) return null;
    let node = this.root;
    let best = node.permissions;
    if (path !== '/') {
      for (const segment of path.slice(1).split('/')) {
        const next = node.children.get(segment);
        if (!next) break;
        node = next;
        if (node.permissions !== null) best = node.permissions;
      }
    }
    return best;
  }

  /** True when `path` is visible with `permission`. */
  allows(path: string, permission: UnveilPermission): boolean {
    const permissions = this.permissionsFor(path);
    return permissions?.includes(permission) === true;
  }

  /**
   * Throws `UNVEIL_HIDDEN` (OpenBSD's ENOENT) for a path no unveil covers, `UNVEIL_PERMISSION`
   * (EACCES) when the covering unveil lacks `permission`. Call before any effect.
   */
  check(path: string, permission: UnveilPermission): void {
    const permissions = this.permissionsFor(path);
    if (permissions === null) {
      this.emit(`hidden: ${path} (${permission})`);
      throw new CapabilityError('UNVEIL_HIDDEN', `${path} is not unveiled to ${this.options.fiber}`, {
        missing: `${permission} ${path}`,
      });
    }
    if (!permissions.includes(permission)) {
      this.emit(`denied: ${path} needs ${permission}, has "${permissions}"`);
      throw new CapabilityError(
        'UNVEIL_PERMISSION',
        `${path} is unveiled "${permissions}", not "${permission}"`,
        { missing: `${permission} ${path}` },
      );
    }
  }
}
