import { eq, or } from "drizzle-orm";
import type { Db } from "../db/database";
import { auditEvents, deliveries } from "../db/schema";
import { stagedDatasets } from "../deliveries/staged-deliveries";
import { datasetsAwaitingDelivery } from "../environments/desired/environment-input";
import { networkPolicies } from "../environments/desired/network-policies";
import { defaultEnvironmentConfig, type EnvironmentConfig } from "../environments/environment-config";
import { getEnvironment } from "../environments/environment-queries";
import { analyseNetwork } from "../environments/network-analysis";
import type { Kube } from "../kube/client";
import { exportsOfPermit } from "../outputs/requests/export-evidence";
import { getPermit } from "../permits/permit-queries";
import { toAuditEvent } from "./audit-events-query";
import { verifyAuditChain } from "./verify-audit-chain";

/** One EHDS requirement on a secure processing environment (DESIGN §1) and what shows it is met. */
export interface Requirement {
  requirement: string;
  evidence: Record<string, unknown>;
  /** What this report cannot show yet, said plainly rather than left out. */
  gaps: string[];
}

/**
 * The compliance evidence for one environment, for the supervisory authority: each requirement with its
 * evidence, from the permit, the audit log and the cluster as it is now.
 */
export async function complianceEvidence(db: Db, kube: Kube, namespace: string, now = new Date(), config: EnvironmentConfig = defaultEnvironmentConfig) {
  const environment = await getEnvironment(db, namespace);
  if (!environment) return undefined;
  const permit = await getPermit(db, environment.permitId);
  const payload = permit.payload;
  const events = (
    await db
      .select()
      .from(auditEvents)
      .where(or(eq(auditEvents.target, `environment:${namespace}`), eq(auditEvents.target, `permit:${environment.permitId}`)))
      .orderBy(auditEvents.sequence)
  ).map(toAuditEvent);
  const isolation = await kube.isolationInForce(namespace).catch((err: Error) => ({ error: err.message }));
  const chain = await verifyAuditChain(db);
  const staged = await stagedDatasets(db, environment.permitId);
  const deliveryRecords = await db
    .select({ id: deliveries.id, dataset: deliveries.datasetId, version: deliveries.datasetVersion, state: deliveries.state, deliveredBy: deliveries.deliveredBy, uploadSha256: deliveries.uploadSha256, manifestSha256: deliveries.manifestSha256, rows: deliveries.rows, finishedAt: deliveries.finishedAt })
    .from(deliveries)
    .where(eq(deliveries.permitId, environment.permitId))
    .orderBy(deliveries.createdAt);
  const exports = await exportsOfPermit(db, environment.permitId);

  const requirements: Requirement[] = [
    {
      requirement: "Access only for the natural persons named in the permit",
      evidence: {
        authorisedPersons: payload.authorisedPersons,
        principalInvestigator: payload.principalInvestigator,
        rule: "Researchers see and open only environments whose permit names their OIDC subject.",
        workspaceSessions: events.filter((e) => e.action === "workspace.opened" || e.action === "workspace.websocket-opened").map((e) => ({ who: e.actor.subject, when: e.time, action: e.action })),
      },
      gaps: [],
    },
    {
      requirement: "Isolation: no traffic in or out but through the gateway; Pod Security restricted",
      evidence: isolation === undefined ? { namespace: "deleted", teardown: environment.teardown } : { inForce: isolation },
      gaps: [],
    },
    {
      requirement: "Only the data covered by the permit",
      evidence: { datasets: payload.datasets, staged, deliveries: deliveryRecords },
      gaps: datasetsAwaitingDelivery({ namespace, permit: payload, desiredState: "active", staged }).map((d) => `${d} has not been delivered yet.`),
    },
    {
      requirement: "Identifiable, tamper-evident logs of access and activity",
      evidence: { chain, events },
      gaps: [],
    },
    {
      requirement: "Only non-personal outputs leave, after checks and two reviewers",
      evidence: { outputPolicy: payload.outputPolicy, exports },
      gaps: [],
    },
    {
      requirement: "Limited duration; teardown at the permit's end or on revocation, with proof of deletion",
      evidence: { validFrom: payload.validFrom, validUntil: payload.validUntil, status: permit.status, desiredState: environment.desiredState, teardown: environment.teardown },
      gaps: [],
    },
  ];
  return {
    generatedAt: now.toISOString(),
    environment: { namespace, permitId: environment.permitId, desiredState: environment.desiredState, conditions: environment.conditions, createdAt: environment.createdAt.toISOString() },
    permit: { permitId: permit.permitId, issuer: payload.issuer, purpose: payload.purpose, conditions: payload.conditions ?? null, revisions: permit.revisions },
    requirements,
    /** What the NetworkPolicies the orchestrator applies to this environment let in and out, derived from them. */
    network: analyseNetwork(networkPolicies({ namespace, permit: payload, desiredState: environment.desiredState === "suspended" ? "suspended" : "active" }, config)),
  };
}
