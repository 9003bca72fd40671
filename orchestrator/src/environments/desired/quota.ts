import type { V1LimitRange, V1ResourceQuota } from "@kubernetes/client-node";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput } from "./environment-input";
import { ownedLabels } from "../../kube/owned-labels";
import { addQuantities } from "./resources";

/**
 * The permit's environment profile as a hard ceiling for the namespace: its cpu and memory are the totals
 * of every pod in it (workspace, airlock agent and data loader: see resources.ts), its storage that of the
 * researchers' volumes, to which the read-only data volume the installation sizes is added. The counts
 * are what the orchestrator creates, so nothing else fits: a ClusterIP Service each for the workspace and
 * the airlock agent; the data and home claims; the workspace pod, a loader pod and, while a new delivery's
 * Job replaces an old one, the old one's; the cluster's `kube-root-ca.crt` ConfigMap, which the
 * controller manager puts into every namespace; and no Secret, since nothing in an environment needs one.
 */
export function resourceQuota({ namespace, permit }: EnvironmentInput, config: EnvironmentConfig): V1ResourceQuota {
  const { cpu, memory, storage } = permit.environment;
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "environment", namespace, labels: ownedLabels(namespace) },
    spec: {
      hard: {
        "requests.cpu": cpu,
        "limits.cpu": cpu,
        "requests.memory": memory,
        "limits.memory": memory,
        "requests.storage": addQuantities(storage, config.dataVolumeSize),
        persistentvolumeclaims: "2",
        pods: "3",
        services: "2",
        "services.nodeports": "0",
        "services.loadbalancers": "0",
        configmaps: "1",
        secrets: "0",
      },
    },
  };
}

/**
 * Defaults for a container that states no requests or limits, so that the quota can count it (the API
 * server refuses a pod the quota cannot count). Every container the orchestrator makes states its own; the
 * defaults are small, so that one that states nothing takes little of the permit's totals.
 */
export function limitRange({ namespace }: EnvironmentInput): V1LimitRange {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "environment", namespace, labels: ownedLabels(namespace) },
    spec: {
      limits: [
        {
          type: "Container",
          _default: { cpu: "100m", memory: "128Mi" },
          defaultRequest: { cpu: "50m", memory: "64Mi" },
        },
      ],
    },
  };
}
