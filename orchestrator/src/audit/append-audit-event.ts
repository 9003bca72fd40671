import { desc, sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { auditEvents } from "../db/schema";
import { auditEventHash, GENESIS_HASH, type AuditEvent, type AuditEventInput } from "./audit-hash";

/** A transaction handle, as drizzle's `db.transaction(async (tx) => …)` passes it. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Appends one event to the audit log inside the caller's transaction, so the event exists exactly when
 * the change it records does. Call it last in the transaction: it locks the log until commit, and taking
 * that lock last keeps the lock order the same everywhere (no deadlocks with row locks).
 */
export async function appendAuditEvent(tx: Tx, input: AuditEventInput, now = new Date()): Promise<AuditEvent> {
  // SHARE ROW EXCLUSIVE conflicts with itself and with inserts, not with reads: appends take turns, so
  // two can never read the same last event and fork the chain; readers and `spe audit verify` go on.
  await tx.execute(sql`lock table ${auditEvents} in share row exclusive mode`);
  const [last] = await tx
    .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.sequence))
    .limit(1);
  const event: Omit<AuditEvent, "hash"> = {
    sequence: (last?.sequence ?? 0) + 1,
    time: now.toISOString(),
    actor: { subject: input.actor.subject, role: input.actor.role, address: input.actor.address ?? null },
    action: input.action,
    target: input.target,
    // Through JSON once, so that what is hashed is what jsonb stores and gives back (no undefined, no Dates).
    details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
    previousHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = auditEventHash(event);
  await tx.insert(auditEvents).values({
    sequence: event.sequence,
    time: now,
    actorSubject: event.actor.subject,
    actorRole: event.actor.role,
    actorAddress: event.actor.address,
    action: event.action,
    target: event.target,
    details: event.details,
    previousHash: event.previousHash,
    hash,
  });
  return { ...event, hash };
}

/** Appends one event in a transaction of its own: for events that record no change, such as a refused sign-in. */
export function recordAuditEvent(db: Db, input: AuditEventInput, now = new Date()): Promise<AuditEvent> {
  return db.transaction((tx) => appendAuditEvent(tx, input, now));
}
