import { describe, expect, it } from "vitest";
import { stateOf, type EnvironmentState } from "./environment-state";

const ready = (status: "True" | "False", reason: string, message = "") => [
  { type: "Ready", status, reason, message, observedGeneration: 1, lastTransitionTime: "2026-11-23T00:00:00Z" },
];

describe("an environment's state in words", () => {
  it.each<[string, EnvironmentState, ReturnType<typeof stateOf>]>([
    [
      "torn down and gone",
      { desiredState: "torn-down", conditions: ready("False", "TornDown") },
      { key: "tornDown", tone: "gone" },
    ],
    [
      "torn down, namespace still going",
      { desiredState: "torn-down", conditions: ready("True", "Ready") },
      { key: "tearingDown", tone: "working" },
    ],
    [
      "suspended, whatever its conditions",
      { desiredState: "suspended", conditions: ready("True", "Ready") },
      { key: "suspended", tone: "paused" },
    ],
    ["never reconciled", { desiredState: "active", conditions: [] }, { key: "notCreated", tone: "working" }],
    ["ready", { desiredState: "active", conditions: ready("True", "Ready") }, { key: "ready", tone: "ok" }],
    [
      "waiting for a delivery",
      { desiredState: "active", conditions: ready("False", "AwaitingDelivery", "waits for patientregistret") },
      { key: "AwaitingDelivery", tone: "working", message: "waits for patientregistret" },
    ],
    [
      "a failed apply",
      { desiredState: "active", conditions: ready("False", "ApplyFailed", "403") },
      { key: "ApplyFailed", tone: "problem", message: "403" },
    ],
    [
      "a reason this UI does not know",
      { desiredState: "active", conditions: ready("False", "SomethingNew", "new") },
      { key: "other", tone: "working", message: "new" },
    ],
  ])("%s", (_, environment, expected) => {
    expect(stateOf(environment)).toEqual(expected);
  });
});
