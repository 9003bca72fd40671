import type { PermitSummary } from "../permits/permit-queries";

type EnvironmentState = "provisioning" | "ready" | "suspended" | "torn-down";

/** A permit's environment status as the HDAB's system reads it: states with words, not our internals. */
export interface PermitStatusView {
  permitId: string;
  issuer: string;
  sequence: number;
  status: "granted" | "revoked";
  validity: { state: "not-yet-valid" | "valid" | "ended" | "revoked"; validFrom: string; validUntil: string };
  environment: {
    state: EnvironmentState;
    summary: string;
    conditions: Array<{
      type: string;
      status: "True" | "False" | "Unknown";
      reason: string;
      message: string;
      since: string;
    }>;
  } | null;
}

function validityOf(permit: PermitSummary, now: Date): PermitStatusView["validity"]["state"] {
  if (permit.status === "revoked") return "revoked";
  if (Date.parse(permit.validUntil) <= now.getTime()) return "ended";
  if (Date.parse(permit.validFrom) > now.getTime()) return "not-yet-valid";
  return "valid";
}

/**
 * Ready only when the reconciler has seen the latest generation and says Ready: a condition about an
 * older generation (before a delivery or an amendment) would claim more than is true.
 */
function environmentOf(
  environment: NonNullable<PermitSummary["environment"]>,
): NonNullable<PermitStatusView["environment"]> {
  const conditions = environment.conditions.map((c) => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    since: c.lastTransitionTime,
  }));
  const ready = environment.conditions.find((c) => c.type === "Ready");
  const current = environment.observedGeneration >= environment.generation;
  let state: EnvironmentState;
  let summary: string;
  if (environment.desiredState === "torn-down") {
    state = "torn-down";
    summary =
      "Torn down: the permit was revoked or ended, and its namespace and staged data are deleted (or being deleted).";
  } else if (environment.desiredState === "suspended") {
    state = "suspended";
    summary = "Suspended by the operators: nobody can open the workspace until it is resumed.";
  } else if (current && ready?.status === "True") {
    state = "ready";
    summary = "Ready: the researchers named in the permit can open their workspaces in it.";
  } else {
    state = "provisioning";
    summary =
      ready && ready.status !== "True"
        ? `Provisioning: ${ready.message}`
        : "Provisioning: the environment is being set up.";
  }
  return { state, summary, conditions };
}

/** The view of GET /api/v1/permits/{id}. */
export function permitStatusOf(permit: PermitSummary, now: Date): PermitStatusView {
  return {
    permitId: permit.permitId,
    issuer: permit.issuer,
    sequence: permit.sequence,
    status: permit.status,
    validity: { state: validityOf(permit, now), validFrom: permit.validFrom, validUntil: permit.validUntil },
    environment: permit.environment && environmentOf(permit.environment),
  };
}
