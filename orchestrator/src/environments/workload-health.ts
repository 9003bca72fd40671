import type { CoreV1Event, V1ContainerStatus, V1Deployment, V1Job, V1Pod } from "@kubernetes/client-node";
import { COMPONENT_LABEL } from "../kube/owned-labels";
import type { StuckReason } from "./condition-sentences";
import type { EnvironmentConfig } from "./environment-config";

/** What the cluster says about an environment's pods beyond the objects the reconciler applies. */
export interface ClusterView {
  /** The pods the environment's Deployments and Jobs made (they carry our labels). */
  pods: readonly V1Pod[];
  /** Kubernetes' FailedCreate events in the namespace: pods a controller could not make, and why. */
  refusals: readonly CoreV1Event[];
  /** How many nodes could run a pod (Ready and schedulable). */
  nodes: number;
}

export const emptyClusterView: ClusterView = { pods: [], refusals: [], nodes: 0 };

/** Why a workload does not get further, with the values its reason's sentence names. */
export interface Stall {
  reason: StuckReason;
  values: Record<string, string>;
}

/** A workload's health: stalled, or not (yet), and when a wait will have lasted longer than expected. */
export interface Health {
  stall?: Stall;
  recheckAt?: Date;
}

type Expected = EnvironmentConfig["expectedSeconds"];

const PULL_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
const START_FAILURES = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

const time = (t: Date | string | undefined, fallback: Date) => (t === undefined ? fallback : new Date(t));
const after = (since: Date, seconds: number) => new Date(since.getTime() + seconds * 1000);

/** How a container last ended, in Kubernetes' words: "Error, exit code 1: …". */
function lastEnd(status: V1ContainerStatus): string {
  const ended = status.lastState?.terminated ?? status.state?.terminated;
  if (!ended) return status.state?.waiting?.message ?? status.state?.waiting?.reason ?? "no reason given";
  return [`${ended.reason ?? "ended"}, exit code ${ended.exitCode}`, ended.message?.trim()].filter(Boolean).join(": ");
}

/** A pod's state in a few words, for a wait that lasts too long: "workspace-5f…: Pending (ContainerCreating)". */
export function podState(pod: V1Pod): string {
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((s) => s.state?.waiting?.reason)
    .filter(Boolean);
  const phase = pod.status?.phase ?? "Pending";
  return `${pod.metadata?.name}: ${phase}${waiting.length ? ` (${[...new Set(waiting)].join(", ")})` : ""}`;
}

/**
 * What keeps one pod from running, as Kubernetes reports it: its kubelet's failures at once (it has tried
 * already), a pod without a node only once it has waited longer than expected for one (a node may be on
 * its way).
 */
export function podStall(pod: V1Pod, nodes: number, now: Date, expected: Expected): Health {
  const name = pod.metadata?.name ?? "";
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason) continue;
    const image = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
      (c) => c.name === status.name,
    )?.image;
    if (PULL_FAILURES.has(waiting.reason))
      return {
        stall: {
          reason: "ImagePullFailed",
          values: { image: image ?? status.image, detail: waiting.message ?? waiting.reason },
        },
      };
    if (waiting.reason === "CrashLoopBackOff")
      return { stall: { reason: "CrashLooping", values: { container: status.name, detail: lastEnd(status) } } };
    if (START_FAILURES.has(waiting.reason))
      return {
        stall: {
          reason: "ContainerFailed",
          values: { container: status.name, detail: waiting.message ?? waiting.reason },
        },
      };
  }
  if (pod.spec?.nodeName) return {};
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  const since = time(scheduled?.lastTransitionTime ?? pod.metadata?.creationTimestamp, now);
  const due = after(since, expected.scheduling);
  if (now < due) return { recheckAt: due };
  if (nodes === 0) return { stall: { reason: "NoNodes", values: { pod: name } } };
  if (scheduled?.status === "False")
    return {
      stall: { reason: "Unschedulable", values: { pod: name, detail: scheduled.message ?? scheduled.reason ?? "" } },
    };
  return {
    stall: {
      reason: "NotScheduled",
      values: { pod: name, since: since.toISOString(), expected: String(expected.scheduling) },
    },
  };
}

/** A refusal to make a pod in words: the quota's, or another (an admission policy, Pod Security). */
function refusalStall(message: string): Stall {
  return { reason: /exceeded quota/i.test(message) ? "QuotaRefused" : "PodRefused", values: { detail: message } };
}

const eventTime = (e: CoreV1Event, now: Date) =>
  time(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp, now);
const live = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp && pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";
const earliest = (dates: (Date | undefined)[]) =>
  dates.filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];

/** The first stall among pods, or when to look at them again. */
function podsHealth(pods: readonly V1Pod[], view: ClusterView, now: Date, expected: Expected): Health {
  const each = pods.map((p) => podStall(p, view.nodes, now, expected));
  return each.find((h) => h.stall) ?? { recheckAt: earliest(each.map((h) => h.recheckAt)) };
}

/**
 * Why the workspace does not become available: a pod the cluster refused to make (the Deployment's
 * ReplicaFailure), a pod that cannot run, or a start that takes longer than expected (since its oldest pod
 * was made), with what its pods are doing.
 */
export function workspaceHealth(
  deployment: V1Deployment | undefined,
  view: ClusterView,
  now: Date,
  expected: Expected,
): Health {
  const failure = deployment?.status?.conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True");
  if (failure) return { stall: refusalStall(failure.message ?? failure.reason ?? "") };
  // The Deployment's own pods (one person's workspace, or the airlock agent), by its selector.
  const selector = deployment?.spec?.selector?.matchLabels ?? { [COMPONENT_LABEL]: "workspace" };
  const pods = view.pods.filter(
    (p) => Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v) && live(p),
  );
  // No pod yet: its controller makes one in a moment, and nothing tells us when; look again once it could
  // have waited too long for a node.
  if (pods.length === 0) return { recheckAt: after(now, expected.scheduling) };
  const health = podsHealth(pods, view, now, expected);
  if (health.stall) return health;
  const since = earliest(pods.map((p) => time(p.metadata?.creationTimestamp, now)))!;
  const due = after(since, expected.workspaceStart);
  if (now < due) return { recheckAt: earliest([health.recheckAt, due]) };
  return {
    stall: {
      reason: "StartTooSlow",
      values: {
        since: since.toISOString(),
        expected: String(expected.workspaceStart),
        detail: pods.map(podState).join("; "),
      },
    },
  };
}

/**
 * Why the data loader Job does not finish: tries that failed (it tries again), a pod that cannot run or
 * that the cluster refused to make, or a load that takes longer than expected since the Job started.
 */
export function loaderHealth(job: V1Job, view: ClusterView, now: Date, expected: Expected): Health {
  const name = job.metadata?.name;
  const mine = view.pods.filter(
    (p) => p.metadata?.ownerReferences?.some((o) => o.kind === "Job" && o.name === name) ?? false,
  );
  const failures = job.status?.failed ?? 0;
  if (failures > 0) {
    const failed = mine
      .filter((p) => p.status?.phase === "Failed")
      .sort(
        (a, b) =>
          time(b.metadata?.creationTimestamp, now).getTime() - time(a.metadata?.creationTimestamp, now).getTime(),
      )[0];
    const status = failed?.status?.containerStatuses?.[0];
    return {
      stall: {
        reason: "LoaderFailing",
        values: { failures: String(failures), detail: status ? lastEnd(status) : "its pod is gone" },
      },
    };
  }
  const running = mine.filter(live);
  const refusal = view.refusals
    .filter((e) => e.involvedObject.kind === "Job" && e.involvedObject.name === name)
    .sort((a, b) => eventTime(a, now).getTime() - eventTime(b, now).getTime())
    .at(-1);
  if (running.length === 0 && refusal) return { stall: refusalStall(refusal.message ?? "") };
  const health = podsHealth(running, view, now, expected);
  if (health.stall) return health;
  const since = time(job.status?.startTime ?? job.metadata?.creationTimestamp, now);
  const due = after(since, expected.dataLoad);
  if (now < due) return { recheckAt: earliest([health.recheckAt, due]) };
  return {
    stall: {
      reason: "LoadTooSlow",
      values: {
        since: since.toISOString(),
        expected: String(expected.dataLoad),
        detail: running.map(podState).join("; ") || "no pod",
      },
    },
  };
}

/**
 * What about a pod can change its environment's conditions, as one string: whether it has a node, whether it
 * failed, and its containers' failures. The controller queues the environment when this changes.
 */
export function podFailures(pod: V1Pod): string {
  const failures = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((s) => s.state?.waiting?.reason ?? "")
    // ErrImagePull and ImagePullBackOff take turns while the kubelet retries: one failure, said once.
    .map((r) =>
      PULL_FAILURES.has(r) ? "pull" : START_FAILURES.has(r) ? "start" : r === "CrashLoopBackOff" ? "crash" : "",
    );
  const parts = [pod.spec?.nodeName ? "scheduled" : "", pod.status?.phase === "Failed" ? "failed" : "", ...failures];
  return parts.filter(Boolean).join(",");
}
