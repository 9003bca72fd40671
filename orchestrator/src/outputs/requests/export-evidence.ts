import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/database";
import { exportFiles, exportRequests, exportVotes } from "../../db/schema";

/**
 * Every export request of a permit as a supervisor needs to see it: what was asked, each file version
 * with its hash, check result and decision, who reviewed it how and when, and whether it was released.
 */
export async function exportsOfPermit(db: Db, permitId: string) {
  const requests = await db
    .select()
    .from(exportRequests)
    .where(eq(exportRequests.permitId, permitId))
    .orderBy(asc(exportRequests.createdAt));
  if (!requests.length) return [];
  const ids = requests.map((r) => r.id);
  const files = await db
    .select()
    .from(exportFiles)
    .where(inArray(exportFiles.requestId, ids))
    .orderBy(asc(exportFiles.path), asc(exportFiles.version));
  const votes = await db
    .select()
    .from(exportVotes)
    .where(inArray(exportVotes.requestId, ids))
    .orderBy(asc(exportVotes.castAt));
  return requests.map((r) => ({
    id: r.id,
    title: r.title,
    requester: r.requester,
    state: r.state,
    submittedAt: r.submittedAt,
    decidedAt: r.decidedAt,
    released: r.releaseRecord !== null,
    files: files
      .filter((f) => f.requestId === r.id)
      .map((f) => ({
        path: f.path,
        version: f.version,
        sha256: f.sha256,
        checkStatus: f.checkStatus,
        decision: f.decision,
        reviews: votes
          .filter((v) => v.requestId === r.id && v.path === f.path && v.version === f.version)
          .map((v) => ({ checker: v.checker, vote: v.vote, at: v.castAt })),
      })),
  }));
}
