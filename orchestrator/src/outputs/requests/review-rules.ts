/**
 * The rules of human output review, as pure functions: how a file's votes become its decision, how the
 * files' decisions become the request's, who may vote and what a checker may see. No I/O, no clock.
 */

export const VOTES = ["approve", "request_changes", "reject"] as const;
export type Vote = (typeof VOTES)[number];

/** pending: fewer votes than required; conflicted: the required votes disagree about release and a further checker decides. */
export type FileDecision = "pending" | "conflicted" | "approved" | "changes_requested" | "rejected";

export interface CastVote {
  checker: string;
  vote: Vote;
  /** Order of casting; the earliest votes are the independent ones, a later one settles a conflict. */
  at: string;
}

const OUTCOME: Record<Vote, Exclude<FileDecision, "pending" | "conflicted">> = {
  approve: "approved",
  request_changes: "changes_requested",
  reject: "rejected",
};

/**
 * The fewest approvals that ever release a file: two independent human output checkers, as output checking
 * is practised (docs/architecture.md#data-out), whatever a permit or a stored request says.
 */
export const MIN_APPROVALS = 2;

/**
 * A file's decision from the votes on its current version, one vote per checker (their first). The first
 * `required` votes decide when they agree. When they are all against release but mixed (reject and
 * request changes) nobody wants the file out as it is, so there is no disagreement for a further checker
 * to settle: it is rejected, the stronger finding, since softening a rejection into a request for changes
 * would invite the same output back past the checker who rejected it. When approvals and votes against
 * release meet, the file is conflicted, and further checkers settle it in casting order: a vote against
 * release (reject, request changes) settles it that way, and an approval settles it only once the file
 * has `required` approvals in all. So no file is approved with fewer than `required` (and never fewer than
 * MIN_APPROVALS) approvals from distinct checkers, nor over the independent votes of checkers who all
 * opposed its release.
 */
export function fileDecision(votes: readonly CastVote[], required: number): FileDecision {
  const needed = Math.max(required, MIN_APPROVALS);
  const ordered = distinctByChecker(votes);
  if (ordered.length < needed) return "pending";
  const independent = ordered.slice(0, needed);
  const first = independent[0]!.vote;
  if (independent.every((v) => v.vote === first)) return OUTCOME[first];
  if (independent.every((v) => v.vote !== "approve")) return "rejected";
  let approvals = independent.filter((v) => v.vote === "approve").length;
  for (const settling of ordered.slice(needed)) {
    if (settling.vote !== "approve") return OUTCOME[settling.vote];
    if (++approvals >= needed) return "approved";
  }
  return "conflicted";
}

/** One vote per checker counts (the first); later ones by the same person are ignored. */
function distinctByChecker(votes: readonly CastVote[]): CastVote[] {
  const seen = new Set<string>();
  return [...votes]
    .sort((a, b) => a.at.localeCompare(b.at))
    .filter((v) => (seen.has(v.checker) ? false : (seen.add(v.checker), true)));
}

/** A request's outcome once every file is decided; undefined while any file waits for votes. */
export type RequestDecision = "approved" | "changes_requested" | "rejected";

/**
 * Files with changes requested send the whole request back to its author (they revise, then everything
 * is released together). Otherwise the approved files are released even if others were rejected: a
 * rejected table should not hold back a harmless one. Only when nothing was approved is it rejected.
 */
export function requestDecision(files: readonly FileDecision[]): RequestDecision | undefined {
  if (files.length === 0 || files.some((f) => f === "pending" || f === "conflicted")) return undefined;
  if (files.includes("changes_requested")) return "changes_requested";
  return files.includes("approved") ? "approved" : "rejected";
}

export interface VoteContext {
  checker: string;
  /** The person who made the request. */
  requester: string;
  /** Everyone the permit names (principal investigator and authorised persons). */
  permitPersons: readonly string[];
  /** Who has voted on this version of the file already. */
  votedBy: readonly string[];
  decision: FileDecision;
}

/** Why this checker may not vote on this file now, or undefined when they may. */
export function voteRefusal(c: VoteContext): string | undefined {
  if (c.checker === c.requester) return "You made this request; its author can never review it.";
  if (c.permitPersons.includes(c.checker))
    return "You are named in this permit; people on the permit cannot review its outputs.";
  if (c.votedBy.includes(c.checker)) return "You have already voted on this version of the file.";
  if (c.decision !== "pending" && c.decision !== "conflicted") return "This file is already decided.";
  return undefined;
}

/**
 * Whether a checker may see the other checkers' votes on a file: not before they are all in (so each vote
 * is independent), except that a checker settling a conflict must see what they are settling.
 */
export function votesVisible(decision: FileDecision): boolean {
  return decision !== "pending";
}
