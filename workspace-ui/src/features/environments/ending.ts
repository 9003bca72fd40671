/** What a researcher's list needs to say how an environment ended (environments.mine). */
export interface EndedEnvironment {
  desiredState: string;
  permitStatus: "granted" | "revoked";
  validUntil: string;
  updatedAt: string;
  teardown: Record<string, unknown> | null;
  teardownReason: string | null;
}

export type Ending =
  { why: "revoked" | "expired"; at: string } | { why: "operator"; at: string; reason: string | null };

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * Why and when an environment ended: the teardown record's reason once the reconciler wrote it (before then,
 * the permit says whether it was revoked or ran out), the operator's own words when they ended it, and the
 * time the deletion finished, or was asked for while it still runs. Undefined for one that has not ended.
 */
export function endingOf(e: EndedEnvironment): Ending | undefined {
  if (e.desiredState !== "torn-down") return undefined;
  const recorded = text(e.teardown?.reason);
  const why =
    recorded === "revoked" || recorded === "expired" || recorded === "operator"
      ? recorded
      : e.permitStatus === "revoked"
        ? "revoked"
        : new Date(e.validUntil) <= new Date(e.updatedAt)
          ? "expired"
          : "operator";
  const at = text(e.teardown?.completedAt) ?? text(e.teardown?.requestedAt) ?? e.updatedAt;
  return why === "operator" ? { why, at, reason: e.teardownReason } : { why, at };
}
