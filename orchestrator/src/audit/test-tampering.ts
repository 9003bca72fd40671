import { asc, sql } from "drizzle-orm";
import type { Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { auditEventHash, GENESIS_HASH, type AuditEvent } from "./audit-hash";
import { toAuditEvent } from "./audit-events-query";

/**
 * What someone with the database's owner rights can do and the chain alone cannot show: put back a log of
 * their making, every sequence, link and hash recomputed with the project's own code, past the trigger.
 */
export async function forgeLog(database: Database, edit: (events: AuditEvent[]) => AuditEvent[]): Promise<void> {
  const rows = await database.db.select().from(auditEvents).orderBy(asc(auditEvents.sequence));
  let previousHash = GENESIS_HASH;
  const forged = edit(rows.map(toAuditEvent)).map((event, i) => {
    const linked = { ...event, sequence: i + 1, previousHash };
    previousHash = auditEventHash(linked);
    return { ...linked, hash: previousHash };
  });
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
    await tx.execute(sql`delete from audit_events`);
    for (const e of forged)
      await tx.insert(auditEvents).values({
        sequence: e.sequence,
        time: new Date(e.time),
        actorSubject: e.actor.subject,
        actorRole: e.actor.role,
        actorAddress: e.actor.address,
        action: e.action,
        target: e.target,
        details: e.details,
        previousHash: e.previousHash,
        hash: e.hash,
      });
    await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
  });
}
