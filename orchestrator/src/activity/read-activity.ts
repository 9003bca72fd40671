import { recordAuditEvent } from "../audit/append-audit-event";
import type { AuditActor } from "../audit/audit-hash";
import type { Db } from "../db/database";
import { activityCounts, activityTimeline } from "./activity-queries";

export interface ActivityQuery {
  namespace: string;
  /** One person's timeline; all the environment's persons without it. */
  subject?: string;
  /** An entry's id: the page after it. */
  before?: string;
  limit: number;
}

/**
 * A page of an environment's record of activities for an auditor, with each person's counts: the read is
 * an audit event first (who read whose record), since the code it shows may hold values from the data.
 */
export async function readActivity(db: Db, reader: AuditActor, query: ActivityQuery) {
  await recordAuditEvent(db, {
    actor: reader,
    action: "activity.read",
    target: `environment:${query.namespace}`,
    details: { subject: query.subject ?? null, before: query.before ?? null },
  });
  const [page, persons] = await Promise.all([activityTimeline(db, query), activityCounts(db, query.namespace)]);
  return { persons, ...page };
}
