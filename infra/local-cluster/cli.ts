// `npm run cluster`: a local control plane for humans. Prints the kubeconfig path; Ctrl-C stops everything.
import { fileURLToPath } from "node:url";
import { ensureBinaries } from "./binaries";
import { startLocalCluster } from "./cluster";
import { LocalClusterError } from "./errors";
import { writeClusterState, clearClusterState } from "./state";

const dir = fileURLToPath(new URL("../../.spe/cluster/", import.meta.url));

try {
  const binaries = await ensureBinaries();
  const cluster = await startLocalCluster({ dir });
  writeClusterState(dir, cluster);
  const kubectl = binaries.kubectl ? `  ${binaries.kubectl} --kubeconfig ${cluster.kubeconfig} get namespaces\n` : "";
  console.log(
    `Local Kubernetes ${cluster.version} is running at ${cluster.server}\n\n` +
      `Administrator kubeconfig:  ${cluster.kubeconfig}\n` +
      `Orchestrator kubeconfig:   ${cluster.orchestratorKubeconfig}\n\n` +
      `Try:\n  export KUBECONFIG=${cluster.kubeconfig}\n${kubectl}\n` +
      `Logs are in ${cluster.dir}. Press Ctrl-C to stop.`,
  );
  const stop = async () => {
    clearClusterState(dir);
    await cluster.stop();
    console.log("Stopped the local cluster.");
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  console.error(err instanceof LocalClusterError ? `${err.code}: ${err.message}` : err);
  process.exit(1);
}
