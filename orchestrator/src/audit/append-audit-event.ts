import { sql } from "drizzle-orm";
import type { Db } from "../db/database";
import { notifyOfAuditEvent } from "../notifications/audit-notifications";
import { auditEventHash, GENESIS_HASH, type AuditEvent, type AuditEventInput } from "./audit-hash";

/** A transaction handle, as drizzle's `db.transaction(async (tx) => …)` passes it. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Appends one event to the audit log inside the caller's transaction, so the event exists exactly when
 * the change it records does. Call it last in the transaction: it locks the log until commit, and taking
 * that lock last keeps the lock order the same everywhere (no deadlocks with row locks).
 */
export async function appendAuditEvent(tx: Tx, input: AuditEventInput, now = new Date()): Promise<AuditEvent> {
  // Through the migration role's functions (migration 0010): the runtime role may not lock, insert into or
  // change the table itself. The lock conflicts with itself and with inserts, not with reads: appends take
  // turns until commit, so two can never read the same last event and fork the chain.
  const head = await tx.execute(sql`select head_sequence, head_hash from audit_events_lock_head()`);
  const [row] = rowsOf<{ head_sequence: string | number; head_hash: string }>(head);
  const last = row ? { sequence: Number(row.head_sequence), hash: row.head_hash } : undefined;
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
  await tx.execute(
    sql`select audit_events_append(${event.sequence}, ${event.time}::timestamptz, ${event.actor.subject}, ${event.actor.role},
      ${event.actor.address}, ${event.action}, ${event.target}, ${JSON.stringify(event.details)}::jsonb,
      ${event.previousHash}, ${hash})`,
  );
  // The notification outbox row, if the event calls for one, commits or rolls back with the event.
  await notifyOfAuditEvent(tx, event, now);
  return { ...event, hash };
}

// Both drivers answer execute() with { rows }; the shared database type does not say so.
const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

/** Appends one event in a transaction of its own: for events that record no change, such as a refused sign-in. */
export function recordAuditEvent(db: Db, input: AuditEventInput, now = new Date()): Promise<AuditEvent> {
  return db.transaction((tx) => appendAuditEvent(tx, input, now));
}
