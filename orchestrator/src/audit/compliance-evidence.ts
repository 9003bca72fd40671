import { and, desc, eq, lte, or } from "drizzle-orm";
import * as k8s from "@kubernetes/client-node";
import { z } from "zod";
import { activityCounts } from "../activity/activity-queries";
import { activityVerification } from "../activity/verify-activity-record";
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
import { GENESIS_HASH } from "./audit-hash";
import { verifyAuditChain, type AuditChainResult } from "./verify-audit-chain";
import { verifyAuditLog, type AuditLogVerification, type CheckpointSource } from "./verify-audit-log";

/**
 * What teardown recorded, read defensively: environments/reconcile.ts writes it, but records written by
 * earlier versions lack fields (the staged data came later), and an auditor's report must still open.
 */
const teardownRecordSchema = z.object({
  reason: z.enum(["revoked", "expired", "operator"]).optional().catch(undefined),
  requestedAt: z.string().optional().catch(undefined),
  /** The objects in the namespace when its deletion was asked for, as Kind/name. */
  objects: z.array(z.string()).catch([]),
  /** Every volume in it, with what it held, whose it was and its size (environments/deleted-volumes.ts). */
  volumes: z
    .array(
      z.object({
        claim: z.string(),
        holds: z.enum(["data", "project", "home", "kept-home", "other"]).catch("other"),
        person: z.string().optional(),
        size: z.string(),
      }),
    )
    .catch([]),
  /** What was staged into it, with each file's hash: the data the deletion removed. */
  stagedData: z.array(z.object({ datasetId: z.string(), version: z.string(), manifestSha256: z.string() })).catch([]),
  stagingDeleted: z.boolean().optional().catch(undefined),
  completedAt: z.string().optional().catch(undefined),
});

/** The audit log's last event (sequence 0 and 64 zeros for an empty log). */
async function auditChainHead(db: Db): Promise<{ sequence: number; hash: string }> {
  const [last] = await db
    .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.sequence))
    .limit(1);
  return last ?? { sequence: 0, hash: GENESIS_HASH };
}

/** The gateway's refusals of a workspace's people (orchestrator/src/gateway): each is an audit event. */
const WORKSPACE_REFUSALS = [
  "workspace.websocket-refused",
  "workspace.websocket-closed",
  "workspace.transfer-refused",
] as const;
type WorkspaceRefusal = (typeof WORKSPACE_REFUSALS)[number];
const isWorkspaceRefusal = (action: string): action is WorkspaceRefusal => WORKSPACE_REFUSALS.some((a) => a === action);
const refusalReason = (details: Record<string, unknown>) => String(details.reason ?? details.route ?? "");

/**
 * One EHDS requirement on a secure processing environment (Art. 73; docs/architecture.md#threat-model) and
 * what shows it is met: `id` is stable for programs and the UI, `requirement` says it in English.
 */
function requirement<Id extends string, Evidence>(
  id: Id,
  requirement: string,
  evidence: Evidence,
  gaps: string[] = [],
) {
  return { id, requirement, evidence, gaps };
}

/** Who issues the report: the installation, by the name and address it is known by (INSTALLATION_NAME, PUBLIC_URL). */
export interface EvidenceIssuer {
  name: string;
  url: string;
}

/** An installation that names itself nowhere: what the embedded default and tests report as. */
export const UNNAMED_ISSUER: EvidenceIssuer = { name: "Secure processing environment", url: "http://localhost" };

export interface EvidenceOptions {
  now?: Date;
  config?: EnvironmentConfig;
  /** The signed audit checkpoints the log is verified against; without them only the chain itself is. */
  checkpoints?: CheckpointSource;
  /** The record of activities' signed checkpoints, likewise. */
  activityCheckpoints?: CheckpointSource;
  issuer?: EvidenceIssuer;
}

/**
 * The compliance evidence for one environment, for the supervisory authority: each requirement with its
 * evidence, from the permit, the audit log and the cluster as it is now. It names its issuer and the audit
 * chain's head it was built from, so that a signed copy says whose it is and which log it stands on.
 */
export async function complianceEvidence(db: Db, kube: Kube, namespace: string, options: EvidenceOptions = {}) {
  const { now = new Date(), config = defaultEnvironmentConfig, checkpoints, activityCheckpoints } = options;
  const issuer = options.issuer ?? UNNAMED_ISSUER;
  const environment = await getEnvironment(db, namespace);
  if (!environment) return undefined;
  const permit = await getPermit(db, environment.permitId);
  const payload = permit.payload;
  // The head first, and no event after it: what the report lists is exactly the log up to the head it names.
  const head = await auditChainHead(db);
  const events = (
    await db
      .select()
      .from(auditEvents)
      .where(
        and(
          lte(auditEvents.sequence, head.sequence),
          or(
            eq(auditEvents.target, `environment:${namespace}`),
            eq(auditEvents.target, `permit:${environment.permitId}`),
          ),
        ),
      )
      .orderBy(auditEvents.sequence)
  ).map(toAuditEvent);
  // Not the client's own message, which can name internal hosts or identities: what kind of failure it was.
  const isolation = await kube.isolationInForce(namespace).catch((err: unknown) => ({
    error:
      err instanceof k8s.ApiException
        ? `The Kubernetes API answered ${err.code}.`
        : "The Kubernetes API could not be reached.",
  }));
  const chain: AuditChainResult & Partial<Pick<AuditLogVerification, "checkpoint">> = checkpoints
    ? await verifyAuditLog(db, checkpoints)
    : await verifyAuditChain(db);
  const staged = await stagedDatasets(db, environment.permitId);
  const deliveryRecords = await db
    .select({
      id: deliveries.id,
      dataset: deliveries.datasetId,
      version: deliveries.datasetVersion,
      state: deliveries.state,
      deliveredBy: deliveries.deliveredBy,
      uploadSha256: deliveries.uploadSha256,
      manifestSha256: deliveries.manifestSha256,
      rows: deliveries.rows,
      finishedAt: deliveries.finishedAt,
    })
    .from(deliveries)
    .where(eq(deliveries.permitId, environment.permitId))
    .orderBy(deliveries.createdAt);
  const exports = await exportsOfPermit(db, environment.permitId);
  // What each person did inside, as counts per kind: never the code itself, which only auditors read in the UI.
  const activity = {
    chain: await activityVerification(db, activityCheckpoints),
    persons: await activityCounts(db, namespace),
  };

  // A record of no known shape at all still lets the report open: as a teardown nothing can be said of.
  const teardown = environment.teardown
    ? (teardownRecordSchema.safeParse(environment.teardown).data ?? teardownRecordSchema.parse({}))
    : null;
  const awaiting = datasetsAwaitingDelivery({ permit: payload, staged });

  // A fixed order, so that a reader (and the UI) can take the requirements by position as well as by id.
  const requirements = [
    requirement("access", "Access only for the natural persons named in the permit", {
      authorisedPersons: payload.authorisedPersons,
      principalInvestigator: payload.principalInvestigator,
      rule: "Researchers see and open only environments whose permit names their OIDC subject.",
      workspaceSessions: events
        .filter((e) => e.action === "workspace.opened" || e.action === "workspace.websocket-opened")
        .map((e) => ({ who: e.actor.subject, when: e.time, action: e.action })),
      // What the gateway held back: a socket from another site's page, one closed when its right ended, a download route.
      workspaceRefusals: events.flatMap(({ actor, time, action, details }) =>
        isWorkspaceRefusal(action) ? [{ who: actor.subject, when: time, action, reason: refusalReason(details) }] : [],
      ),
    }),
    requirement(
      "isolation",
      "Isolation: no traffic in or out but through the gateway; Pod Security restricted",
      isolation === undefined
        ? { state: "deleted" as const, teardown }
        : "error" in isolation
          ? { state: "unknown" as const, error: isolation.error }
          : // What the policies in force in the cluster let through, read from the cluster now, not from what we meant to apply.
            { state: "in-force" as const, inForce: isolation, analysis: analyseNetwork(isolation.networkPolicies) },
    ),
    requirement(
      "data",
      "Only the data covered by the permit",
      { datasets: payload.datasets, staged, deliveries: deliveryRecords, awaitingDelivery: awaiting },
      awaiting.map((d) => `${d} has not been delivered yet.`),
    ),
    requirement("logs", "Identifiable, tamper-evident logs of access and activity", { chain, events, activity }),
    requirement("outputs", "Only non-personal outputs leave, after checks and two reviewers", {
      outputPolicy: payload.outputPolicy,
      exports,
    }),
    requirement("duration", "Limited duration; teardown at the permit's end or on revocation, with proof of deletion", {
      validFrom: payload.validFrom,
      validUntil: payload.validUntil,
      status: permit.status,
      desiredState: environment.desiredState,
      teardown,
    }),
  ] as const;
  return {
    issuer: { name: issuer.name, url: issuer.url },
    generatedAt: now.toISOString(),
    /** The audit log as the report was built from it: its last event, and the signed checkpoint it was held against. */
    auditChain: { ...head, checkpoint: chain.checkpoint ?? null },
    environment: {
      namespace,
      permitId: environment.permitId,
      desiredState: environment.desiredState,
      // Each condition's reason, not Kubernetes' own sentence and its values: those name images, nodes and
      // cluster addresses, which are for operators and would travel with every signed copy of the report.
      conditions: environment.conditions.map(({ message: _message, values: _values, ...condition }) => ({
        ...condition,
        message: "",
      })),
      createdAt: environment.createdAt.toISOString(),
    },
    permit: {
      permitId: permit.permitId,
      issuer: payload.issuer,
      purpose: payload.purpose,
      conditions: payload.conditions ?? null,
      revisions: permit.revisions,
    },
    requirements,
    /** What the NetworkPolicies the orchestrator applies to this environment let in and out, derived from them. */
    network: analyseNetwork(networkPolicies({ namespace }, config)),
  };
}
