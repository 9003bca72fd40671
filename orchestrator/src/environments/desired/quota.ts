import type { V1LimitRange, V1ResourceQuota } from "@kubernetes/client-node";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput } from "./environment-input";
import { ownedLabels } from "../../kube/owned-labels";

/** Adds two Kubernetes byte quantities in Mi/Gi/Ti (the only units a permit may use). */
export function addQuantities(a: string, b: string): string {
  const mi = (q: string) => {
    const m = /^(\d+)(Mi|Gi|Ti)$/.exec(q);
    if (!m) throw new Error(`unsupported quantity ${q}`);
    return Number(m[1]) * { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] as "Mi" | "Gi" | "Ti"];
  };
  const total = mi(a) + mi(b);
  return total % 1024 === 0 ? `${total / 1024}Gi` : `${total}Mi`;
}

/** The permit's environment profile as a hard ceiling for the namespace. */
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
        pods: "4",
        services: "1",
        "services.nodeports": "0",
        "services.loadbalancers": "0",
      },
    },
  };
}

/** Defaults so that a container without requests or limits still fits the quota. */
export function limitRange({ namespace }: EnvironmentInput): V1LimitRange {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "environment", namespace, labels: ownedLabels(namespace) },
    spec: {
      limits: [
        {
          type: "Container",
          _default: { cpu: "500m", memory: "512Mi" },
          defaultRequest: { cpu: "100m", memory: "128Mi" },
        },
      ],
    },
  };
}
