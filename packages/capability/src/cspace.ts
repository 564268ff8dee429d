/**
 * CSpaces and the derivation tree (after seL4's CNodes and CDT, with signatures replaced by
 * in-process object identity and with time windows and caveats added).
 *
 * - An {@link Authority} owns every capability node. Nodes form one derivation tree across all
 *   CSpaces: a root grant has no parent; a derived node's parent is the node it was derived from.
 * - A {@link CSpace} belongs to one fiber: numbered slots, and an index for the hot-path check — a
 *   path trie whose nodes bucket grants by verb. `check` walks the request path's segments and, at
 *   each, looks up the request verb and its ancestors: O(path depth × verb depth) map lookups,
 *   independent of how many capabilities the CSpace holds.
 * - `revoke` removes a node and every node derived from it, in every CSpace, and bumps each touched
 *   CSpace's revocation epoch, so an {@link Access} opened earlier revalidates with one integer
 *   comparison and one clock read.
 * - A fiber's CSpace is built from its {@link Manifest} at spawn and rebuilt from scratch on
 *   respawn.
 */
import { assert } from './_assert.js';
import { type Algebra, type Cap, describeCap, freezeCap, windowContains } from './algebra.js';
import type { AuditEvent, AuditSink } from './audit.js';
import { type CaveatContext, caveatsAllow } from './caveats.js';
import { CapabilityError } from './errors.js';
import type { Clock } from './ports.js';
import { isCanonicalPath, scopeProblem } from './scope.js';
import { type CapSpec, resolveCapSpec } from './token.js';

/** Default slot limit per CSpace. */
export const DEFAULT_MAX_SLOTS = 65_536;
/** Most grants a manifest may declare. */
export const MAX_MANIFEST_GRANTS = 1024;

interface CapNode {
  readonly cap: Cap;
  readonly parent: CapNode | null;
  readonly children: Set<CapNode>;
  readonly cspace: CSpace;
  readonly slot: number;
  alive: boolean;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /** Grants whose scope ends here, by verb. */
  readonly byVerb: Map<string, CapNode[]>;
}

function newTrieNode(): TrieNode {
  return { children: new Map(), byVerb: new Map() };
}

/** What a CSpace needs from its Authority: the algebra, the clock and the audit sink. */
interface Host {
  readonly algebra: Algebra;
  readonly clock: Clock;
  readonly auditUses: boolean;
  emit(kind: AuditEvent['kind'], subject: string, detail: string): void;
}

/** One-shot construction tickets: only this module can make a CSpace. */
const tickets = new WeakMap<object, { host: Host; fiber: string; maxSlots: number }>();

function makeCSpace(host: Host, fiber: string, maxSlots: number): CSpace {
  const ticket = {};
  tickets.set(ticket, { host, fiber, maxSlots });
  return new CSpace(ticket);
}

// Doors into CSpace's private methods, assigned by its static block.
let cspaceInsert: (space: CSpace, cap: Cap, parent: CapNode | null) => number;
let cspaceRemove: (space: CSpace, node: CapNode) => void;
let cspaceFindCovering: (space: CSpace, cap: Cap) => CapNode | undefined;
let cspaceDestroy: (space: CSpace) => number;

/** A checked access to revalidate cheaply (see {@link CSpace.open}). */
export interface Access {
  /** The verb checked. */
  readonly verb: string;
  /** The path checked. */
  readonly path: string;
  /** The caveat context checked. */
  readonly context: CaveatContext | undefined;
  /** Slot of the capability that allowed it (refreshed on revalidation). */
  slot: number;
  /** The CSpace's revocation epoch when last checked. */
  revocationEpoch: number;
  /** End of the allowing capability's window. */
  validUntilMs: number;
}

/** A fiber's capability manifest: what it is granted at load, from the authority's root grants. */
export interface Manifest {
  /** The fiber's name. */
  readonly fiber: string;
  /** Capabilities to grant, each of which must lie below one of the authority's root grants. */
  readonly grants: readonly CapSpec[];
}

/** Configuration of an {@link Authority}. */
export interface AuthorityOptions {
  /** The algebra every derivation is checked in. */
  algebra: Algebra;
  /** Time source for windows and events. */
  clock: Clock;
  /** Where grants, derivations, revocations, denials and escalations are reported. */
  audit?: AuditSink;
  /** Slot limit per CSpace (default {@link DEFAULT_MAX_SLOTS}). */
  maxSlots?: number;
  /**
   * Also report every allowed `check` and `open` as a `use` event (default false: at millions of
   * checks per second the ledger, not the check, would become the hot path).
   */
  auditUses?: boolean;
}

/** One occupied slot, as listed by {@link CSpace.list}. */
export interface SlotEntry {
  /** Slot number. */
  readonly slot: number;
  /** The capability in it. */
  readonly cap: Cap;
  /** Depth in the derivation tree (0 for a root grant). */
  readonly depth: number;
}

/**
 * The root of trust inside one process: it holds the root grants, creates CSpaces, spawns fibers
 * from manifests, and owns the derivation tree.
 *
 * @example
 * ```ts
 * import { Algebra, Authority, ManualClock, VerbHierarchy } from '@nexus/capability';
 * const authority = new Authority({ algebra: new Algebra(new VerbHierarchy()), clock: new ManualClock(0) });
 * authority.grantRoot({ verb: 'fs.read', scope: '/', notAfterMs: 1e12 });
 * const init = authority.spawn({ fiber: 'init', grants: [{ verb: 'fs.read', scope: '/etc', notAfterMs: 1e9 }] });
 * init.check('fs.read', '/etc/hosts'); // a slot number
 * ```
 */
export class Authority {
  /** The algebra in force. */
  readonly algebra: Algebra;
  /** The authority's own CSpace, holding the root grants. */
  readonly root: CSpace;
  // True JavaScript private state (#): code holding an Authority or a CSpace cannot reach the
  // derivation tree, insert a capability or forge an audit event, even outside TypeScript.
  readonly #options: AuthorityOptions;
  readonly #host: Host;
  readonly #maxSlots: number;
  readonly #fibers = new Map<string, CSpace>();
  readonly #manifests = new Map<string, Manifest>();

  constructor(options: AuthorityOptions) {
    if (typeof options !== 'object' || options === null || !options.algebra || !options.clock) {
      throw new TypeError('options: { algebra, clock, audit?, maxSlots? }');
    }
    this.#options = options;
    this.algebra = options.algebra;
    this.#maxSlots = options.maxSlots ?? DEFAULT_MAX_SLOTS;
    if (!Number.isSafeInteger(this.#maxSlots) || this.#maxSlots < 1)
      throw new RangeError('maxSlots: a positive integer');
    this.#host = {
      algebra: options.algebra,
      clock: options.clock,
      auditUses: options.auditUses === true && options.audit !== undefined,
      emit: (kind, subject, detail) =>
        options.audit?.({ kind, subject, detail, atMs: options.clock.nowMs() }),
    };
    this.root = makeCSpace(this.#host, 'authority', this.#maxSlots);
  }

  /** Mints a root grant into the authority's CSpace; returns its slot. */
  grantRoot(spec: CapSpec): number {
    const cap = resolveCapSpec(spec, this.#options.clock.nowMs());
    const slot = cspaceInsert(this.root, cap, null);
    this.#host.emit('grant', 'authority', `${describeCap(cap)} (root slot ${slot})`);
    return slot;
  }

  /** Creates an empty CSpace for a fiber (replacing nothing: the name must be new). */
  createCSpace(fiber: string): CSpace {
    if (typeof fiber !== 'string' || fiber.length === 0 || fiber.length > 256)
      throw new TypeError('fiber: a name of 1 to 256 characters');
    if (this.#fibers.has(fiber)) throw new TypeError(`fiber: ${fiber} already has a CSpace`);
    const cspace = makeCSpace(this.#host, fiber, this.#maxSlots);
    this.#fibers.set(fiber, cspace);
    return cspace;
  }

  /** The CSpace of a fiber, if it has one. */
  cspaceOf(fiber: string): CSpace | undefined {
    return this.#fibers.get(fiber);
  }

  /**
   * Loads a fiber from its manifest: every grant is checked against the root grants first (a
   * grant above every root grant is refused with `WIDENED` and logged as an escalation, and
   * nothing is granted), then the CSpace is built.
   */
  spawn(manifest: Manifest): CSpace {
    if (typeof manifest !== 'object' || manifest === null || !Array.isArray(manifest.grants))
      throw new TypeError('manifest: { fiber, grants }');
    if (manifest.grants.length > MAX_MANIFEST_GRANTS)
      throw new RangeError(`manifest: more than ${MAX_MANIFEST_GRANTS} grants`);
    const nowMs = this.#options.clock.nowMs();
    const plan: { cap: Cap; parent: CapNode }[] = [];
    for (const spec of manifest.grants) {
      const cap = resolveCapSpec(spec, nowMs);
      const parent = cspaceFindCovering(this.root, cap);
      if (!parent) {
        this.#host.emit(
          'escalation',
          manifest.fiber,
          `manifest asks ${describeCap(cap)} beyond every root grant`,
        );
        throw new CapabilityError(
          'WIDENED',
          `manifest of ${manifest.fiber}: ${describeCap(cap)} is not within any root grant`,
        );
      }
      plan.push({ cap, parent });
    }
    const cspace = this.createCSpace(manifest.fiber);
    this.#manifests.set(manifest.fiber, manifest);
    for (const { cap, parent } of plan) {
      const slot = cspaceInsert(cspace, cap, parent);
      this.#host.emit('grant', manifest.fiber, `${describeCap(cap)} (slot ${slot}, from manifest)`);
    }
    return cspace;
  }

  /**
   * Respawns a fiber: its old CSpace is destroyed (every capability in it, and everything derived
   * from those anywhere, is revoked) and a new one is built from the manifest from scratch.
   */
  respawn(fiber: string): CSpace {
    const manifest = this.#manifests.get(fiber);
    if (!manifest) throw new TypeError(`fiber: ${fiber} was not spawned from a manifest`);
    const old = this.#fibers.get(fiber);
    let revoked = 0;
    if (old) {
      revoked = cspaceDestroy(old);
      this.#fibers.delete(fiber);
    }
    this.#host.emit(
      'respawn',
      fiber,
      `old CSpace destroyed (${revoked} capabilities revoked), rebuilt from manifest`,
    );
    return this.spawn(manifest);
  }
}

/**
 * A fiber's capability space: slots, a hot-path index, and derivation into other CSpaces.
 *
 * @example
 * ```ts
 * import { Algebra, Authority, ManualClock, VerbHierarchy } from '@nexus/capability';
 * const authority = new Authority({ algebra: new Algebra(new VerbHierarchy()), clock: new ManualClock(0) });
 * authority.grantRoot({ verb: 'fs.read', scope: '/', notAfterMs: 1e12 });
 * const a = authority.spawn({ fiber: 'a', grants: [{ verb: 'fs.read', scope: '/etc', notAfterMs: 1e9 }] });
 * const b = authority.createCSpace('b');
 * const slot = a.derive(a.check('fs.read', '/etc'), b, { verb: 'fs.read', scope: '/etc/nexus', notAfterMs: 1e6 });
 * a.revoke(0); // b loses its derived capability too
 * b.allows('fs.read', '/etc/nexus/x'); // false
 * ```
 */
export class CSpace {
  /** The fiber this CSpace belongs to. */
  readonly fiber: string;
  readonly #host: Host;
  readonly #maxSlots: number;
  readonly #slots: (CapNode | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  readonly #trie: TrieNode = newTrieNode();
  #occupied = 0;
  #epoch = 0;
  #destroyed = false;

  static {
    // Module-private doors into CSpace internals, for the Authority and revoke only.
    cspaceInsert = (space, cap, parent) => space.#insert(cap, parent);
    cspaceRemove = (space, node) => space.#remove(node);
    cspaceFindCovering = (space, cap) => space.#findCovering(cap);
    cspaceDestroy = (space) => space.#destroy();
  }

  /**
   * Not for direct use: CSpaces are made by {@link Authority.createCSpace} and
   * {@link Authority.spawn}; any other ticket is refused with `TypeError`.
   */
  constructor(ticket: object) {
    const granted = tickets.get(ticket);
    if (!granted) throw new TypeError('CSpace: created only by an Authority');
    tickets.delete(ticket);
    this.#host = granted.host;
    this.fiber = granted.fiber;
    this.#maxSlots = granted.maxSlots;
  }

  /** Number of occupied slots. */
  get size(): number {
    return this.#occupied;
  }

  /**
   * The revocation epoch: grows whenever a capability leaves this CSpace (revoke, respawn). Adding
   * capabilities never invalidates an earlier positive check, so it does not move the epoch.
   */
  get revocationEpoch(): number {
    return this.#epoch;
  }

  #insert(cap: Cap, parent: CapNode | null): number {
    if (this.#destroyed)
      throw new CapabilityError('NO_SLOT', `${this.fiber}: this CSpace was destroyed (respawned fiber)`);
    if (this.#occupied >= this.#maxSlots)
      throw new CapabilityError('SLOT_LIMIT', `${this.fiber}: all ${this.#maxSlots} slots are full`);
    const slot = this.#freeSlots.length > 0 ? (this.#freeSlots.pop() as number) : this.#slots.length;
    const node: CapNode = {
      cap: freezeCap(cap),
      parent,
      children: new Set(),
      cspace: this,
      slot,
      alive: true,
    };
    this.#slots[slot] = node;
    this.#occupied++;
    parent?.children.add(node);
    const trieNode = this.#trieNodeFor(cap.scope, true) as TrieNode;
    let list = trieNode.byVerb.get(cap.verb);
    if (!list) trieNode.byVerb.set(cap.verb, (list = []));
    list.push(node);
    return slot;
  }

  #trieNodeFor(scope: string, create: boolean): TrieNode | undefined {
    let node = this.#trie;
    if (scope === '/') return node;
    let start = 1;
    while (start <= scope.length) {
      let end = scope.indexOf('/', start);
      if (end < 0) end = scope.length;
      const segment = scope.slice(start, end);
      let next = node.children.get(segment);
      if (!next) {
        if (!create) return undefined;
        next = newTrieNode();
        node.children.set(segment, next);
      }
      node = next;
      start = end + 1;
    }
    return node;
  }

  #remove(node: CapNode): void {
    assert(node.cspace === this && this.#slots[node.slot] === node, 'node lives in this CSpace');
    this.#slots[node.slot] = undefined;
    this.#freeSlots.push(node.slot);
    this.#occupied--;
    const trieNode = this.#trieNodeFor(node.cap.scope, false);
    assert(trieNode !== undefined, 'indexed scope exists');
    const list = trieNode.byVerb.get(node.cap.verb) as CapNode[];
    list.splice(list.indexOf(node), 1);
    if (list.length === 0) trieNode.byVerb.delete(node.cap.verb);
    this.#epoch++;
  }

  #lookupAt(
    trieNode: TrieNode,
    verb: string,
    atMs: number,
    context: CaveatContext | undefined,
  ): CapNode | undefined {
    if (trieNode.byVerb.size === 0) return undefined;
    const verbs = this.#host.algebra.verbs;
    for (let v: string | undefined = verb; v !== undefined; v = verbs.parent(v)) {
      const list = trieNode.byVerb.get(v);
      if (list === undefined) continue;
      for (let i = 0; i < list.length; i++) {
        const cap = list[i].cap;
        if (
          windowContains(cap.window, atMs) &&
          (cap.caveats.length === 0 || caveatsAllow(cap.caveats, context))
        )
          return list[i];
      }
    }
    return undefined;
  }

  #find(verb: string, path: string, context: CaveatContext | undefined): CapNode | undefined {
    // Canonical paths only: `/etc/nexus/../passwd` must not match a grant on /etc/nexus.
    if (!isCanonicalPath(path)) return undefined;
    const atMs = this.#host.clock.nowMs();
    let node: TrieNode | undefined = this.#trie;
    let found = this.#lookupAt(node, verb, atMs, context);
    if (found) return found;
    if (path === '/') return undefined;
    let start = 1;
    while (start <= path.length) {
      let end = path.indexOf('/', start);
      if (end < 0) end = path.length;
      node = node.children.get(path.slice(start, end));
      if (node === undefined) return undefined;
      found = this.#lookupAt(node, verb, atMs, context);
      if (found) return found;
      start = end + 1;
    }
    return undefined;
  }

  /** True when some capability in this CSpace allows `verb` on `path` now. */
  allows(verb: string, path: string, context?: CaveatContext): boolean {
    return this.#find(verb, path, context) !== undefined;
  }

  /**
   * The hot-path check: returns the slot of a capability allowing `verb` on `path` now, or throws
   * `DENIED` naming the missing capability (and reports the denial). Call it before any effect.
   */
  check(verb: string, path: string, context?: CaveatContext): number {
    const found = this.#find(verb, path, context);
    if (found) {
      if (this.#host.auditUses) this.#host.emit('use', this.fiber, `${verb} ${path} via slot ${found.slot}`);
      return found.slot;
    }
    const problem = scopeProblem(path);
    const missing = `${verb} ${path}`;
    this.#host.emit(
      'deny',
      this.fiber,
      `missing ${missing}${problem ? ` (malformed path: ${problem})` : ''}`,
    );
    throw new CapabilityError('DENIED', `${this.fiber} holds no capability for ${missing}`, { missing });
  }

  /**
   * Checks once and returns an {@link Access} to revalidate cheaply later (a file descriptor, a
   * socket): {@link CSpace.stillAllows} costs one epoch comparison and one clock read while no
   * capability has left this CSpace and the granting capability's window is open. Throws `DENIED`
   * like {@link CSpace.check}.
   */
  open(verb: string, path: string, context?: CaveatContext): Access {
    const slot = this.check(verb, path, context);
    const cap = (this.#slots[slot] as CapNode).cap;
    return { verb, path, context, slot, revocationEpoch: this.#epoch, validUntilMs: cap.window.notAfterMs };
  }

  /**
   * True while `access` is still allowed: the fast path when no revocation happened since it was
   * opened (or last revalidated) and its window is open; otherwise a full lookup, which refreshes
   * the access in place when another capability still allows it.
   */
  stillAllows(access: Access): boolean {
    if (access.revocationEpoch === this.#epoch && this.#host.clock.nowMs() < access.validUntilMs) return true;
    const node = this.#find(access.verb, access.path, access.context);
    if (!node) return false;
    access.slot = node.slot;
    access.revocationEpoch = this.#epoch;
    access.validUntilMs = node.cap.window.notAfterMs;
    return true;
  }

  /** The capability in `slot` (frozen), or undefined when the slot is empty. */
  get(slot: number): Cap | undefined {
    return this.#slots[slot]?.cap;
  }

  /** Occupied slots, in slot order. */
  list(): SlotEntry[] {
    const out: SlotEntry[] = [];
    for (const node of this.#slots) {
      if (!node) continue;
      let depth = 0;
      for (let p = node.parent; p; p = p.parent) depth++;
      out.push({ slot: node.slot, cap: node.cap, depth });
    }
    return out;
  }

  #findCovering(cap: Cap): CapNode | undefined {
    for (const node of this.#slots) if (node && this.#host.algebra.leq(cap, node.cap)) return node;
    return undefined;
  }

  #nodeAt(slot: number): CapNode {
    const node = Number.isSafeInteger(slot) ? this.#slots[slot] : undefined;
    if (!node) throw new CapabilityError('NO_SLOT', `${this.fiber}: slot ${slot} is empty`);
    return node;
  }

  /**
   * Attenuate and delegate: places `spec` (which must lie below the capability in `slot`) into
   * `target` (this CSpace to attenuate, another to delegate), as a child in the derivation tree.
   * A wider request is refused with `WIDENED` and reported as an escalation; never narrowed.
   */
  derive(slot: number, target: CSpace, spec: CapSpec): number {
    if (!(target instanceof CSpace)) throw new TypeError('target: a CSpace');
    const parent = this.#nodeAt(slot);
    const cap = resolveCapSpec(spec, this.#host.clock.nowMs(), parent.cap);
    if (!this.#host.algebra.leq(cap, parent.cap)) {
      this.#host.emit(
        'escalation',
        this.fiber,
        `asked ${describeCap(cap)} from slot ${slot} (${describeCap(parent.cap)}) for ${target.fiber}`,
      );
      throw new CapabilityError('WIDENED', `${describeCap(cap)} is not within ${describeCap(parent.cap)}`);
    }
    const child = cspaceInsert(target, cap, parent);
    this.#host.emit(
      target === this ? 'attenuate' : 'delegate',
      this.fiber,
      `${describeCap(cap)} to ${target.fiber} slot ${child}`,
    );
    return child;
  }

  /**
   * Revokes the capability in `slot` and, recursively, every capability derived from it in any
   * CSpace. Returns how many capabilities were removed.
   */
  revoke(slot: number): number {
    const node = this.#nodeAt(slot);
    const count = revokeSubtree(node);
    this.#host.emit('revoke', this.fiber, `${describeCap(node.cap)} (slot ${slot}) and ${count - 1} derived`);
    return count;
  }

  #destroy(): number {
    this.#destroyed = true;
    let count = 0;
    for (const node of this.#slots) if (node?.alive) count += revokeSubtree(node);
    return count;
  }
}

/** Removes `root` and all its descendants, iteratively (no recursion depth limit to hit). */
function revokeSubtree(root: CapNode): number {
  let count = 0;
  const stack: CapNode[] = [root];
  root.parent?.children.delete(root);
  while (stack.length > 0) {
    const node = stack.pop() as CapNode;
    if (!node.alive) continue;
    node.alive = false;
    cspaceRemove(node.cspace, node);
    count++;
    for (const child of node.children) stack.push(child);
    node.children.clear();
  }
  return count;
}
