/**
 * Audit events: what the token, CSpace and pledge layers report (grants, attenuations,
 * delegations, revocations, denials, escalation attempts, respawns and, when asked for, every
 * allowed use), and the sink type a ledger
 * or log implements to receive them.
 */

/** Where a capability event goes (a ledger, a log). */
export type AuditSink = (event: AuditEvent) => void;

/** One auditable event from the token, CSpace or pledge layers. */
export interface AuditEvent {
  /** What happened. */
  readonly kind:
    | 'grant'
    | 'attenuate'
    | 'delegate'
    | 'revoke'
    | 'deny'
    | 'escalation'
    | 'respawn'
    | 'pledge'
    | 'unveil'
    | 'use';
  /** Who did it: a fiber name or a hex key prefix. */
  readonly subject: string;
  /** What it concerned, e.g. `fs.read /etc/nexus`. */
  readonly detail: string;
  /** When, Unix milliseconds. */
  readonly atMs: number;
}
