import { and, eq, inArray } from "drizzle-orm";
import { appendAuditEvent } from "../../audit/append-audit-event";
import type { AuditActor } from "../../audit/audit-hash";
import type { Db } from "../../db/database";
import { exportClaims } from "../../db/schema";
import { SpeError } from "../../errors";
import { loadRequest, permitPersons } from "./export-request-store";
import { UNDER_REVIEW } from "./request-state";

/** Who has taken which request: the checkers per request id. */
export type ClaimsByRequest = ReadonlyMap<string, readonly string[]>;

/** What a checker may know of a request's claims: how many, and whether one is theirs; never whose. */
export function claimsSeenBy(claims: ClaimsByRequest, requestId: string, checker: string) {
  const on = claims.get(requestId) ?? [];
  return { claims: on.length, claimedByMe: on.includes(checker) };
}

export async function loadClaims(db: Db, requestIds: readonly string[]): Promise<ClaimsByRequest> {
  if (!requestIds.length) return new Map();
  const rows = await db
    .select({ requestId: exportClaims.requestId, checker: exportClaims.checker })
    .from(exportClaims)
    .where(inArray(exportClaims.requestId, [...requestIds]));
  const claims = new Map<string, string[]>();
  for (const row of rows) claims.set(row.requestId, [...(claims.get(row.requestId) ?? []), row.checker]);
  return claims;
}

/**
 * A checker takes a request under review ("I take it"); taking it twice changes nothing. Someone the
 * permit names gets the answer for a request that does not exist, as when they try to open it.
 */
export async function claimRequest(db: Db, id: string, actor: AuditActor, now = new Date()): Promise<void> {
  const { request, permit } = await loadRequest(db, id);
  if (request.requester === actor.subject || permitPersons(permit).includes(actor.subject))
    throw new SpeError("EXPORT_REQUEST_NOT_FOUND", `There is no export request ${id} for you to review.`);
  if (!UNDER_REVIEW.includes(request.state))
    throw new SpeError(
      "EXPORT_REQUEST_STATE_CONFLICT",
      `This request is ${request.state}; only a request waiting for checkers can be taken.`,
    );
  await db.transaction(async (tx) => {
    const [taken] = await tx
      .insert(exportClaims)
      .values({ requestId: id, checker: actor.subject, claimedAt: now })
      .onConflictDoNothing()
      .returning({ checker: exportClaims.checker });
    if (taken) await appendAuditEvent(tx, { actor, action: "export.claimed", target: `export:${id}` }, now);
  });
}

/** A checker hands a request back to the queue; a claim that was not there changes nothing. */
export async function releaseClaim(db: Db, id: string, actor: AuditActor, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [dropped] = await tx
      .delete(exportClaims)
      .where(and(eq(exportClaims.requestId, id), eq(exportClaims.checker, actor.subject)))
      .returning({ checker: exportClaims.checker });
    if (dropped) await appendAuditEvent(tx, { actor, action: "export.unclaimed", target: `export:${id}` }, now);
  });
}
