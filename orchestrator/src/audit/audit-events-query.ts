import { and, asc, gt, gte } from "drizzle-orm";
import type { Db } from "../db/database";
import { auditEvents } from "../db/schema";
import type { AuditEvent } from "./audit-hash";

type AuditRow = typeof auditEvents.$inferSelect;

const PAGE = 1000;

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    sequence: row.sequence,
    time: row.time.toISOString(),
    actor: { subject: row.actorSubject, role: row.actorRole, address: row.actorAddress },
    action: row.action,
    target: row.target,
    details: row.details,
    previousHash: row.previousHash,
    hash: row.hash,
  };
}

/**
 * Every event in sequence order (from `since` on, and from event `fromSequence` on, if given), a page at a time so that a long log is
 * never held in memory at once.
 */
export async function* auditEventsInOrder(
  db: Db,
  options: { since?: Date; fromSequence?: number } = {},
): AsyncGenerator<AuditEvent> {
  let after = (options.fromSequence ?? 1) - 1;
  for (;;) {
    const where = options.since
      ? [gt(auditEvents.sequence, after), gte(auditEvents.time, options.since)]
      : [gt(auditEvents.sequence, after)];
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(...where))
      .orderBy(asc(auditEvents.sequence))
      .limit(PAGE);
    for (const row of rows) yield toAuditEvent(row);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.sequence;
  }
}
