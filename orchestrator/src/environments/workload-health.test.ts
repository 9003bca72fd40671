import type { CoreV1Event, V1Deployment, V1Job, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { defaultEnvironmentConfig } from "./environment-config";
import { loaderHealth, podFailures, podStall, workspaceHealth, type ClusterView } from "./workload-health";

const expected = defaultEnvironmentConfig.expectedSeconds;
const t0 = new Date("2026-12-07T12:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const IMAGE = "registry.spe.internal/spe/workspace-jupyterlab:1.0.0";

function pod(overrides: { name?: string; component?: string; job?: string; status?: V1Pod["status"]; node?: string }) {
  return {
    metadata: {
      name: overrides.name ?? "workspace-5f7d-abcde",
      namespace: "spe-x",
      creationTimestamp: t0,
      labels: { "app.kubernetes.io/component": overrides.component ?? "workspace" },
      ownerReferences: overrides.job ? [{ apiVersion: "batch/v1", kind: "Job", name: overrides.job, uid: "u" }] : [],
    },
    spec: { nodeName: overrides.node, containers: [{ name: "workspace", image: IMAGE }] },
    status: overrides.status ?? { phase: "Pending" },
  } as V1Pod;
}
const waiting = (reason: string, message?: string, node = "node-1") =>
  pod({
    node,
    status: {
      phase: "Pending",
      containerStatuses: [
        {
          name: "workspace",
          image: IMAGE,
          imageID: "",
          ready: false,
          restartCount: 3,
          state: { waiting: { reason, message } },
          lastState: { terminated: { exitCode: 1, reason: "Error", message: "kernel died\n" } },
        },
      ],
    },
  });
const unscheduled = (message?: string) =>
  pod({
    status: {
      phase: "Pending",
      conditions: message
        ? [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message, lastTransitionTime: at(5) }]
        : [],
    },
  });
const view = (pods: V1Pod[], nodes = 1, refusals: CoreV1Event[] = []): ClusterView => ({ pods, nodes, refusals });

describe("podStall", () => {
  it.each([
    [
      "an image that cannot be pulled, at once",
      waiting("ImagePullBackOff", `Back-off pulling image "${IMAGE}"`),
      0,
      { reason: "ImagePullFailed", values: { image: IMAGE, detail: `Back-off pulling image "${IMAGE}"` } },
    ],
    ["a first failed pull", waiting("ErrImagePull"), 0, { reason: "ImagePullFailed" }],
    [
      "a crash loop, with how it last ended",
      waiting("CrashLoopBackOff", "back-off 40s restarting failed container"),
      0,
      { reason: "CrashLooping", values: { container: "workspace", detail: "Error, exit code 1: kernel died" } },
    ],
    [
      "a container that cannot be made",
      waiting("CreateContainerConfigError", 'secret "x" not found'),
      0,
      { reason: "ContainerFailed", values: { container: "workspace", detail: 'secret "x" not found' } },
    ],
    [
      "no node, once it has waited too long",
      unscheduled(),
      60,
      { reason: "NoNodes", values: { pod: "workspace-5f7d-abcde" } },
    ],
  ])("%s", (_case, p, seconds, stall) => {
    expect(podStall(p, p.spec?.nodeName ? 1 : 0, at(seconds), expected).stall).toMatchObject(stall);
  });

  it("says what the scheduler said once the pod has waited longer than expected since it did", () => {
    const p = unscheduled("0/1 nodes are available: 1 Insufficient memory.");
    expect(podStall(p, 1, at(30), expected)).toEqual({ recheckAt: at(65) });
    expect(podStall(p, 1, at(65), expected).stall).toEqual({
      reason: "Unschedulable",
      values: { pod: "workspace-5f7d-abcde", detail: "0/1 nodes are available: 1 Insufficient memory." },
    });
  });

  it("says no scheduler placed a pod that nothing was said about", () => {
    expect(podStall(unscheduled(), 2, at(61), expected).stall).toMatchObject({
      reason: "NotScheduled",
      values: { since: t0.toISOString(), expected: "60" },
    });
  });

  it("finds nothing wrong with a pod on a node that is pulling its image", () => {
    expect(podStall(waiting("ContainerCreating"), 1, at(600), expected)).toEqual({});
  });
});

describe("workspaceHealth", () => {
  const deployment = (conditions: NonNullable<V1Deployment["status"]>["conditions"] = []): V1Deployment => ({
    metadata: { name: "workspace" },
    status: { conditions },
  });

  it("says the quota refused the pod when the Deployment reports it", () => {
    const message = 'pods "workspace-5f7d-x" is forbidden: exceeded quota: environment, requested: limits.cpu=2';
    const refused = deployment([{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message }]);
    expect(workspaceHealth(refused, view([]), t0, expected).stall).toEqual({
      reason: "QuotaRefused",
      values: { detail: message },
    });
  });

  it("says another refusal in the cluster's words", () => {
    const message = 'pods "w" is forbidden: violates PodSecurity "restricted:latest"';
    const refused = deployment([{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message }]);
    expect(workspaceHealth(refused, view([]), t0, expected).stall?.reason).toBe("PodRefused");
  });

  it("counts a slow start from its oldest pod, naming what the pods are doing", () => {
    const slow = view([waiting("ContainerCreating")]);
    expect(workspaceHealth(deployment(), slow, at(10), expected)).toEqual({ recheckAt: at(300) });
    expect(workspaceHealth(deployment(), slow, at(300), expected).stall).toEqual({
      reason: "StartTooSlow",
      values: {
        since: t0.toISOString(),
        expected: "300",
        detail: "workspace-5f7d-abcde: Pending (ContainerCreating)",
      },
    });
  });

  it("looks only at the workspace's own live pods", () => {
    const loader = { ...waiting("ImagePullBackOff"), metadata: { ...waiting("x").metadata, labels: {} } };
    const gone = { ...waiting("ImagePullBackOff"), status: { ...waiting("x").status, phase: "Failed" } };
    // None of its own yet: look again once one could have waited too long for a node.
    expect(workspaceHealth(deployment(), view([loader, gone]), t0, expected)).toEqual({ recheckAt: at(60) });
  });
});

describe("loaderHealth", () => {
  const job = (status: V1Job["status"] = {}): V1Job => ({
    metadata: { name: "data-loader-1", creationTimestamp: t0 },
    spec: { backoffLimit: 3, template: {} },
    status,
  });
  const loaderPod = (phase: string, reason = "Error") =>
    pod({
      name: `data-loader-1-${phase}`,
      component: "data-loader",
      job: "data-loader-1",
      node: "node-1",
      status: {
        phase,
        containerStatuses: [
          {
            name: "loader",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 2, reason, message: "staging refused the capability" } },
          },
        ],
      },
    });

  it("says the loader fails and tries again, with how its last try ended", () => {
    expect(loaderHealth(job({ failed: 2 }), view([loaderPod("Failed")]), t0, expected).stall).toEqual({
      reason: "LoaderFailing",
      values: { failures: "2", detail: "Error, exit code 2: staging refused the capability" },
    });
  });

  it("says the quota refused its pod, from the Job's FailedCreate event", () => {
    const event = {
      metadata: { name: "e" },
      involvedObject: { kind: "Job", name: "data-loader-1" },
      reason: "FailedCreate",
      message: "Error creating: pods is forbidden: exceeded quota: environment",
      lastTimestamp: at(2),
    } as CoreV1Event;
    expect(loaderHealth(job(), view([], 1, [event]), at(3), expected).stall?.reason).toBe("QuotaRefused");
    expect(loaderHealth(job(), view([loaderPod("Running")], 1, [event]), at(3), expected).stall).toBeUndefined();
  });

  it("says a load takes longer than expected since the Job started", () => {
    const running = job({ startTime: at(10), active: 1 });
    expect(loaderHealth(running, view([loaderPod("Running")]), at(3609), expected)).toEqual({ recheckAt: at(3610) });
    expect(loaderHealth(running, view([loaderPod("Running")]), at(3610), expected).stall).toMatchObject({
      reason: "LoadTooSlow",
      values: { expected: "3600", detail: "data-loader-1-Running: Running" },
    });
  });
});

describe("podFailures", () => {
  it("changes when a pod gets a node or fails to pull, not while the kubelet retries the pull", () => {
    expect(podFailures(unscheduled())).toBe("");
    expect(podFailures(waiting("ContainerCreating"))).toBe("scheduled");
    expect(podFailures(waiting("ErrImagePull"))).toBe("scheduled,pull");
    expect(podFailures(waiting("ImagePullBackOff"))).toBe(podFailures(waiting("ErrImagePull")));
  });
});
