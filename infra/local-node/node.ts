import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { ensureBinaries } from "../local-cluster/binaries";
import { tailOf, type ManagedProcess } from "../local-cluster/processes";
import { machineCapability } from "./capability";
import { cleanUpHost, endOrphanedNodes, removeContainers } from "./cleanup";
import { lockHostForNode } from "./host-lock";
import { LocalNodeError } from "./errors";
import { TOKEN_RENEWAL_MS, tokenFileClient, tokenFileKubeconfig, writeTokenFiles } from "./identities";
import { buildProbeArchive, importImages, type ProbeImage } from "./image";
import { NODE_NAME, startKubelet } from "./kubelet";
import { ensureNodeBinaries, nodeCacheDir } from "./node-binaries";
import { startNodeLifecycleController, startScheduler } from "./node-controllers";
import { startNetworkPolicyEnforcer, type NetworkPolicyEnforcer } from "./network-policy/enforcer";
import { startVolumeProvisioner, type VolumeProvisioner } from "./volumes";
import { DEFAULT_POD_NETWORK, SANDBOX_IMAGE, startContainerRuntime, type PodNetwork } from "./runtime";

/** The test image: the probe program under the registry prefix the admission policies allow. */
export const PROBE_IMAGE = "registry.spe.internal/spe/spe-probe:1.0.0";

export interface LocalNode {
  name: string;
  network: PodNetwork;
  /** containerd's socket, for `ctr --address`. */
  containerdSocket: string;
  dir: string;
  /** Keeps the host's nftables equal to the cluster's NetworkPolicies for the pods of this node. */
  enforcer: NetworkPolicyEnforcer;
  stop(): Promise<void>;
}

export interface LocalNodeOptions {
  /** An administrator's kubeconfig of the local cluster (its folder also holds ca.crt and the controller-manager's kubeconfig). */
  adminKubeconfig: string;
  progress?: (line: string) => void;
  /** More images made of the probe, e.g. workspace images whose entrypoint serves the workspace port. */
  images?: ProbeImage[];
  readyTimeoutMs?: number;
  /** How long to wait while another process's local node runs on this machine (default 10 minutes). */
  lockWaitMs?: number;
}

async function waitForNodeReady(admin: k8s.KubeConfig, processes: ManagedProcess[], timeoutMs: number): Promise<void> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = processes.find((p) => p.exited() !== undefined);
    if (dead)
      throw new LocalNodeError(
        "NODE_START_FAILED",
        `${dead.name} ended (${dead.exited()}) before the node was ready; its log is ${dead.logFile}:\n${tailOf(dead.logFile)}`,
      );
    const node = await core.readNode({ name: NODE_NAME }).catch(() => undefined);
    const ready = node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    const schedulable = !node?.spec?.taints?.some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
    if (ready && schedulable) return;
    if (Date.now() > deadline) {
      const kubelet = processes.find((p) => p.name === "kubelet")!;
      throw new LocalNodeError(
        "NODE_START_FAILED",
        `node ${NODE_NAME} was not Ready and untainted within ${timeoutMs / 1000} s (ready: ${ready ?? "no node"}, taints: ${JSON.stringify(node?.spec?.taints ?? [])}); the kubelet's log is ${kubelet.logFile}:\n${tailOf(kubelet.logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Adds a node to a running local cluster: containerd, the kubelet, kube-scheduler and the node lifecycle
 * controller, the NetworkPolicy enforcer, with the test image imported. Root only (see machineCapability; the callers decide whether to opt in). Every
 * process ends with the one that started it; stop() also removes containers, pod networks and mounts.
 */
export async function startLocalNode(options: LocalNodeOptions): Promise<LocalNode> {
  const capability = machineCapability();
  if (!capability.ok)
    throw new LocalNodeError("NODE_UNSUPPORTED", `This machine cannot run the local node: ${capability.reason}.`);
  const progress = options.progress ?? ((line: string) => console.error(line));
  const clusterDir = dirname(options.adminKubeconfig);
  const caFile = join(clusterDir, "ca.crt");
  const controllerManagerKubeconfig = join(clusterDir, "controller-manager.kubeconfig");
  const kubeletKubeconfig = join(clusterDir, "kubelet.kubeconfig");
  const missing = [caFile, controllerManagerKubeconfig, kubeletKubeconfig]
    .filter((f) => !existsSync(f))
    .map((f) => basename(f));
  if (missing.length > 0)
    throw new LocalNodeError(
      "NODE_START_FAILED",
      `${clusterDir} is not a local cluster's folder (${missing.join(" and ")} missing).`,
    );
  const [control, binaries] = [await ensureBinaries(progress), await ensureNodeBinaries(progress)];
  if (!control.kubeControllerManager)
    throw new LocalNodeError(
      "NODE_START_FAILED",
      "the node lifecycle controller needs kube-controller-manager, which KUBEBUILDER_ASSETS does not hold.",
    );

  const admin = new k8s.KubeConfig();
  admin.loadFromFile(options.adminKubeconfig);
  const server = admin.getCurrentCluster()!.server;
  const caCert = readFileSync(caFile, "utf8");

  const unlock = await lockHostForNode(nodeCacheDir(), { waitMs: options.lockWaitMs, progress });
  for (const orphan of endOrphanedNodes(tmpdir(), DEFAULT_POD_NETWORK.bridge))
    progress(`Ended the containers a killed earlier local node left running, and removed ${orphan}`);
  const dir = mkdtempSync(join(tmpdir(), "spe-node-"));
  const network = DEFAULT_POD_NETWORK;
  const processes: ManagedProcess[] = [];
  let runtime: { socket: string; process: ManagedProcess } | undefined;
  let enforcer: NetworkPolicyEnforcer | undefined;
  let provisioner: VolumeProvisioner | undefined;
  let renewal: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(renewal);
    await provisioner?.stop();
    for (const p of [...processes].reverse()) await p.stop();
    if (runtime && runtime.process.exited() === undefined) removeContainers(runtime.socket);
    await runtime?.process.stop();
    // Shims whose containerd ended first (killed along with us, say) are ended here, not at the next start.
    endOrphanedNodes(tmpdir(), network.bridge);
    cleanUpHost(dir, network.bridge);
    await enforcer?.stop();
    unlock();
  };
  try {
    runtime = await startContainerRuntime(join(dir, "containerd"), network);
    const archive = join(dir, "images.tar");
    await buildProbeArchive(
      binaries.probe,
      [
        { name: SANDBOX_IMAGE, entrypoint: ["probe", "pause"] },
        { name: PROBE_IMAGE, entrypoint: ["probe"] },
        ...(options.images ?? []),
      ],
      archive,
    );
    await importImages(runtime.socket, archive);

    const tokens = await writeTokenFiles(admin, join(dir, "tokens"));
    renewal = setInterval(
      () =>
        void writeTokenFiles(admin, join(dir, "tokens")).catch((err: Error) =>
          progress(`Could not renew the node's tokens: ${err.message}`),
        ),
      TOKEN_RENEWAL_MS,
    );
    renewal.unref();
    const kubeconfig = (component: string, tokenFile: string) => {
      const file = join(dir, `${component}.kubeconfig`);
      writeFileSync(file, tokenFileKubeconfig(server, caCert, component, tokenFile), { mode: 0o600 });
      return file;
    };
    // Before the kubelet: no pod may ever run on this node without its policies enforced.
    enforcer = await startNetworkPolicyEnforcer(
      tokenFileClient(server, caCert, "policy-enforcer", tokens.policyEnforcer),
      network,
      progress,
    );
    provisioner = await startVolumeProvisioner(
      tokenFileClient(server, caCert, "volume-provisioner", tokens.volumeProvisioner),
      join(dir, "volumes"),
      progress,
    );
    processes.push(
      await startKubelet({
        binary: binaries.kubelet,
        dir: join(dir, "kubelet"),
        kubeconfig: kubeletKubeconfig,
        runtimeEndpoint: `unix://${runtime.socket}`,
        network,
      }),
      startScheduler(binaries.kubeScheduler, kubeconfig("scheduler", tokens.scheduler), dir),
      startNodeLifecycleController(control.kubeControllerManager, controllerManagerKubeconfig, dir),
    );
    progress(
      `Started node ${NODE_NAME} (containerd, kubelet, kube-scheduler, node lifecycle and volume binder controllers, policy enforcer, volume provisioner) in ${dir}`,
    );
    await waitForNodeReady(admin, [runtime.process, ...processes], options.readyTimeoutMs ?? 60_000);
    return { name: NODE_NAME, network, containerdSocket: runtime.socket, dir, enforcer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
