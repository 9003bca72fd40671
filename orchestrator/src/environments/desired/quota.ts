import type { V1LimitRange, V1ResourceQuota } from "@kubernetes/client-node";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput } from "./environment-input";
import { ownedLabels } from "../../kube/owned-labels";
import { addQuantities, storageShares } from "./resources";

/**
 * The permit's environment profile as a hard ceiling for the namespace: its cpu and memory are the totals
 * of every pod in it (the persons' workspaces, the airlock agent and the data loader: see resources.ts), its
 * storage that of the researchers' volumes (their homes and the project folder), to which the read-only
 * data volume the installation sizes is added. The counts are what the orchestrator creates, so nothing
 * else fits: a ClusterIP Service for each person's workspace and one for the airlock agent; the data and
 * project claims and each person's home; each person's workspace pod, the airlock agent's, a loader pod and,
 * while a new delivery's Job replaces an old one, the old one's; the cluster's `kube-root-ca.crt` ConfigMap,
 * which the controller manager puts into every namespace; and no Secret, since nothing in an environment
 * needs one.
 */
export function resourceQuota(input: EnvironmentInput, config: EnvironmentConfig): V1ResourceQuota {
  const { namespace, permit, persons } = input;
  const { cpu, memory } = permit.environment;
  // An environment made before each person had a home keeps its shared home, the permit's whole storage, as
  // the project folder (a claim cannot shrink): its persons' homes come on top of the permit's storage.
  const legacyHomes = input.projectClaim === "home" ? persons.length : 0;
  const { home } = storageShares(permit.environment.storage, persons.length, config.workspace.homeSize);
  // Departed persons' homes, kept until teardown, are counted among the claims; their storage was the
  // permit's already when they were made.
  const kept = input.keptHomes ?? [];
  const storage = Array.from({ length: legacyHomes }, () => home).reduce(addQuantities, permit.environment.storage);
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
        // Zero without a GPU in the permit: nothing in the environment may take one.
        [`requests.${config.gpu.resourceName}`]: String(permit.environment.gpu ?? 0),
        "requests.storage": addQuantities(storage, config.dataVolumeSize),
        persistentvolumeclaims: String(persons.length + kept.length + 2),
        pods: String(persons.length + 3),
        services: String(persons.length + 1),
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
