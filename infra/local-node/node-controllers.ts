import { join } from "node:path";
import { startProcess, type ManagedProcess } from "../local-cluster/processes";

/** kube-scheduler: places pods on the one node. No serving port, no leader election (there is one). */
export function startScheduler(binary: string, kubeconfig: string, dir: string): ManagedProcess {
  return startProcess(
    "kube-scheduler",
    binary,
    [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--secure-port=0", "--authentication-skip-lookup=true"],
    join(dir, "kube-scheduler.log"),
  );
}

/**
 * A second kube-controller-manager running what only a cluster with a node needs, which the local cluster's
 * own one leaves out: the persistent volume binder (claims of the workspace's volumes), and the node
 * lifecycle controller — without it the `not-ready` taint the API server puts on every new
 * node is never lifted, so nothing would be scheduled. It uses the cluster's controller-manager identity and,
 * like upstream, each controller's own ServiceAccount.
 */
export function startNodeLifecycleController(
  binary: string,
  controllerManagerKubeconfig: string,
  dir: string,
): ManagedProcess {
  return startProcess(
    "kube-controller-manager (node lifecycle)",
    binary,
    [
      `--kubeconfig=${controllerManagerKubeconfig}`,
      "--controllers=node-lifecycle-controller,persistentvolume-binder-controller",
      "--use-service-account-credentials=true",
      "--leader-elect=false",
      "--secure-port=0",
      "--node-monitor-period=2s",
    ],
    join(dir, "kube-controller-manager-node.log"),
  );
}
