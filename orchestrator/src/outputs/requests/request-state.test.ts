import { describe, expect, it } from "vitest";
import { REQUEST_STATES, transition, type RequestEvent, type RequestState } from "./request-state";

const EVENTS: RequestEvent[] = [
  "submit",
  "review",
  "approve",
  "request_changes",
  "reject",
  "release",
  "withdraw",
  "resubmit",
];

/** Every state × every event: where it leads, or "-" when refused. Written out so a change shows here. */
const EXPECTED: Record<RequestState, Record<RequestEvent, RequestState | "-">> = {
  draft: {
    submit: "submitted",
    review: "-",
    approve: "-",
    request_changes: "-",
    reject: "-",
    release: "-",
    withdraw: "withdrawn",
    resubmit: "-",
  },
  submitted: {
    submit: "-",
    review: "in_review",
    approve: "approved",
    request_changes: "changes_requested",
    reject: "rejected",
    release: "-",
    withdraw: "withdrawn",
    resubmit: "-",
  },
  in_review: {
    submit: "-",
    review: "-",
    approve: "approved",
    request_changes: "changes_requested",
    reject: "rejected",
    release: "-",
    withdraw: "withdrawn",
    resubmit: "-",
  },
  approved: {
    submit: "-",
    review: "-",
    approve: "-",
    request_changes: "-",
    reject: "-",
    release: "released",
    withdraw: "-",
    resubmit: "-",
  },
  changes_requested: {
    submit: "-",
    review: "-",
    approve: "-",
    request_changes: "-",
    reject: "-",
    release: "-",
    withdraw: "withdrawn",
    resubmit: "submitted",
  },
  rejected: {
    submit: "-",
    review: "-",
    approve: "-",
    request_changes: "-",
    reject: "-",
    release: "-",
    withdraw: "-",
    resubmit: "-",
  },
  released: {
    submit: "-",
    review: "-",
    approve: "-",
    request_changes: "-",
    reject: "-",
    release: "-",
    withdraw: "-",
    resubmit: "-",
  },
  withdrawn: {
    submit: "-",
    review: "-",
    approve: "-",
    request_changes: "-",
    reject: "-",
    release: "-",
    withdraw: "-",
    resubmit: "-",
  },
};

describe("export request transitions", () => {
  const cases = REQUEST_STATES.flatMap((state) =>
    EVENTS.map((event) => [state, event, EXPECTED[state][event]] as const),
  );
  it.each(cases)("%s + %s → %s", (state, event, expected) => {
    expect(transition(state, event) ?? "-").toBe(expected);
  });

  it("has no way out of a final state", () => {
    for (const state of ["rejected", "released", "withdrawn"] as const)
      for (const event of EVENTS) expect(transition(state, event)).toBeUndefined();
  });
});
