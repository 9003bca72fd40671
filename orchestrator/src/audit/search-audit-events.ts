import { and, desc, eq, gte, like, lt, lte, type SQL } from "drizzle-orm";
import type { Db } from "../db/database";
import { auditEvents } from "../db/schema";
import type { AuditEvent } from "./audit-hash";
import { toAuditEvent } from "./audit-events-query";

export interface AuditSearch {
  /** Exact target, e.g. `environment:spe-…`, or a prefix ending in `*` (`permit:SE-*`). */
  target?: string;
  actor?: string;
  /** Exact action, or a prefix ending in `*` (`environment.*`). */
  action?: string;
  from?: Date;
  to?: Date;
  /** Events before this sequence: the next page. */
  before?: number;
  limit: number;
}

const matches = (column: typeof auditEvents.target | typeof auditEvents.action, value: string): SQL =>
  value.endsWith("*") ? like(column, `${value.slice(0, -1).replace(/[\\%_]/g, "\\$&")}%`) : eq(column, value);

/** Auditors' search, newest first. */
export async function searchAuditEvents(db: Db, search: AuditSearch): Promise<AuditEvent[]> {
  const where = [
    search.target ? matches(auditEvents.target, search.target) : undefined,
    search.action ? matches(auditEvents.action, search.action) : undefined,
    search.actor ? eq(auditEvents.actorSubject, search.actor) : undefined,
    search.from ? gte(auditEvents.time, search.from) : undefined,
    search.to ? lte(auditEvents.time, search.to) : undefined,
    search.before ? lt(auditEvents.sequence, search.before) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.sequence))
    .limit(search.limit);
  return rows.map(toAuditEvent);
}
