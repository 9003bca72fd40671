import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Role } from "../auth/roles";

/** The previous hash of the first event: there is nothing before it. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Who acted: a signed-in person under one of their roles (or "person" for sign-in itself, which is not
 * done under one role), the HDAB's machine client, the orchestrator itself, or someone not yet known.
 */
export type AuditActorRole = Role | "person" | "hdab" | "data-holder" | "system" | "anonymous";

export interface AuditActor {
  subject: string;
  role: AuditActorRole;
  /** The client's address, when the action came over the network. */
  address?: string | null;
}

/** The orchestrator acting on its own (reconciler, expiry, start-up). */
export const SYSTEM_ACTOR: AuditActor = { subject: "system", role: "system", address: null };

/** What a caller records; sequence, time and hashes are the log's business. */
export interface AuditEventInput {
  actor: AuditActor;
  /** `domain.past-tense`: `permit.imported`, `environment.suspended`, `session.created`, … */
  action: string;
  /** `kind:id`: `permit:SE-2026-0001`, `environment:spe-se-2026-0001`, `session:alice`. */
  target: string;
  details?: Record<string, unknown>;
}

/** One event as stored and as exported. */
export interface AuditEvent {
  sequence: number;
  time: string;
  actor: { subject: string; role: string; address: string | null };
  action: string;
  target: string;
  details: Record<string, unknown>;
  previousHash: string;
  hash: string;
}

/**
 * SHA-256 (hex) over the RFC 8785 canonical JSON of everything in the event but its own hash. Canonical
 * JSON makes the hash independent of key order and of how jsonb hands `details` back.
 */
export function auditEventHash(event: Omit<AuditEvent, "hash">): string {
  const { sequence, time, actor, action, target, details, previousHash } = event;
  const canonical = canonicalize({
    sequence,
    time,
    actor: { subject: actor.subject, role: actor.role, address: actor.address },
    action,
    target,
    details,
    previousHash,
  });
  return createHash("sha256").update(canonical!).digest("hex");
}
