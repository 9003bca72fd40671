import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { appendAuditEvent, type Tx } from "../../audit/append-audit-event";
import type { AuditActor } from "../../audit/audit-hash";
import type { Db } from "../../db/database";
import { exportFiles, exportRequests, exportVotes } from "../../db/schema";
import { SpeError } from "../../errors";
import { outboxPath } from "./author-actions";
import { loadRequest, permitPersons, type LoadedRequest } from "./export-request-store";
import { lockPermitStanding } from "./permit-standing";
import { requestStopped } from "./requester-left";
import { releaseRecord, signReleaseRecord, type ReleaseSigner } from "./release-record";
import { transition, UNDER_REVIEW, type RequestState } from "./request-state";
import { fileDecision, requestDecision, voteRefusal, VOTES } from "./review-rules";

export const voteInput = z.object({
  id: z.uuid(),
  path: outboxPath,
  version: z.int().min(1),
  vote: z.enum(VOTES),
  comment: z.string().trim().max(5000).default(""),
});
export type VoteInput = z.infer<typeof voteInput>;

const DECISION_EVENT = { approved: "approve", changes_requested: "request_changes", rejected: "reject" } as const;

/**
 * One output checker's vote on one version of one file, only while the request's permit is in force
 * (EXPORT_PERMIT_ENDED otherwise) and names the request's author (EXPORT_REQUESTER_REMOVED). In one transaction, under the request's row lock and a share lock on
 * its permit: the vote, the file's new decision, the request's (in review; decided once every file is), and when
 * files were approved their release with a signed record — each with its audit event.
 */
export async function castVote(
  db: Db,
  signer: ReleaseSigner,
  input: VoteInput,
  actor: AuditActor,
  now = new Date(),
): Promise<{ decision: string; state: RequestState }> {
  if (input.vote !== "approve" && !input.comment)
    throw new SpeError("EXPORT_VOTE_REFUSED", "Say in a comment what should change or why the file cannot leave.");
  return db.transaction(async (tx) => {
    const loaded = await loadRequest(tx, input.id, { lock: true });
    const { request, files, votes } = loaded;
    const standing = await lockPermitStanding(tx, request.permitId);
    if (!standing)
      throw new SpeError(
        "EXPORT_PERMIT_ENDED",
        `Permit ${request.permitId} has no environment: nothing leaves through it.`,
      );
    // The permit as it stands under the lock, not as it was read with the request.
    const permit = standing.payload;
    const stopped = requestStopped({ permit, standing, request }, now);
    if (stopped) throw new SpeError(stopped.code, stopped.message);
    if (!UNDER_REVIEW.includes(request.state))
      throw new SpeError(
        "EXPORT_REQUEST_STATE_CONFLICT",
        `This request is ${request.state}; only submitted requests take votes.`,
      );
    const file = files.find((f) => f.path === input.path);
    if (!file) throw new SpeError("EXPORT_FILE_REFUSED", `${input.path} is not part of this request.`);
    if (file.version !== input.version)
      throw new SpeError(
        "EXPORT_REQUEST_STATE_CONFLICT",
        `${input.path} has a newer version (${file.version}); review that one.`,
      );
    const onFile = votes.filter((v) => v.path === file.path);
    const refusal = voteRefusal({
      checker: actor.subject,
      requester: request.requester,
      permitPersons: permitPersons(permit),
      votedBy: onFile.map((v) => v.checker),
      decision: file.decision,
    });
    if (refusal) throw new SpeError("EXPORT_VOTE_REFUSED", refusal);

    const vote = {
      requestId: request.id,
      path: file.path,
      version: file.version,
      checker: actor.subject,
      vote: input.vote,
      comment: input.comment,
      castAt: now,
    };
    await tx.insert(exportVotes).values(vote);
    const decision = fileDecision(
      [...onFile, vote].map((v) => ({ checker: v.checker, vote: v.vote, at: v.castAt.toISOString() })),
      request.reviewersRequired,
    );
    await tx
      .update(exportFiles)
      .set({ decision })
      .where(
        and(
          eq(exportFiles.requestId, request.id),
          eq(exportFiles.path, file.path),
          eq(exportFiles.version, file.version),
        ),
      );
    const updatedFiles = files.map((f) => (f === file ? { ...f, decision } : f));
    const { state, releaseRecordJws } = await settleRequest(
      tx,
      signer,
      { ...loaded, files: updatedFiles, votes: [...votes, vote] },
      now,
    );

    await appendAuditEvent(
      tx,
      {
        actor,
        action: "export.vote-cast",
        target: `export:${request.id}`,
        details: {
          path: file.path,
          version: file.version,
          sha256: file.sha256,
          vote: input.vote,
          comment: input.comment,
          fileDecision: decision,
        },
      },
      now,
    );
    if (state !== request.state && state !== "in_review")
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "export.decided",
          target: `export:${request.id}`,
          details: {
            outcome: state === "released" ? "approved" : state,
            files: updatedFiles.map((f) => ({ path: f.path, version: f.version, decision: f.decision })),
          },
        },
        now,
      );
    if (releaseRecordJws)
      await appendAuditEvent(
        tx,
        {
          actor,
          action: "export.released",
          target: `export:${request.id}`,
          details: {
            files: updatedFiles
              .filter((f) => f.decision === "approved")
              .map((f) => ({ path: f.path, sha256: f.sha256 })),
            releaseRecord: releaseRecordJws,
          },
        },
        now,
      );
    return { decision, state };
  });
}

/**
 * The request's state after a vote: in review from the first vote; once every file is decided, approved
 * (and at once released, with the record signed), changes requested or rejected.
 */
async function settleRequest(
  tx: Tx,
  signer: ReleaseSigner,
  loaded: LoadedRequest,
  now: Date,
): Promise<{ state: RequestState; releaseRecordJws: string | null }> {
  const { request, files, votes } = loaded;
  let state: RequestState = transition(request.state, "review") ?? request.state;
  const outcome = requestDecision(files.map((f) => f.decision));
  let releaseRecordJws: string | null = null;
  if (outcome) {
    state = transition(state, DECISION_EVENT[outcome])!;
    if (state === "approved") {
      releaseRecordJws = await signReleaseRecord(releaseRecord({ ...request, state }, files, votes, now), signer);
      state = transition(state, "release")!;
    }
  }
  if (state !== request.state)
    await tx
      .update(exportRequests)
      .set({
        state,
        updatedAt: now,
        ...(outcome ? { decidedAt: now } : {}),
        ...(releaseRecordJws ? { releaseRecord: releaseRecordJws } : {}),
      })
      .where(eq(exportRequests.id, request.id));
  return { state, releaseRecordJws };
}
