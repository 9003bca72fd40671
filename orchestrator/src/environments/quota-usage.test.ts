import { describe, expect, it } from "vitest";
import type * as k8s from "@kubernetes/client-node";
import { quotaUncountedSince, quotaUsageKnown } from "./quota-usage";

const hard = { pods: "3", "limits.cpu": "2" };

describe("quotaUsageKnown", () => {
  it.each([
    ["no status yet (just made)", undefined, false],
    ["the usage of every resource of the spec", { hard, used: { pods: "1", "limits.cpu": "500m" } }, true],
    ["one resource without usage", { hard, used: { pods: "1" } }, false],
    [
      "the usage of an older spec",
      { hard: { pods: "3", "limits.cpu": "1" }, used: { pods: "0", "limits.cpu": "0" } },
      false,
    ],
    ["a spec that gained a resource", { hard: { pods: "3" }, used: { pods: "0" } }, false],
  ])("%s", (_case, status, known) => {
    expect(quotaUsageKnown(hard, status)).toBe(known);
  });
});

describe("quotaUncountedSince", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const quota = (status?: k8s.V1ResourceQuotaStatus): k8s.V1ResourceQuota => ({
    spec: { hard },
    status,
    metadata: {
      creationTimestamp: new Date("2026-12-07T11:00:00Z"),
      managedFields: [
        { manager: "kube-controller-manager", operation: "Update", time: new Date("2026-12-07T11:59:00Z") },
        { manager: "spe-orchestrator", operation: "Apply", time: new Date("2026-12-07T11:30:00Z") },
      ],
    },
  });

  it("is nothing once the usage of the spec is known", () => {
    expect(quotaUncountedSince(quota({ hard, used: { pods: "0", "limits.cpu": "0" } }), now)).toBeUndefined();
  });

  it("dates the wait from the orchestrator's last change to the quota, not the controller's", () => {
    expect(quotaUncountedSince(quota(), now)).toEqual(new Date("2026-12-07T11:30:00Z"));
  });

  it("dates it from now when the answer carries no time", () => {
    expect(quotaUncountedSince({ spec: { hard } }, now)).toEqual(now);
  });
});
