import type { KubernetesObject, V1Deployment, V1Job, V1NetworkPolicy } from "@kubernetes/client-node";
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
}

const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name)) as T | undefined;

/** The environment's conditions, in words people can act on, from what the API server told us. */
export function observeConditions({ applied, applyError, desiredState, awaitingDelivery = [], anythingStaged = false }: Observation): ObservedCondition[] {
  const provisioned: ObservedCondition = applyError
    ? { type: "Provisioned", status: "False", reason: "ApplyFailed", message: `Could not create the environment's objects: ${applyError}` }
    : { type: "Provisioned", status: "True", reason: "Applied", message: "Every object of the environment is in place." };

  const deny = find<V1NetworkPolicy>(applied, "NetworkPolicy", DENY_ALL_POLICY);
  const selector = deny?.spec?.podSelector;
  const selectsEveryPod = selector !== undefined && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  const noOpenings = !deny?.spec?.ingress?.length && !deny?.spec?.egress?.length;
  const isolated = selectsEveryPod && noOpenings && deny?.spec?.policyTypes?.includes("Ingress") && deny.spec.policyTypes.includes("Egress");
  const network: ObservedCondition = isolated
    ? { type: "NetworkIsolated", status: "True", reason: "DenyAllInForce", message: "All traffic in and out is denied but through the gateway." }
    : { type: "NetworkIsolated", status: "False", reason: "DenyAllMissing", message: "The deny-all network policy is not in force yet." };

  const data = dataCondition(find<V1Job>(applied, "Job"), awaitingDelivery, anythingStaged);

  const deployment = find<V1Deployment>(applied, "Deployment", "workspace");
  const workspace: ObservedCondition =
    desiredState === "suspended"
      ? { type: "WorkspaceReady", status: "False", reason: "Suspended", message: "The environment is suspended: no workspace runs." }
      : (deployment?.status?.availableReplicas ?? 0) > 0
        ? { type: "WorkspaceReady", status: "True", reason: "Available", message: "The workspace is running." }
        : { type: "WorkspaceReady", status: "False", reason: "Starting", message: "The workspace is starting." };

  return withReady(applyError ? [provisioned] : [provisioned, network, data, workspace]);
}

/** Conditions of an environment that does not run: not yet valid, or torn down. */
export function inactiveConditions(reason: "NotYetValid" | "TornDown" | "TearingDown", message: string): ObservedCondition[] {
  return withReady([{ type: "Provisioned", status: "False", reason, message }]);
}

/** Whether the permit's data is in the environment: delivered by its holders, then loaded by the loader Job. */
function dataCondition(job: V1Job | undefined, awaitingDelivery: readonly string[], anythingStaged: boolean): ObservedCondition {
  const condition = (status: "True" | "False", reason: string, message: string): ObservedCondition => ({ type: "DataStaged", status, reason, message });
  if ((job?.status?.failed ?? 0) > (job?.spec?.backoffLimit ?? 6)) return condition("False", "LoadFailed", "Loading the datasets failed; operators have been told.");
  if (awaitingDelivery.length > 0) return condition("False", "AwaitingDelivery", `Waiting for the data holder's delivery of ${awaitingDelivery.join(", ")}.`);
  if (!anythingStaged) return condition("True", "NoDatasets", "The permit names no datasets.");
  if ((job?.status?.succeeded ?? 0) > 0) return condition("True", "Loaded", "The permit's datasets are staged, read-only.");
  return condition("False", "Loading", "The permit's datasets are being loaded into the environment.");
}
