import { and, count, desc, eq, inArray, max, sql } from "drizzle-orm";
import { toAuditEvent } from "../audit/audit-events-query";
import type { Db } from "../db/database";
import {
  auditEvents,
  deliveries,
  environmentConditionChanges,
  environments,
  exportFiles,
  exportRequests,
  permits,
  workspaceSessions,
} from "../db/schema";
import { departedPersons } from "./departed-homes";
import { toneOf } from "./environment-tones";

/** How much of an environment's history its page shows at once: the newest. */
export const DETAIL_LIMITS = { conditionChanges: 200, auditEvents: 100, deliveries: 100, exportRequests: 100 };

/**
 * Everything operators see on one environment's page, from the database only (Kubernetes' events are asked
 * for apart, so that a slow API server never holds the page): the environment and its permit, the permit's
 * persons with their workspace sessions, its conditions over time, deliveries, export requests and its audit
 * trail. Never a value of the data: deliveries and requests come as counts, states and hashes.
 */
export async function environmentDetail(db: Db, namespace: string) {
  const [row] = await db
    .select({ environment: environments, permit: permits })
    .from(environments)
    .innerJoin(permits, eq(environments.permitId, permits.permitId))
    .where(eq(environments.namespace, namespace));
  if (!row) return undefined;
  const { environment, permit } = row;
  const targets = [`environment:${namespace}`, `permit:${permit.permitId}`];
  const [sessions, opened, conditionChanges, deliveryRows, requests, trail, departed] = await Promise.all([
    db
      .select({ subject: workspaceSessions.subject, open: count() })
      .from(workspaceSessions)
      .where(eq(workspaceSessions.namespace, namespace))
      .groupBy(workspaceSessions.subject),
    db
      .select({ subject: auditEvents.actorSubject, at: max(auditEvents.time) })
      .from(auditEvents)
      .where(and(eq(auditEvents.target, targets[0]!), eq(auditEvents.action, "workspace.opened")))
      .groupBy(auditEvents.actorSubject),
    db
      .select({
        type: environmentConditionChanges.type,
        status: environmentConditionChanges.status,
        reason: environmentConditionChanges.reason,
        message: environmentConditionChanges.message,
        values: environmentConditionChanges.values,
        changedAt: environmentConditionChanges.changedAt,
      })
      .from(environmentConditionChanges)
      .where(eq(environmentConditionChanges.namespace, namespace))
      .orderBy(desc(environmentConditionChanges.changedAt), desc(environmentConditionChanges.id))
      .limit(DETAIL_LIMITS.conditionChanges),
    db
      .select({
        id: deliveries.id,
        datasetId: deliveries.datasetId,
        datasetVersion: deliveries.datasetVersion,
        deliveredBy: deliveries.deliveredBy,
        state: deliveries.state,
        rows: deliveries.rows,
        bytes: deliveries.bytes,
        findings: sql<number | null>`jsonb_array_length(${deliveries.report}->'issues')`,
        createdAt: deliveries.createdAt,
        finishedAt: deliveries.finishedAt,
      })
      .from(deliveries)
      .where(eq(deliveries.permitId, permit.permitId))
      .orderBy(desc(deliveries.createdAt))
      .limit(DETAIL_LIMITS.deliveries),
    db
      .select({
        id: exportRequests.id,
        title: exportRequests.title,
        requester: exportRequests.requester,
        state: exportRequests.state,
        files: sql<number>`(select count(*)::int from ${exportFiles} where ${exportFiles.requestId} = ${exportRequests.id} and ${exportFiles.current})`,
        createdAt: exportRequests.createdAt,
        submittedAt: exportRequests.submittedAt,
        decidedAt: exportRequests.decidedAt,
      })
      .from(exportRequests)
      .where(eq(exportRequests.permitId, permit.permitId))
      .orderBy(desc(exportRequests.createdAt))
      .limit(DETAIL_LIMITS.exportRequests),
    db
      .select()
      .from(auditEvents)
      .where(inArray(auditEvents.target, targets))
      .orderBy(desc(auditEvents.sequence))
      .limit(DETAIL_LIMITS.auditEvents),
    departedPersons(db, permit.permitId, permit.payload),
  ]);
  const payload = permit.payload;
  const ready = environment.conditions.find((c) => c.type === "Ready");
  return {
    namespace,
    permitId: permit.permitId,
    desiredState: environment.desiredState,
    tone: toneOf({ desiredState: environment.desiredState, ready }),
    generation: environment.generation,
    observedGeneration: environment.observedGeneration,
    conditions: environment.conditions,
    teardown: environment.teardown,
    createdAt: environment.createdAt,
    updatedAt: environment.updatedAt,
    stateSince: environment.stateSince,
    permit: {
      issuer: permit.issuer,
      sequence: permit.sequence,
      status: permit.status,
      receivedAt: permit.receivedAt,
      validFrom: permit.validFrom,
      validUntil: permit.validUntil,
      purpose: payload.purpose,
      datasets: payload.datasets,
      environment: payload.environment,
      outputPolicy: payload.outputPolicy,
      conditions: payload.conditions ?? null,
    },
    persons: payload.authorisedPersons.map((p) => ({
      subject: p.subject,
      name: p.name,
      email: p.email,
      principalInvestigator: p.subject === payload.principalInvestigator.subject,
      openSessions: sessions.find((s) => s.subject === p.subject)?.open ?? 0,
      lastOpened: opened.find((o) => o.subject === p.subject)?.at ?? null,
    })),
    /** Persons an amendment removed: their home is kept until teardown, or until an operator deleted it. */
    departedPersons: departed.map((p) => ({
      subject: p.subject,
      name: p.name,
      email: p.email,
      homeDeletedAt: environment.homeDeletions.find((d) => d.subject === p.subject)?.requestedAt ?? null,
    })),
    conditionChanges,
    deliveries: deliveryRows,
    exportRequests: requests,
    auditTrail: trail.map(toAuditEvent),
  };
}

export type EnvironmentDetail = NonNullable<Awaited<ReturnType<typeof environmentDetail>>>;
