import type { KubernetesObject, V1Deployment, V1Job, V1NetworkPolicy } from "@kubernetes/client-node";
import { condition } from "./condition-sentences";
import { withReady, type ObservedCondition } from "./conditions";
import { DENY_ALL_POLICY } from "./desired/network-policies";
import { defaultEnvironmentConfig, type EnvironmentConfig } from "./environment-config";
import { emptyClusterView, loaderHealth, workspaceHealth, type ClusterView, type Health } from "./workload-health";
import { COMPONENT_LABEL } from "../kube/owned-labels";

export interface Observation {
  /** The objects as the API server answered our apply: with their current status. */
  applied: KubernetesObject[];
  /** Why applying stopped, if it did. */
  applyError?: string;
  desiredState: "active" | "suspended";
  /** The permit's datasets (id@version) that no delivery has staged yet. */
  awaitingDelivery?: readonly string[];
  /** Whether anything is staged for the loader to load. */
  anythingStaged?: boolean;
  /** What this reconcile removed that the orchestrator did not make (kind/name). */
  foreignRemoved?: readonly string[];
  /**
   * Since when the environment's ResourceQuota has been waiting for the cluster to count its usage; the
   * reconciler applies nothing the quota counts before (quota-usage.ts).
   */
  quotaUncountedSince?: Date;
  /** The environment's pods, refused pod creations and the cluster's nodes. */
  cluster?: ClusterView;
  now?: Date;
  expected?: EnvironmentConfig["expectedSeconds"];
}

/** The conditions, and when to look again because a wait will then have lasted longer than expected. */
export interface ObservedEnvironment {
  conditions: ObservedCondition[];
  recheckAt?: Date;
}

const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name)) as T | undefined;

/** The environment's conditions, in words people can act on, from what the API server told us. */
export function observeConditions(observation: Observation): ObservedCondition[] {
  return observeEnvironment(observation).conditions;
}

/**
 * The environment's conditions, and when a wait will have lasted longer than expected: what keeps its pods
 * from running (workload-health.ts) makes the condition they feed stuck.
 */
export function observeEnvironment({
  applied,
  applyError,
  desiredState,
  awaitingDelivery = [],
  anythingStaged = false,
  foreignRemoved = [],
  quotaUncountedSince,
  cluster = emptyClusterView,
  now = new Date(),
  expected = defaultEnvironmentConfig.expectedSeconds,
}: Observation): ObservedEnvironment {
  if (applyError)
    return { conditions: withReady([condition("Provisioned", "False", "ApplyFailed", { error: applyError })]) };
  if (quotaUncountedSince) {
    const due = new Date(quotaUncountedSince.getTime() + expected.quotaUsage * 1000);
    const provisioned =
      now < due
        ? condition("Provisioned", "False", "AwaitingQuotaUsage")
        : condition("Provisioned", "False", "QuotaUsageUnknown", {
            since: quotaUncountedSince.toISOString(),
            expected: String(expected.quotaUsage),
          });
    return { conditions: withReady([provisioned]), recheckAt: now < due ? due : undefined };
  }
  const provisioned =
    foreignRemoved.length > 0
      ? condition("Provisioned", "True", "ForeignObjectsRemoved", { objects: foreignRemoved.join(", ") })
      : condition("Provisioned", "True", "Applied");

  const deny = find<V1NetworkPolicy>(applied, "NetworkPolicy", DENY_ALL_POLICY);
  const selector = deny?.spec?.podSelector;
  const selectsEveryPod =
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0;
  const noOpenings = !deny?.spec?.ingress?.length && !deny?.spec?.egress?.length;
  const isolated =
    selectsEveryPod &&
    noOpenings &&
    deny?.spec?.policyTypes?.includes("Ingress") &&
    deny.spec.policyTypes.includes("Egress");
  const network = isolated
    ? condition("NetworkIsolated", "True", "DenyAllInForce")
    : condition("NetworkIsolated", "False", "DenyAllMissing");

  const job = find<V1Job>(applied, "Job");
  const loading = job && !((job.status?.succeeded ?? 0) > 0) ? loaderHealth(job, cluster, now, expected) : {};
  const data = dataCondition(job, awaitingDelivery, anythingStaged, loading);

  // The airlock agent, and each person's workspace that is asked to run: the first that is not available says
  // why. A workspace nobody has opened is no part of the environment's readiness: each person's has its own
  // state (workspace-state.ts).
  const deployments = applied.filter(
    (o): o is V1Deployment =>
      o.kind === "Deployment" &&
      (o.metadata?.labels?.[COMPONENT_LABEL] === "airlock" ||
        (o.metadata?.labels?.[COMPONENT_LABEL] === "workspace" && ((o as V1Deployment).spec?.replicas ?? 1) > 0)),
  );
  const component = (d: V1Deployment) => d.metadata?.labels?.[COMPONENT_LABEL];
  const unavailable = [
    ...deployments.filter((d) => component(d) === "workspace"),
    ...deployments.filter((d) => component(d) === "airlock"),
  ].find((d) => !((d.status?.availableReplicas ?? 0) > 0));
  let starting: Health = {};
  let workspace: ObservedCondition;
  if (desiredState === "suspended") workspace = condition("WorkspaceReady", "False", "Suspended");
  else if (deployments.length > 0 && !unavailable) workspace = condition("WorkspaceReady", "True", "Available");
  else {
    starting = workspaceHealth(unavailable, cluster, now, expected);
    workspace = starting.stall
      ? condition("WorkspaceReady", "False", starting.stall.reason, starting.stall.values)
      : condition("WorkspaceReady", "False", "Starting");
  }
  const rechecks = [loading.recheckAt, starting.recheckAt].filter((d): d is Date => d !== undefined);
  return {
    conditions: withReady([provisioned, network, data, workspace]),
    recheckAt: rechecks.sort((a, b) => a.getTime() - b.getTime())[0],
  };
}

/** Conditions of an environment that does not run: not yet valid, or torn down. */
export function inactiveConditions(
  reason: "NotYetValid" | "TornDown" | "TearingDown",
  values?: Record<string, string>,
): ObservedCondition[] {
  return withReady([condition("Provisioned", "False", reason, values)]);
}

/** Whether the permit's data is in the environment: delivered by its holders, then loaded by the loader Job. */
function dataCondition(
  job: V1Job | undefined,
  awaitingDelivery: readonly string[],
  anythingStaged: boolean,
  loading: Health,
): ObservedCondition {
  if ((job?.status?.failed ?? 0) > (job?.spec?.backoffLimit ?? 6))
    return condition("DataStaged", "False", "LoadFailed");
  // A loader that cannot get on counts before datasets still awaited: it holds up what has been delivered.
  if (loading.stall) return condition("DataStaged", "False", loading.stall.reason, loading.stall.values);
  if (awaitingDelivery.length > 0)
    return condition("DataStaged", "False", "AwaitingDelivery", { datasets: awaitingDelivery.join(", ") });
  if (!anythingStaged) return condition("DataStaged", "True", "NoDatasets");
  if ((job?.status?.succeeded ?? 0) > 0) return condition("DataStaged", "True", "Loaded");
  return condition("DataStaged", "False", "Loading");
}
