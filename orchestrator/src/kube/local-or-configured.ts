import { join } from "node:path";
import { readClusterState, startLocalCluster } from "@spe/infra/local-cluster";

export interface ClusterConnection {
  /** Kubeconfig of the orchestrator's own identity. */
  kubeconfig: string;
  /** Where it came from, for the start-up banner. */
  origin: "configured" | "reused" | "started";
  /** Kubeconfig of an administrator, when we started or reused a local cluster. */
  adminKubeconfig?: string;
  stop(): Promise<void>;
}

/**
 * KUBECONFIG when set; otherwise the cluster of a running `npm run cluster`; otherwise a local control
 * plane started for this process under the data directory and stopped with it.
 */
export async function connectCluster(kubeconfig: string | undefined, dataDir: string, progress: (line: string) => void): Promise<ClusterConnection> {
  if (kubeconfig) return { kubeconfig, origin: "configured", stop: async () => {} };
  const shared = readClusterState(join(dataDir, "cluster"));
  if (shared) return { kubeconfig: shared.orchestratorKubeconfig, adminKubeconfig: shared.kubeconfig, origin: "reused", stop: async () => {} };
  const cluster = await startLocalCluster({ dir: join(dataDir, "local-cluster"), progress });
  return { kubeconfig: cluster.orchestratorKubeconfig, adminKubeconfig: cluster.kubeconfig, origin: "started", stop: cluster.stop };
}
