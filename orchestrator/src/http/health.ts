import type { ClusterCapacity } from "../kube/cluster-capacity";
import type { Kube } from "../kube/client";

/** Whether the orchestrator works, and, for operators, with what: the API server and the nodes' capacity. */
export type HealthReport =
  | { status: "ok" | "not ok" }
  | {
      status: "ok" | "not ok";
      kubernetes: { server: string; version?: string; error?: string };
      /** Absent when it could not be read; `capacityError` says why. */
      capacity?: ClusterCapacity;
      capacityError?: string;
    };

/**
 * Reads the orchestrator's health: ok while the Kubernetes API server answers. With `detailed`, also the
 * server, its version and the cluster's nodes, their allocatable capacity and what running pods request of
 * it (no pods, environments or persons named: an operator's page and a scraper need no more).
 */
export async function readHealth(kube: Kube, detailed: boolean): Promise<{ report: HealthReport; error?: string }> {
  const [version, capacity] = await Promise.allSettled([kube.version(), detailed ? kube.capacity() : undefined]);
  const error = version.status === "rejected" ? (version.reason as Error).message : undefined;
  const status = error ? "not ok" : "ok";
  if (!detailed) return { report: { status }, error };
  return {
    report: {
      status,
      kubernetes: { server: kube.server, ...(error ? { error } : { version: (version as { value: string }).value }) },
      ...(capacity.status === "fulfilled"
        ? { capacity: capacity.value }
        : { capacityError: `Could not read the nodes: ${(capacity.reason as Error).message}` }),
    },
    error,
  };
}
