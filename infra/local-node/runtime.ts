import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startProcess, tailOf, type ManagedProcess } from "../local-cluster/processes";
import { CNI_BIN_DIR } from "./capability";
import { LocalNodeError } from "./errors";

/** The pod network: one Linux bridge on this host, addresses from host-local IPAM, no NAT (no way out). */
export interface PodNetwork {
  bridge: string;
  /** e.g. 10.244.0.0/24; the bridge holds its first address and is every pod's gateway. */
  podCidr: string;
  gateway: string;
}

export const DEFAULT_POD_NETWORK: PodNetwork = { bridge: "spe-cni0", podCidr: "10.244.0.0/24", gateway: "10.244.0.1" };

export interface ContainerRuntime {
  /** unix:///…/containerd.sock, for the kubelet's containerRuntimeEndpoint. */
  endpoint: string;
  socket: string;
  process: ManagedProcess;
}

/** The image the CRI plugin starts every pod's sandbox from; imported locally, never pulled. */
export const SANDBOX_IMAGE = "registry.spe.internal/spe/pause:3.10";

/**
 * containerd's configuration (version 2, as containerd 1.6 and 1.7 read it): everything under `dir`, runc
 * with the cgroupfs driver (this host's cgroups are v1 and there is no systemd to delegate to), the sandbox
 * image that is imported rather than pulled, and our own CNI configuration folder.
 */
function containerdConfig(dir: string, socket: string): string {
  return `version = 2
root = "${join(dir, "root")}"
state = "${join(dir, "state")}"

[grpc]
  address = "${socket}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${join(dir, "opt")}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${SANDBOX_IMAGE}"
  enable_selinux = false
  disable_apparmor = true
  # Root here lacks CAP_SYS_RESOURCE, so no process may lower its OOM score below containerd's own; without
  # this, runc fails every pod sandbox (the CRI asks -998 for it) with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN_DIR}"
    conf_dir = "${join(dir, "cni")}"
`;
}

/** A bridge network without masquerading: pods reach each other and the host, and nothing beyond it. */
function cniConfig(network: PodNetwork, ipamDir: string): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: "spe-local",
      plugins: [
        {
          type: "bridge",
          bridge: network.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: network.podCidr, gateway: network.gateway }]],
            dataDir: ipamDir,
          },
        },
      ],
    },
    null,
    2,
  );
}

async function waitForSocket(process: ManagedProcess, socket: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(socket)) {
    if (process.exited() !== undefined) {
      throw new LocalNodeError(
        "NODE_START_FAILED",
        `containerd ended (${process.exited()}) before it listened; its log is ${process.logFile}:\n${tailOf(process.logFile)}`,
      );
    }
    if (Date.now() > deadline)
      throw new LocalNodeError(
        "NODE_START_FAILED",
        `containerd did not listen on ${socket} within ${timeoutMs / 1000} s:\n${tailOf(process.logFile)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts containerd with its state under `dir`; it ends with the process that started it. */
export async function startContainerRuntime(dir: string, network: PodNetwork): Promise<ContainerRuntime> {
  mkdirSync(join(dir, "cni"), { recursive: true });
  const socket = join(dir, "containerd.sock");
  const config = join(dir, "config.toml");
  writeFileSync(config, containerdConfig(dir, socket));
  writeFileSync(join(dir, "cni", "10-spe-local.conflist"), cniConfig(network, join(dir, "ipam")));
  const process = startProcess("containerd", "containerd", ["--config", config], join(dir, "containerd.log"));
  await waitForSocket(process, socket, 20_000);
  return { endpoint: `unix://${socket}`, socket, process };
}
