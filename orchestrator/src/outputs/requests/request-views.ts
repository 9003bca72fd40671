import { claimsSeenBy, type ClaimsByRequest } from "./claims";
import type { ExportFileRow, ExportRequestRow, ExportVoteRow, LoadedRequest } from "./export-request-store";
import { permitPersons } from "./export-request-store";
import { researcherReport } from "../sdc/researcher-report";
import { permitEnded } from "./permit-standing";
import { requesterLeft } from "./requester-left";
import { votesVisible } from "./review-rules";

/**
 * What each kind of person sees of a request. Pure functions over loaded rows, so blinding is decided in
 * one place and tested without a database.
 */

const requestFields = (r: ExportRequestRow) => ({
  id: r.id,
  namespace: r.namespace,
  permitId: r.permitId,
  requester: r.requester,
  title: r.title,
  justification: r.justification,
  state: r.state,
  reviewersRequired: r.reviewersRequired,
  profile: r.profile,
  createdAt: r.createdAt,
  submittedAt: r.submittedAt,
  decidedAt: r.decidedAt,
  released: r.releaseRecord !== null,
});

/**
 * Why nothing more leaves through this request's permit, or null while it is in force; and why the request
 * cannot proceed because the permit no longer names its author, or null while it does.
 */
const endedFields = ({ standing, permit, request }: LoadedRequest, now: Date) => ({
  permitEnded: permitEnded(standing, now) ?? null,
  requesterRemoved: requesterLeft(permit, request.requester) ?? null,
});

const fileFields = (f: ExportFileRow) => ({
  path: f.path,
  version: f.version,
  type: f.type,
  size: f.size,
  sha256: f.sha256,
  submittedSha256: f.submittedSha256,
  checkStatus: f.checkStatus,
  checkReport: f.checkReport,
  decision: f.decision,
});

const votesOn = (votes: ExportVoteRow[], f: ExportFileRow) =>
  votes.filter((v) => v.path === f.path && v.version === f.version);

/**
 * The researchers' view: the checkers' votes and comments once a file is decided (a pending or conflicted
 * file shows only how many votes are in); checkers are not named, so no one lobbies them. Each file's
 * check report without what the checks read from the file (`researcherReport`): the checkers see that.
 */
export function researcherView(loaded: LoadedRequest, now = new Date()) {
  const { request, files, votes } = loaded;
  return {
    ...requestFields(request),
    ...endedFields(loaded, now),
    files: files.map((f) => {
      const on = votesOn(votes, f);
      const decided = f.decision !== "pending" && f.decision !== "conflicted";
      return {
        ...fileFields(f),
        checkReport: researcherReport(f.checkReport) ?? null,
        votesIn: on.length,
        reviews: decided ? on.map((v) => ({ vote: v.vote, comment: v.comment, at: v.castAt })) : [],
      };
    }),
  };
}

/**
 * An output checker's view: the justification, each file's check report whole (the counts, shares and df
 * the checks read, which they judge with the file in front of them), their own vote, and the other
 * checkers' votes only once the required number are in, so that every vote is cast independently.
 */
export function checkerView(loaded: LoadedRequest, checker: string, now = new Date()) {
  const { request, files, votes } = loaded;
  return {
    ...requestFields(request),
    ...endedFields(loaded, now),
    files: files.map((f) => {
      const on = votesOn(votes, f);
      const mine = on.find((v) => v.checker === checker);
      const open = !requesterLeft(loaded.permit, request.requester);
      const visible = votesVisible(f.decision);
      return {
        ...fileFields(f),
        votesIn: on.length,
        myVote: mine ? { vote: mine.vote, comment: mine.comment, at: mine.castAt } : null,
        votes: visible ? on.map((v) => ({ checker: v.checker, vote: v.vote, comment: v.comment, at: v.castAt })) : [],
        awaitingMe: open && !mine && (f.decision === "pending" || f.decision === "conflicted"),
      };
    }),
  };
}

/**
 * A checker's queue: requests under review they may vote on and have not finished, oldest first. Requests
 * whose permit has ended take no votes, so they are not work any more. Those of a person the permit no
 * longer names take none either, but stay listed, marked, so checkers see why they do not move. With each,
 * how many checkers have taken it and whether this one has (claimsSeenBy: never who).
 */
export function reviewQueue(
  requests: Array<LoadedRequest>,
  checker: string,
  now: Date,
  claims: ClaimsByRequest = new Map(),
) {
  return requests
    .filter(
      ({ request, permit, standing }) =>
        request.requester !== checker && !permitPersons(permit).includes(checker) && !permitEnded(standing, now),
    )
    .map((loaded) => {
      const view = checkerView(loaded, checker, now);
      const submitted = loaded.request.submittedAt ?? loaded.request.createdAt;
      return {
        id: view.id,
        title: view.title,
        namespace: view.namespace,
        permitId: view.permitId,
        state: view.state,
        reviewersRequired: view.reviewersRequired,
        submittedAt: submitted,
        ageHours: Math.floor((now.getTime() - submitted.getTime()) / 3_600_000),
        files: view.files.length,
        awaitingMe: view.files.filter((f) => f.awaitingMe).length,
        failedChecks: view.files.filter((f) => f.checkStatus === "fail").length,
        requesterRemoved: view.requesterRemoved !== null,
        ...claimsSeenBy(claims, view.id, checker),
      };
    })
    .filter((r) => r.awaitingMe > 0 || r.requesterRemoved)
    .sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
}
