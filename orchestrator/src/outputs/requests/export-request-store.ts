import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../audit/append-audit-event";
import type { Db } from "../../db/database";
import { environments, exportFiles, exportRequests, exportVotes, permits } from "../../db/schema";
import { SpeError } from "../../errors";
import type { PermitPayload } from "../../permits/permit";
import { standingColumns, type PermitStanding } from "./permit-standing";
import { UNDER_REVIEW, type RequestState } from "./request-state";

export type ExportRequestRow = typeof exportRequests.$inferSelect;
export type ExportFileRow = typeof exportFiles.$inferSelect;
export type ExportVoteRow = typeof exportVotes.$inferSelect;

export interface LoadedRequest {
  request: ExportRequestRow;
  permit: PermitPayload;
  /** Whether the permit is still in force (read with the request, not locked). */
  standing: PermitStanding;
  /** The current version of every file, by path. */
  files: ExportFileRow[];
  /** Votes on the current versions. */
  votes: ExportVoteRow[];
}

/** Everyone a permit names: only they may make or see its requests, and none of them may review them. */
export function permitPersons(permit: PermitPayload): string[] {
  return [...new Set([permit.principalInvestigator.subject, ...permit.authorisedPersons.map((p) => p.subject)])];
}

/**
 * A request with its permit, current files and their votes. In a transaction, `lock` takes the request's
 * row lock first, so concurrent votes and submits on one request take turns.
 */
export async function loadRequest(db: Db | Tx, id: string, { lock = false } = {}): Promise<LoadedRequest> {
  const base = db
    .select({ request: exportRequests, permit: permits.payload, standing: standingColumns })
    .from(exportRequests)
    .innerJoin(permits, eq(exportRequests.permitId, permits.permitId))
    .leftJoin(environments, eq(environments.permitId, exportRequests.permitId))
    .where(eq(exportRequests.id, id));
  const [row] = lock ? await base.for("update", { of: exportRequests }) : await base;
  if (!row) throw new SpeError("EXPORT_REQUEST_NOT_FOUND", `There is no export request ${id}.`);
  const [loaded] = await withCurrentFilesAndVotes(db, [row]);
  return loaded!;
}

/** Requests with the current version of each file and the votes on those versions (two queries for any number). */
async function withCurrentFilesAndVotes(
  db: Db | Tx,
  rows: Array<Pick<LoadedRequest, "request" | "permit" | "standing">>,
): Promise<LoadedRequest[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.request.id);
  const files = await db
    .select()
    .from(exportFiles)
    .where(and(inArray(exportFiles.requestId, ids), eq(exportFiles.current, true)))
    .orderBy(asc(exportFiles.path));
  const votes = await db
    .select()
    .from(exportVotes)
    .where(inArray(exportVotes.requestId, ids))
    .orderBy(asc(exportVotes.castAt));
  const current = new Set(files.map((f) => `${f.requestId}\0${f.path}\0${f.version}`));
  return rows.map(({ request, permit, standing }) => ({
    request,
    permit,
    standing,
    files: files.filter((f) => f.requestId === request.id),
    votes: votes.filter((v) => v.requestId === request.id && current.has(`${v.requestId}\0${v.path}\0${v.version}`)),
  }));
}

/**
 * Changes a request only if it is still in the state it was read in: two people acting on one request at
 * once cannot both succeed. Otherwise EXPORT_REQUEST_STATE_CONFLICT with `changedWhile` in the message.
 */
export async function updateIfStill(
  tx: Tx,
  id: string,
  state: RequestState,
  set: Partial<ExportRequestRow>,
  changedWhile: string,
): Promise<void> {
  const [row] = await tx
    .update(exportRequests)
    .set(set)
    .where(and(eq(exportRequests.id, id), eq(exportRequests.state, state)))
    .returning({ id: exportRequests.id });
  if (!row) throw new SpeError("EXPORT_REQUEST_STATE_CONFLICT", `The request changed ${changedWhile}; look again.`);
}

/**
 * A request as a person on its permit may see it; anyone else gets the same answer as for a request that
 * does not exist, so request ids reveal nothing about other permits.
 */
export async function loadRequestFor(
  db: Db | Tx,
  id: string,
  subject: string,
  options?: { lock?: boolean },
): Promise<LoadedRequest> {
  const loaded = await loadRequest(db, id, options);
  if (!permitPersons(loaded.permit).includes(subject))
    throw new SpeError("EXPORT_REQUEST_NOT_FOUND", `There is no export request ${id}.`);
  return loaded;
}

/** The requests of every permit that names this person, newest first. */
export function requestsOf(db: Db, subject: string) {
  return db
    .select({
      id: exportRequests.id,
      namespace: exportRequests.namespace,
      permitId: exportRequests.permitId,
      requester: exportRequests.requester,
      title: exportRequests.title,
      state: exportRequests.state,
      createdAt: exportRequests.createdAt,
      submittedAt: exportRequests.submittedAt,
      decidedAt: exportRequests.decidedAt,
      files: sql<number>`(select count(*)::int from ${exportFiles} where ${exportFiles.requestId} = ${exportRequests.id} and ${exportFiles.current})`,
      // Whether the permit no longer names the request's author (requesterLeft, in SQL).
      requesterRemoved: sql<boolean>`not (${permits.payload}->'authorisedPersons' @> jsonb_build_array(jsonb_build_object('subject', ${exportRequests.requester})) or ${permits.payload}->'principalInvestigator'->>'subject' = ${exportRequests.requester})`,
    })
    .from(exportRequests)
    .innerJoin(permits, eq(exportRequests.permitId, permits.permitId))
    .where(
      sql`(${permits.payload}->'authorisedPersons' @> ${JSON.stringify([{ subject }])}::jsonb or ${permits.payload}->'principalInvestigator'->>'subject' = ${subject})`,
    )
    .orderBy(sql`${exportRequests.createdAt} desc`);
}

/** Every request waiting for checkers, loaded whole. */
export async function loadRequestsUnderReview(db: Db): Promise<LoadedRequest[]> {
  const rows = await db
    .select({ request: exportRequests, permit: permits.payload, standing: standingColumns })
    .from(exportRequests)
    .innerJoin(permits, eq(exportRequests.permitId, permits.permitId))
    .leftJoin(environments, eq(environments.permitId, exportRequests.permitId))
    .where(inArray(exportRequests.state, [...UNDER_REVIEW]));
  return withCurrentFilesAndVotes(db, rows);
}
