import type { KubernetesObject, V1Deployment, V1Job, V1NetworkPolicy } from "@kubernetes/client-node";
import { condition } from "./condition-sentences";
import { withReady, type ObservedCondition } from "./conditions";
import { DENY_ALL_POLICY } from "./desired/network-policies";

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
}

const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name)) as T | undefined;

/** The environment's conditions, in words people can act on, from what the API server told us. */
export function observeConditions({
  applied,
  applyError,
  desiredState,
  awaitingDelivery = [],
  anythingStaged = false,
  foreignRemoved = [],
}: Observation): ObservedCondition[] {
  const provisioned = applyError
    ? condition("Provisioned", "False", "ApplyFailed", { error: applyError })
    : foreignRemoved.length > 0
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

  const data = dataCondition(find<V1Job>(applied, "Job"), awaitingDelivery, anythingStaged);

  const deployment = find<V1Deployment>(applied, "Deployment", "workspace");
  const workspace =
    desiredState === "suspended"
      ? condition("WorkspaceReady", "False", "Suspended")
      : (deployment?.status?.availableReplicas ?? 0) > 0
        ? condition("WorkspaceReady", "True", "Available")
        : condition("WorkspaceReady", "False", "Starting");

  return withReady(applyError ? [provisioned] : [provisioned, network, data, workspace]);
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
): ObservedCondition {
  if ((job?.status?.failed ?? 0) > (job?.spec?.backoffLimit ?? 6))
    return condition("DataStaged", "False", "LoadFailed");
  if (awaitingDelivery.length > 0)
    return condition("DataStaged", "False", "AwaitingDelivery", { datasets: awaitingDelivery.join(", ") });
  if (!anythingStaged) return condition("DataStaged", "True", "NoDatasets");
  if ((job?.status?.succeeded ?? 0) > 0) return condition("DataStaged", "True", "Loaded");
  return condition("DataStaged", "False", "Loading");
}
