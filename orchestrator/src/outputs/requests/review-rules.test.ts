import { describe, expect, it } from "vitest";
import {
  fileDecision,
  requestDecision,
  voteRefusal,
  votesVisible,
  VOTES,
  type CastVote,
  type FileDecision,
  type Vote,
  type VoteContext,
} from "./review-rules";

/** Votes in casting order, by checkers c1, c2, … unless named. */
const votes = (...cast: Array<Vote | [string, Vote]>): CastVote[] =>
  cast.map((v, i) =>
    Array.isArray(v)
      ? { checker: v[0], vote: v[1], at: `2026-11-22T10:00:0${i}Z` }
      : { checker: `c${i + 1}`, vote: v, at: `2026-11-22T10:00:0${i}Z` },
  );

describe("fileDecision", () => {
  it.each<[string, CastVote[], number, FileDecision]>([
    ["no votes", [], 2, "pending"],
    ["one approval of two", votes("approve"), 2, "pending"],
    ["two approvals", votes("approve", "approve"), 2, "approved"],
    ["two approvals of three required", votes("approve", "approve"), 3, "pending"],
    ["three approvals of three", votes("approve", "approve", "approve"), 3, "approved"],
    ["the same checker twice is one vote", votes(["c1", "approve"], ["c1", "approve"]), 2, "pending"],
    [
      "a second vote by the same checker does not change theirs",
      votes(["c1", "reject"], ["c1", "approve"], ["c2", "approve"]),
      2,
      "conflicted",
    ],
    ["two rejections", votes("reject", "reject"), 2, "rejected"],
    ["two requests for changes", votes("request_changes", "request_changes"), 2, "changes_requested"],
    ["disagreement", votes("approve", "reject"), 2, "conflicted"],
    ["approve and request changes disagree too", votes("approve", "request_changes"), 2, "conflicted"],
    ["a third checker settles a conflict: approve", votes("approve", "reject", "approve"), 2, "approved"],
    ["a third checker settles a conflict: reject", votes("approve", "reject", "reject"), 2, "rejected"],
    [
      "a third checker settles a conflict: changes",
      votes("approve", "reject", "request_changes"),
      2,
      "changes_requested",
    ],
    [
      "votes count in casting order, not in the order given",
      [{ checker: "c2", vote: "reject", at: "2026-11-22T10:00:05Z" }, ...votes("approve", ["c3", "approve"])],
      2,
      "approved",
    ],
    // Independent votes all against release, though mixed, are no disagreement: the stronger finding decides.
    ["reject and request changes: rejected", votes("reject", "request_changes"), 2, "rejected"],
    ["request changes and reject: rejected", votes("request_changes", "reject"), 2, "rejected"],
    [
      "reject, request changes, then two approvals release nothing",
      votes("reject", "request_changes", "approve", "approve"),
      2,
      "rejected",
    ],
    [
      "three required: request changes twice and a rejection",
      votes("request_changes", "request_changes", "reject"),
      3,
      "rejected",
    ],
    [
      "three required: reject, request changes, then approvals",
      votes("reject", "request_changes", "reject", "approve", "approve", "approve"),
      3,
      "rejected",
    ],
    // A release needs the required approvals however the votes before it went.
    [
      "approve, reject, then request changes settles it",
      votes("approve", "reject", "request_changes"),
      2,
      "changes_requested",
    ],
    ["request changes, approve, then approve", votes("request_changes", "approve", "approve"), 2, "approved"],
    [
      "three required: two approvals and a rejection, then an approval",
      votes("approve", "reject", "approve", "approve"),
      3,
      "approved",
    ],
    [
      "three required: one approval after a split is not enough",
      votes("reject", "approve", "request_changes", "approve"),
      3,
      "conflicted",
    ],
    [
      "three required: a split, then approvals up to three",
      votes("reject", "approve", "request_changes", "approve", "approve"),
      3,
      "approved",
    ],
    [
      "three required: approve, reject, approve, then approve",
      votes("approve", "reject", "approve", "approve"),
      3,
      "approved",
    ],
    [
      "three required: a split settled only at the third approval",
      votes("approve", "request_changes", "reject"),
      3,
      "conflicted",
    ],
    ["a stored requirement of one still needs two approvals", votes("approve"), 1, "pending"],
    ["a stored requirement of one, two approvals", votes("approve", "approve"), 1, "approved"],
    [
      "the same checker approving twice after a split counts once",
      votes(["c1", "reject"], ["c2", "approve"], ["c3", "approve"], ["c3", "approve"]),
      2,
      "approved",
    ],
    [
      "one approval after a split from a checker who approved already is not a second",
      votes(["c1", "approve"], ["c2", "reject"], ["c1", "approve"]),
      2,
      "conflicted",
    ],
  ])("%s", (_, cast, required, expected) => {
    expect(fileDecision(cast, required)).toBe(expected);
  });
});

/** Every sequence of `length` votes by distinct checkers. */
function* sequences(length: number): Generator<Vote[]> {
  if (length === 0) return yield [];
  for (const rest of sequences(length - 1)) for (const vote of VOTES) yield [...rest, vote];
}

describe("fileDecision over every vote sequence", () => {
  it.each([1, 2, 3, 4])(
    "approves only with the required approvals from distinct checkers (required %i)",
    (required) => {
      let approved = 0;
      for (let length = 0; length <= 6; length++)
        for (const sequence of sequences(length)) {
          const decision = fileDecision(votes(...sequence), required);
          const approvals = sequence.filter((v) => v === "approve").length;
          if (decision === "approved") {
            approved++;
            expect(approvals, sequence.join(",")).toBeGreaterThanOrEqual(Math.max(required, 2));
          }
          // Checkers who all voted against release, however, are never overruled: the file is decided, not released.
          const needed = Math.max(required, 2);
          const independent = sequence.slice(0, needed);
          if (sequence.length >= needed && !independent.includes("approve"))
            expect(decision, sequence.join(",")).toBe(
              independent.includes("reject") ? "rejected" : "changes_requested",
            );
          // Once decided, a further vote (refused by voteRefusal anyway) would not change the decision.
          if (decision !== "pending" && decision !== "conflicted")
            for (const more of VOTES) expect(fileDecision(votes(...sequence, more), required)).toBe(decision);
        }
      expect(approved).toBeGreaterThan(0);
    },
  );
});

describe("requestDecision", () => {
  it.each<[FileDecision[], ReturnType<typeof requestDecision>]>([
    [[], undefined],
    [["pending"], undefined],
    [["approved", "pending"], undefined],
    [["approved", "conflicted"], undefined],
    [["approved"], "approved"],
    [["approved", "approved"], "approved"],
    [["approved", "rejected"], "approved"],
    [["rejected", "rejected"], "rejected"],
    [["approved", "changes_requested"], "changes_requested"],
    [["rejected", "changes_requested"], "changes_requested"],
  ])("%j → %s", (files, expected) => {
    expect(requestDecision(files)).toBe(expected);
  });
});

describe("voteRefusal", () => {
  const base: VoteContext = {
    checker: "karin",
    requester: "alice",
    permitPersons: ["alice", "bob"],
    votedBy: [],
    decision: "pending",
  };
  it.each<[string, Partial<VoteContext>, RegExp | undefined]>([
    ["an independent checker on a pending file", {}, undefined],
    [
      "an independent checker settling a conflict",
      { decision: "conflicted", votedBy: ["kalle", "kerstin"] },
      undefined,
    ],
    ["the requester", { checker: "alice" }, /author can never review/],
    ["another person on the permit", { checker: "bob" }, /named in this permit/],
    ["a checker who voted already", { votedBy: ["karin"] }, /already voted/],
    ["a decided file", { decision: "approved" }, /already decided/],
  ])("%s", (_, change, expected) => {
    const refusal = voteRefusal({ ...base, ...change });
    if (expected) expect(refusal).toMatch(expected);
    else expect(refusal).toBeUndefined();
  });
});

describe("votesVisible", () => {
  it.each<[FileDecision, boolean]>([
    ["pending", false],
    ["conflicted", true],
    ["approved", true],
    ["rejected", true],
  ])("%s → %s", (decision, visible) => expect(votesVisible(decision)).toBe(visible));
});
