import { and, asc, eq, gte, inArray, isNotNull, or, sql } from "drizzle-orm";
import { auditEvents, exportRequests } from "../db/schema";
import { operatorProcedure, router } from "./trpc";

/** The audit actions that move an environment between the states operators count. */
const ENVIRONMENT_ACTIONS = [
  "environment.suspended",
  "environment.resumed",
  "environment.teardown-requested",
  "environment.torn-down",
];

export const statisticsRouter = router({
  /**
   * Every change of an environment's state, oldest first, from the audit log: the log holds each one with
   * its time, where the environment rows keep only the latest. A permit's import names its environment.
   */
  environmentTransitions: operatorProcedure.query(async ({ ctx }) => {
    const rows = await ctx.services.database.db
      .select({
        time: auditEvents.time,
        action: auditEvents.action,
        target: auditEvents.target,
        namespace: sql<string | null>`${auditEvents.details}->>'namespace'`,
        outcome: sql<string | null>`${auditEvents.details}->>'outcome'`,
      })
      .from(auditEvents)
      .where(
        or(
          inArray(auditEvents.action, ENVIRONMENT_ACTIONS),
          and(
            eq(auditEvents.action, "permit.imported"),
            inArray(sql`${auditEvents.details}->>'outcome'`, ["created", "revoked"]),
          ),
        ),
      )
      .orderBy(asc(auditEvents.sequence));
    return rows.flatMap((r) => {
      const namespace = r.action === "permit.imported" ? r.namespace : r.target.replace(/^environment:/, "");
      if (!namespace) return [];
      const action =
        r.action === "permit.imported"
          ? r.outcome === "revoked"
            ? "environment.teardown-requested"
            : "environment.created"
          : r.action;
      return [{ time: r.time, namespace, action }];
    });
  }),
  /**
   * Each decided export request's latest submission and its decision: how long people wait for review. A
   * request resubmitted after changes were requested counts only once decided again.
   */
  reviewTurnaround: operatorProcedure.query(({ ctx }) =>
    ctx.services.database.db
      .select({
        id: exportRequests.id,
        state: exportRequests.state,
        submittedAt: exportRequests.submittedAt,
        decidedAt: exportRequests.decidedAt,
      })
      .from(exportRequests)
      .where(
        and(
          isNotNull(exportRequests.submittedAt),
          isNotNull(exportRequests.decidedAt),
          gte(exportRequests.decidedAt, exportRequests.submittedAt),
        ),
      )
      .orderBy(asc(exportRequests.decidedAt)),
  ),
});
