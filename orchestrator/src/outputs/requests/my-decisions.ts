import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/database";
import { exportFiles, exportRequests, exportVotes } from "../../db/schema";

/** Votes per page of a checker's history. */
export const DECISIONS_PAGE_SIZE = 20;

export const myDecisionsInput = z.object({ page: z.int().min(0).max(10_000).default(0) });

/**
 * A checker's own past votes, newest first, with what became of each file and request: their record of
 * work, and a way back to a request they want to look at again. Only their own votes, so nothing blinded.
 */
export async function myDecisions(db: Db, checker: string, page: number) {
  const rows = await db
    .select({
      requestId: exportVotes.requestId,
      title: exportRequests.title,
      namespace: exportRequests.namespace,
      state: exportRequests.state,
      path: exportVotes.path,
      version: exportVotes.version,
      vote: exportVotes.vote,
      comment: exportVotes.comment,
      castAt: exportVotes.castAt,
      fileDecision: exportFiles.decision,
    })
    .from(exportVotes)
    .innerJoin(exportRequests, eq(exportRequests.id, exportVotes.requestId))
    .innerJoin(
      exportFiles,
      and(
        eq(exportFiles.requestId, exportVotes.requestId),
        eq(exportFiles.path, exportVotes.path),
        eq(exportFiles.version, exportVotes.version),
      ),
    )
    .where(eq(exportVotes.checker, checker))
    .orderBy(desc(exportVotes.castAt), exportVotes.requestId, exportVotes.path)
    // One more than a page says whether there is a next one without counting them all.
    .limit(DECISIONS_PAGE_SIZE + 1)
    .offset(page * DECISIONS_PAGE_SIZE);
  return { page, votes: rows.slice(0, DECISIONS_PAGE_SIZE), more: rows.length > DECISIONS_PAGE_SIZE };
}
