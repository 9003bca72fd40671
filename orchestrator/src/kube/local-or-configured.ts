import { join } from "node:path";
import { readClusterState, startLocalCluster } from "@spe/infra/local-cluster";
import {
  nodeBinariesBuilt,
  startCapability,
  startNodeForOrchestrator,
  type EnvironmentImages,
  type NodeForOrchestrator,
  type OrchestratorAddress,
} from "@spe/infra/local-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { ownedPodOrigin } from "./owned-pod-origin";
import { SpeError } from "../errors";

/** Whether pods of environments can run in the cluster through a local node of ours, and if not, why not. */
export type LocalNodeChoice =
  | {
      available: true;
      start(orchestrator: OrchestratorAddress, images: EnvironmentImages): Promise<NodeForOrchestrator>;
    }
  | { available: false; reason: string };

export interface ClusterConnection {
  /** Kubeconfig of the orchestrator's own identity. */
  kubeconfig: string;
  /** Where it came from, for the start-up banner. */
  origin: "configured" | "reused" | "started";
  /** Kubeconfig of an administrator, when we started or reused a local cluster. */
  adminKubeconfig?: string;
  /** The local node (kubelet, containerd, policy enforcer) for a control plane started here. */
  node: LocalNodeChoice;
  stop(): Promise<void>;
}

/**
 * KUBECONFIG when set; otherwise the cluster of a running `npm run cluster`; otherwise a local control
 * plane started for this process under the data directory and stopped with it — with a local node to run
 * the environments' pods when this machine can (root, the Debian packages; SPE_LOCAL_NODE=0 opts out).
 */
export async function connectCluster(
  kubeconfig: string | undefined,
  dataDir: string,
  progress: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ClusterConnection> {
  if (kubeconfig)
    return {
      kubeconfig,
      origin: "configured",
      node: { available: false, reason: "KUBECONFIG names the cluster, whose own nodes run the environments" },
      stop: async () => {},
    };
  const shared = readClusterState(join(dataDir, "cluster"));
  if (shared)
    return {
      kubeconfig: shared.orchestratorKubeconfig,
      adminKubeconfig: shared.kubeconfig,
      origin: "reused",
      node: {
        available: false,
        reason:
          "the control plane of a running `npm run cluster` is reused, and it has no node (stop it to let npm start run one)",
      },
      stop: async () => {},
    };
  const capability = startCapability(env, nodeBinariesBuilt(env));
  const cluster = await startLocalCluster({ dir: join(dataDir, "local-cluster"), progress });
  const node: LocalNodeChoice = capability.ok
    ? {
        available: true,
        start: (orchestrator, images) => startNodeForOrchestrator(cluster.kubeconfig, orchestrator, images, progress),
      }
    : { available: false, reason: capability.reason };
  return {
    kubeconfig: cluster.orchestratorKubeconfig,
    adminKubeconfig: cluster.kubeconfig,
    origin: "started",
    node,
    stop: cluster.stop,
  };
}

/**
 * The local node of `npm start`, started in the background once the orchestrator serves (building the
 * kubelet the first time takes minutes); until it is up, the gateway and the airlock answer that the
 * workspace is not running, and environments wait to be reconciled.
 */
export function backgroundNode(
  choice: Extract<LocalNodeChoice, { available: true }>,
  orchestrator: OrchestratorAddress,
  progress: (line: string) => void,
  /** The orchestrator's own identity: it finds the pods it made and reaches them on the node's bridge. */
  kubeConfig: KubeConfig,
) {
  const ownedOrigins = {
    workspace: ownedPodOrigin(kubeConfig, "workspace"),
    airlock: ownedPodOrigin(kubeConfig, "airlock"),
  };
  let node: NodeForOrchestrator | undefined;
  let failed: string | undefined;
  let starting: Promise<NodeForOrchestrator | undefined> | undefined;
  let stopping = false;
  return {
    upstream: (service: "workspace" | "airlock") => (namespace: string, person?: string) => {
      if (node) return ownedOrigins[service](namespace, person);
      // Not "try again in a moment" forever: once the start failed, no pod of any environment will run.
      if (failed)
        return Promise.reject(
          new SpeError(
            "LOCAL_NODE_FAILED",
            `No workspace runs here: the local node did not start (${failed}). See the orchestrator's log.`,
          ),
        );
      return Promise.reject(new Error("the local node is still starting"));
    },
    /** Starts the node, then `startEnvironments` with the loaders' staging URL (the node's relay, if it came up). */
    start(images: EnvironmentImages, startEnvironments: (stagingUrl?: string) => void) {
      const started = Date.now();
      progress(
        `Starting the local node in the background (kubelet, containerd, policy enforcer); environments reconcile once it is up.`,
      );
      starting = choice.start(orchestrator, images).then(
        (n) => {
          node = n;
          progress(
            `Local node ${n.node.name} is up after ${Math.round((Date.now() - started) / 1000)} s; loaders fetch staged data through ${n.stagingUrl}. Reconciling environments.`,
          );
          if (!stopping) startEnvironments(n.stagingUrl);
          return n;
        },
        (err: unknown) => {
          failed = err instanceof Error ? err.message : String(err);
          progress(
            `The local node did not start: ${err instanceof Error ? err.message : String(err)}. Going on with the control plane only: environments are provisioned, their pods do not run.`,
          );
          if (!stopping) startEnvironments();
          return undefined;
        },
      );
    },
    async stop() {
      stopping = true;
      if (starting && !node) progress("Waiting for the local node to finish starting, to stop it cleanly");
      const started = await starting;
      if (!started) return;
      const begun = Date.now();
      await started.stop();
      progress(
        `Stopped the local node (containers, kubelet, containerd, pod networks, policy table) in ${((Date.now() - begun) / 1000).toFixed(1)} s`,
      );
    },
  };
}
