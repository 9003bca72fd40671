import * as k8s from "@kubernetes/client-node";
import { SpeError } from "../errors";
import { clusterCapacityReader, type ClusterCapacity } from "./cluster-capacity";

/** The orchestrator's narrow port to one Kubernetes API server. */
export interface Kube {
  config: k8s.KubeConfig;
  server: string;
  /** The API server's gitVersion, read live. */
  version(): Promise<string>;
  /** The cluster's nodes, what they offer pods and what running pods have requested (kept a few seconds). */
  capacity(): Promise<ClusterCapacity>;
  /** What Kubernetes recorded about a namespace's objects lately (refused pods, failed mounts…), newest first. */
  events(namespace: string, limit?: number): Promise<KubeEvent[]>;
  /** A namespace's labels and its NetworkPolicies as the API server holds them now; undefined once it is gone. */
  isolationInForce(
    namespace: string,
  ): Promise<{ labels: Record<string, string>; networkPolicies: k8s.V1NetworkPolicy[] } | undefined>;
}

export interface KubeEvent {
  time: string | null;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
}

export function connectKube(kubeconfigPath: string): Kube {
  const config = new k8s.KubeConfig();
  try {
    config.loadFromFile(kubeconfigPath);
  } catch (err) {
    throw new SpeError(
      "KUBERNETES_UNAVAILABLE",
      `Could not read the kubeconfig ${kubeconfigPath}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const server = config.getCurrentCluster()?.server;
  if (!server)
    throw new SpeError("KUBERNETES_UNAVAILABLE", `The kubeconfig ${kubeconfigPath} names no current cluster.`);
  const versionApi = config.makeApiClient(k8s.VersionApi);
  const coreApi = config.makeApiClient(k8s.CoreV1Api);
  const networkingApi = config.makeApiClient(k8s.NetworkingV1Api);
  return {
    config,
    server,
    capacity: clusterCapacityReader(config),
    async version() {
      try {
        return (await versionApi.getCode()).gitVersion;
      } catch (err) {
        throw new SpeError(
          "KUBERNETES_UNAVAILABLE",
          `The Kubernetes API server at ${server} did not answer: ${(err as Error).message}`,
          { cause: err },
        );
      }
    },
    async events(namespace, limit = 50) {
      const list = await coreApi.listNamespacedEvent({ namespace });
      const when = (e: k8s.CoreV1Event) => e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
      return list.items
        .map((e) => ({
          time: when(e) ? new Date(when(e) as Date).toISOString() : null,
          type: e.type ?? "Normal",
          reason: e.reason ?? "",
          object: `${e.involvedObject.kind}/${e.involvedObject.name}`,
          message: e.message ?? "",
          count: e.count ?? 1,
        }))
        .sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""))
        .slice(0, limit);
    },
    async isolationInForce(namespace) {
      try {
        const ns = await coreApi.readNamespace({ name: namespace });
        const policies = await networkingApi.listNamespacedNetworkPolicy({ namespace });
        return { labels: ns.metadata?.labels ?? {}, networkPolicies: policies.items };
      } catch (err) {
        if (err instanceof k8s.ApiException && err.code === 404) return undefined;
        throw err;
      }
    },
  };
}
