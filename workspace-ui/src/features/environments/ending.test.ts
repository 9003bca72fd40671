import { describe, expect, it } from "vitest";
import { endingOf, type EndedEnvironment } from "./ending";

const base: EndedEnvironment = {
  desiredState: "torn-down",
  permitStatus: "granted",
  validUntil: "2027-06-30T00:00:00.000Z",
  updatedAt: "2026-12-07T10:00:00.000Z",
  teardown: null,
  teardownReason: null,
};

describe("how an environment ended", () => {
  it.each<[string, Partial<EndedEnvironment>, ReturnType<typeof endingOf>]>([
    ["not ended", { desiredState: "active" }, undefined],
    ["suspended", { desiredState: "suspended" }, undefined],
    [
      "torn down by an operator, in their words, while the deletion runs",
      {
        teardown: { reason: "operator", requestedAt: "2026-12-07T10:00:01.000Z" },
        teardownReason: "Projektet avslutat",
      },
      { why: "operator", at: "2026-12-07T10:00:01.000Z", reason: "Projektet avslutat" },
    ],
    [
      "torn down by an operator, once deleted",
      {
        teardown: {
          reason: "operator",
          requestedAt: "2026-12-07T10:00:01.000Z",
          completedAt: "2026-12-07T10:00:09.000Z",
        },
        teardownReason: "Projektet avslutat",
      },
      { why: "operator", at: "2026-12-07T10:00:09.000Z", reason: "Projektet avslutat" },
    ],
    [
      "revoked, before the reconciler wrote its record",
      { permitStatus: "revoked" },
      { why: "revoked", at: "2026-12-07T10:00:00.000Z" },
    ],
    [
      "run out, before the reconciler wrote its record",
      { validUntil: "2026-12-07T09:00:00.000Z" },
      { why: "expired", at: "2026-12-07T10:00:00.000Z" },
    ],
    [
      "run out, as the record says",
      { teardown: { reason: "expired", completedAt: "2026-12-08T00:00:05.000Z" } },
      { why: "expired", at: "2026-12-08T00:00:05.000Z" },
    ],
    [
      "by an operator who gave no reason we hold",
      {},
      { why: "operator", at: "2026-12-07T10:00:00.000Z", reason: null },
    ],
  ])("%s", (_, fields, expected) => {
    expect(endingOf({ ...base, ...fields })).toEqual(expected);
  });
});
