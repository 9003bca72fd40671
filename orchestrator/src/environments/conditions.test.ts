import { describe, expect, it } from "vitest";
import type { Condition } from "../db/schema";
import { mergeConditions, withReady, type ObservedCondition } from "./conditions";
import { observeConditions, observeEnvironment } from "./observe";

const t0 = new Date("2026-11-22T10:00:00Z");
const t1 = new Date("2026-11-22T10:05:00Z");
const c = (type: ObservedCondition["type"], status: ObservedCondition["status"], reason = "R"): ObservedCondition => ({
  type,
  status,
  reason,
  message: "m",
});

describe("mergeConditions", () => {
  it("keeps lastTransitionTime while the status stays and moves it when the status flips", () => {
    const first = mergeConditions(
      [],
      [c("Provisioned", "False", "ApplyFailed"), c("DataStaged", "False", "Loading")],
      1,
      t0,
    );
    const second = mergeConditions(
      first,
      [c("Provisioned", "True", "Applied"), c("DataStaged", "False", "Loading")],
      2,
      t1,
    );
    expect(second.find((x) => x.type === "Provisioned")).toMatchObject({
      status: "True",
      lastTransitionTime: t1.toISOString(),
      observedGeneration: 2,
    });
    expect(second.find((x) => x.type === "DataStaged")).toMatchObject({
      status: "False",
      lastTransitionTime: t0.toISOString(),
      observedGeneration: 2,
    });
  });

  it("orders conditions by type and drops the ones no longer observed", () => {
    const previous: Condition[] = mergeConditions(
      [],
      [c("Ready", "False"), c("WorkspaceReady", "False"), c("Provisioned", "True")],
      1,
      t0,
    );
    expect(mergeConditions(previous, [c("Ready", "True"), c("Provisioned", "True")], 1, t1).map((x) => x.type)).toEqual(
      ["Provisioned", "Ready"],
    );
  });
});

describe("withReady", () => {
  it.each([
    [[c("Provisioned", "True"), c("NetworkIsolated", "True")], "True", "EnvironmentReady"],
    [[c("Provisioned", "True"), c("DataStaged", "False", "Loading")], "False", "Loading"],
    [[c("Provisioned", "Unknown", "Waiting")], "False", "Waiting"],
    [
      [c("Provisioned", "True"), c("DataStaged", "False", "AwaitingDelivery"), c("WorkspaceReady", "False", "NoNodes")],
      "False",
      "NoNodes",
    ],
  ])("%#: Ready is %s because %s", (conditions, status, reason) => {
    expect(withReady(conditions).at(-1)).toMatchObject({ type: "Ready", status, reason });
  });
});

describe("observeConditions", () => {
  const deny = {
    kind: "NetworkPolicy",
    metadata: { name: "deny-all" },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
  const job = (status: object) => ({
    kind: "Job",
    metadata: { name: "data-loader-x" },
    spec: { backoffLimit: 3 },
    status,
  });
  const deployment = (availableReplicas: number) => ({
    kind: "Deployment",
    metadata: { name: "workspace-0a", labels: { "app.kubernetes.io/component": "workspace" } },
    status: { availableReplicas },
  });
  const reasons = (
    applied: object[],
    desiredState: "active" | "suspended" = "active",
    applyError?: string,
    data = { awaitingDelivery: [] as string[], anythingStaged: true },
  ) =>
    Object.fromEntries(
      observeConditions({ applied: applied as never, desiredState, applyError, ...data }).map((x) => [
        x.type,
        `${x.status}/${x.reason}`,
      ]),
    );

  it.each([
    [
      "everything running",
      [deny, job({ succeeded: 1 }), deployment(1)],
      "active",
      {
        NetworkIsolated: "True/DenyAllInForce",
        DataStaged: "True/Loaded",
        WorkspaceReady: "True/Available",
        Ready: "True/EnvironmentReady",
      },
    ],
    [
      "loader still running",
      [deny, job({}), deployment(0)],
      "active",
      { DataStaged: "False/Loading", WorkspaceReady: "False/Starting", Ready: "False/Loading" },
    ],
    ["loader gave up", [deny, job({ failed: 4 }), deployment(0)], "active", { DataStaged: "False/LoadFailed" }],
    [
      "suspended",
      [deny, job({ succeeded: 1 }), deployment(0)],
      "suspended",
      { WorkspaceReady: "False/Suspended", Ready: "False/Suspended" },
    ],
    [
      "deny-all loosened",
      [{ ...deny, spec: { ...deny.spec, ingress: [{}] } }, job({}), deployment(0)],
      "active",
      { NetworkIsolated: "False/DenyAllMissing" },
    ],
    [
      "deny-all selecting some pods only",
      [{ ...deny, spec: { ...deny.spec, podSelector: { matchLabels: { a: "b" } } } }],
      "active",
      { NetworkIsolated: "False/DenyAllMissing" },
    ],
  ] as const)("%s", (_name, applied, desiredState, expected) => {
    expect(reasons([...applied], desiredState)).toMatchObject(expected);
  });

  it.each([
    [
      "nothing delivered yet",
      { awaitingDelivery: ["patientregistret@2026-09"], anythingStaged: false },
      "False/AwaitingDelivery",
    ],
    [
      "one of two delivered",
      { awaitingDelivery: ["lakemedelsregistret@2026-06"], anythingStaged: true },
      "False/AwaitingDelivery",
    ],
    ["a permit without datasets", { awaitingDelivery: [], anythingStaged: false }, "True/NoDatasets"],
  ])("DataStaged when %s", (_, data, expected) => {
    expect(reasons([deny, deployment(1)], "active", undefined, data).DataStaged).toBe(expected);
  });

  it("reports a failed apply as not provisioned and not ready, with the reason", () => {
    const conditions = observeConditions({
      applied: [],
      desiredState: "active",
      applyError: "Namespace x: 403: forbidden",
    });
    expect(conditions.map((x) => `${x.type}=${x.status}`)).toEqual(["Provisioned=False", "Ready=False"]);
    expect(conditions[0]!.message).toContain("403: forbidden");
  });

  it("waits for the quota's usage without saying it is stuck, until it has waited longer than expected", () => {
    const since = new Date("2026-11-22T10:00:00Z");
    const waiting = observeEnvironment({
      applied: [deny],
      desiredState: "active",
      quotaUncountedSince: since,
      now: new Date("2026-11-22T10:00:10Z"),
    });
    expect(waiting.conditions.map((x) => `${x.type}=${x.status}/${x.reason}`)).toEqual([
      "Provisioned=False/AwaitingQuotaUsage",
      "Ready=False/AwaitingQuotaUsage",
    ]);
    expect(waiting.recheckAt).toEqual(new Date("2026-11-22T10:01:00Z"));
    const stuck = observeEnvironment({
      applied: [deny],
      desiredState: "active",
      quotaUncountedSince: since,
      now: new Date("2026-11-22T10:01:00Z"),
    });
    expect(stuck.conditions[0]).toMatchObject({
      reason: "QuotaUsageUnknown",
      values: { since: since.toISOString(), expected: "60" },
    });
    expect(stuck.recheckAt).toBeUndefined();
  });

  it("makes an environment waiting for data stuck when its workspace's image cannot be pulled", () => {
    const pod = {
      metadata: { name: "workspace-1", labels: { "app.kubernetes.io/component": "workspace" } },
      spec: { nodeName: "n", containers: [{ name: "workspace", image: "img:1" }] },
      status: {
        phase: "Pending",
        containerStatuses: [
          {
            name: "workspace",
            image: "img:1",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "img:1"' } },
          },
        ],
      },
    };
    const { conditions } = observeEnvironment({
      applied: [deny, deployment(0)] as never,
      desiredState: "active",
      awaitingDelivery: ["patientregistret@2026-09"],
      cluster: { pods: [pod], refusals: [], nodes: 1 },
    });
    expect(conditions.at(-1)).toMatchObject({
      type: "Ready",
      reason: "ImagePullFailed",
      message: 'WorkspaceReady: The image img:1 cannot be pulled: Back-off pulling image "img:1"',
    });
  });
});
