import { describe, expect, it } from "vitest";
import { testTranslators } from "../../locales/test-translators";
import { describeState, stateOf, type EnvironmentState } from "./environment-state";

const ready = (status: "True" | "False", reason: string, message = "") => [
  { type: "Ready", status, reason, message, observedGeneration: 1, lastTransitionTime: "2026-11-23T00:00:00Z" },
];

const imagePull = {
  status: "False" as const,
  reason: "ImagePullFailed",
  message: "The image img:1 cannot be pulled: Back-off pulling image",
  values: { image: "img:1", detail: "Back-off pulling image" },
  observedGeneration: 1,
  lastTransitionTime: "2026-11-23T00:00:00Z",
};

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
      "stuck: its workspace's image cannot be pulled, while it also waits for data",
      {
        desiredState: "active",
        conditions: [
          {
            type: "DataStaged",
            status: "False",
            reason: "AwaitingDelivery",
            message: "w",
            observedGeneration: 1,
            lastTransitionTime: "2026-11-23T00:00:00Z",
          },
          { ...imagePull, type: "WorkspaceReady" },
          { ...imagePull, type: "Ready", message: `WorkspaceReady: ${imagePull.message}` },
        ],
      },
      {
        key: "stuck",
        tone: "problem",
        message: `WorkspaceReady: ${imagePull.message}`,
        stuck: { ...imagePull, type: "WorkspaceReady" },
      },
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

describe("a stuck environment in words", () => {
  const environment: EnvironmentState = {
    desiredState: "active",
    conditions: [
      { ...imagePull, type: "WorkspaceReady" },
      { ...imagePull, type: "Ready", message: `WorkspaceReady: ${imagePull.message}` },
    ],
  };

  it("tells operators what Kubernetes says, in their language", async () => {
    const { inSwedish, inEnglish } = await testTranslators();
    expect(describeState(environment, inSwedish)).toEqual({
      label: "Fastnat",
      detail: "Avbildningen img:1 kan inte hämtas: Back-off pulling image",
      tone: "problem",
    });
    expect(describeState(environment, inEnglish).detail).toBe(imagePull.message);
  });

  it("tells the researcher that it is stuck and that the operators see it, without Kubernetes' words", async () => {
    const { inSwedish, inEnglish } = await testTranslators();
    expect(describeState(environment, inSwedish, "researcher").detail).toBe(
      "Miljön har fastnat: arbetsytan kan inte starta. Driften ser det, och varför.",
    );
    expect(describeState(environment, inEnglish, "researcher").detail).toBe(
      "The environment is stuck: the workspace cannot start. The operators can see this, and why.",
    );
  });
});
