/**
 * The life of an export request as a table of transitions. Everything that changes a request's state
 * goes through `transition`, so a step the table does not allow cannot happen anywhere.
 */

export const REQUEST_STATES = [
  "draft",
  "submitted",
  "in_review",
  "approved",
  "changes_requested",
  "rejected",
  "released",
  "withdrawn",
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export type RequestEvent =
  /** The author sends it for checking: files are copied into quarantine, hashed and checked. */
  | "submit"
  /** The first checker votes. */
  | "review"
  /** The last vote decided every file. */
  | "approve"
  | "request_changes"
  | "reject"
  /** The approved files are published with a signed release record. */
  | "release"
  /** The author takes it back; only before a decision. */
  | "withdraw"
  /** The author sends new versions after changes were requested. */
  | "resubmit";

const TRANSITIONS: Record<RequestEvent, { from: readonly RequestState[]; to: RequestState }> = {
  submit: { from: ["draft"], to: "submitted" },
  review: { from: ["submitted"], to: "in_review" },
  approve: { from: ["submitted", "in_review"], to: "approved" },
  request_changes: { from: ["submitted", "in_review"], to: "changes_requested" },
  reject: { from: ["submitted", "in_review"], to: "rejected" },
  release: { from: ["approved"], to: "released" },
  withdraw: { from: ["draft", "submitted", "in_review", "changes_requested"], to: "withdrawn" },
  resubmit: { from: ["changes_requested"], to: "submitted" },
};

/** The state after `event`, or undefined when the table does not allow it from `state`. */
export function transition(state: RequestState, event: RequestEvent): RequestState | undefined {
  const rule = TRANSITIONS[event];
  return rule.from.includes(state) ? rule.to : undefined;
}

/** The states an event may start from, for error messages that say what would have been needed. */
export function statesAllowing(event: RequestEvent): readonly RequestState[] {
  return TRANSITIONS[event].from;
}

/** States in which checkers have work to do. */
export const UNDER_REVIEW: readonly RequestState[] = ["submitted", "in_review"];
