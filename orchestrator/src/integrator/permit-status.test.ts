import { describe, expect, it } from "vitest";
import type { Condition } from "../db/schema";
import type { PermitSummary } from "../permits/permit-queries";
import { permitStatusOf } from "./permit-status";

const now = new Date("2027-01-01T00:00:00Z");
const condition = (type: string, status: Condition["status"], message: string): Condition => ({
  type,
  status,
  reason: status === "True" ? "Done" : "Waiting",
  message,
  observedGeneration: 2,
  lastTransitionTime: "2026-12-31T00:00:00Z",
});
const permit = (
  overrides: Partial<PermitSummary> = {},
  environment: Partial<NonNullable<PermitSummary["environment"]>> = {},
): PermitSummary => ({
  permitId: "SE-1",
  issuer: "https://hdab.example.se",
  sequence: 2,
  status: "granted",
  validFrom: "2026-11-02T00:00:00.000Z",
  validUntil: "2028-11-01T23:59:59.000Z",
  receivedAt: "2026-11-01T00:00:00.000Z",
  principalInvestigator: { subject: "alice", name: "Alice", email: "alice@uni.example" },
  environment: {
    namespace: "spe-se-1",
    desiredState: "active",
    generation: 2,
    observedGeneration: 2,
    conditions: [condition("Ready", "True", "The environment is ready for its researchers.")],
    ...environment,
  },
  ...overrides,
});

describe("permitStatusOf", () => {
  it.each<[string, PermitSummary, string, string, RegExp]>([
    ["ready at the current generation", permit(), "valid", "ready", /^Ready/],
    [
      "Ready, but for an older generation (a delivery since)",
      permit({}, { generation: 3 }),
      "valid",
      "provisioning",
      /^Provisioning/,
    ],
    [
      "waiting for data, in words",
      permit({}, { conditions: [condition("Ready", "False", "DataStaged: waiting for patientregistret@2026-09")] }),
      "valid",
      "provisioning",
      /^Provisioning: DataStaged: waiting for patientregistret@2026-09$/,
    ],
    ["suspended by the operators", permit({}, { desiredState: "suspended" }), "valid", "suspended", /^Suspended/],
    [
      "revoked and torn down",
      permit({ status: "revoked" }, { desiredState: "torn-down" }),
      "revoked",
      "torn-down",
      /^Torn down/,
    ],
    [
      "not yet valid",
      permit({ validFrom: "2027-06-01T00:00:00.000Z" }, { conditions: [] }),
      "not-yet-valid",
      "provisioning",
      /being set up/,
    ],
    ["ended", permit({ validUntil: "2026-12-01T00:00:00.000Z" }), "ended", "ready", /^Ready/],
  ])("%s", (_, input, validity, state, summary) => {
    const view = permitStatusOf(input, now);
    expect(view.validity.state).toBe(validity);
    expect(view.environment?.state).toBe(state);
    expect(view.environment?.summary).toMatch(summary);
  });

  it("names each condition with its message and since when, and nothing internal", () => {
    const view = permitStatusOf(permit(), now);
    expect(view.environment?.conditions).toEqual([
      {
        type: "Ready",
        status: "True",
        reason: "Done",
        message: "The environment is ready for its researchers.",
        since: "2026-12-31T00:00:00Z",
      },
    ]);
    expect(JSON.stringify(view)).not.toContain("spe-se-1");
  });
});
