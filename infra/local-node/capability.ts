import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** Whether this machine can run the local node, and if not, the first reason why not. */
export type NodeCapability = { ok: true } | { ok: false; reason: string };

/** The Debian packages the node runs: containerd, runc, the CNI plugins, nftables (for the policy enforcer). */
export const NODE_PROGRAMS = {
  containerd: "containerd",
  ctr: "ctr",
  runc: "runc",
  nft: "nft",
} as const;
export const CNI_BIN_DIR = "/usr/lib/cni";
const NEEDED_CNI_PLUGINS = ["bridge", "host-local", "loopback"];

function onPath(program: string): boolean {
  return spawnSync(program, ["--version"], { stdio: "ignore" }).status === 0;
}

function readable(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Checks, without changing anything, what the local node needs: opted in with SPE_LOCAL_NODE=1, root (a
 * kubelet manages cgroups, mounts and network namespaces), the Debian packages, cgroup v1 controllers, and
 * bridged traffic passing netfilter (without it no NetworkPolicy could be enforced between pods).
 */
export function nodeCapability(env: NodeJS.ProcessEnv = process.env): NodeCapability {
  if (env.SPE_LOCAL_NODE !== "1")
    return {
      ok: false,
      reason: "SPE_LOCAL_NODE=1 is not set (the local node runs containers as root and changes the host's network)",
    };
  return machineCapability();
}

/**
 * For `npm start`: the node is used unless SPE_LOCAL_NODE=0 says not to, when the machine can run it and
 * its kubelet is built or can be (Go on the path).
 */
export function startCapability(env: NodeJS.ProcessEnv = process.env, nodeBinariesBuilt = false): NodeCapability {
  if (env.SPE_LOCAL_NODE === "0") return { ok: false, reason: "SPE_LOCAL_NODE=0 says not to" };
  const machine = machineCapability();
  if (!machine.ok) return machine;
  if (!nodeBinariesBuilt && spawnSync("go", ["version"], { stdio: "ignore" }).status !== 0)
    return {
      ok: false,
      reason:
        "the kubelet is not built and Go is not installed to build it (SPE_LOCAL_NODE=1 npm run cluster:build where Go is)",
    };
  return { ok: true };
}

/** What the machine must offer the node, whoever asks: root, the Debian packages, cgroup v1, br_netfilter. */
export function machineCapability(): NodeCapability {
  if (process.getuid?.() !== 0)
    return {
      ok: false,
      reason: "the local node needs root: the kubelet manages cgroups, mounts and network namespaces",
    };
  for (const program of Object.values(NODE_PROGRAMS)) {
    if (!onPath(program))
      return {
        ok: false,
        reason: `${program} is not installed (apt-get install containerd runc containernetworking-plugins nftables)`,
      };
  }
  const missingPlugin = NEEDED_CNI_PLUGINS.find((p) => !existsSync(`${CNI_BIN_DIR}/${p}`));
  if (missingPlugin)
    return {
      ok: false,
      reason: `the CNI plugin ${missingPlugin} is not in ${CNI_BIN_DIR} (apt-get install containernetworking-plugins)`,
    };
  for (const controller of ["cpu", "cpuacct", "cpuset", "memory", "pids"]) {
    if (!existsSync(`/sys/fs/cgroup/${controller}/cgroup.procs`)) {
      return {
        ok: false,
        reason: `the cgroup v1 controller ${controller} is not mounted at /sys/fs/cgroup/${controller} (the node is set up for cgroup v1 with the cgroupfs driver)`,
      };
    }
  }
  if (readable("/proc/sys/net/bridge/bridge-nf-call-iptables")?.trim() !== "1") {
    return {
      ok: false,
      reason:
        "bridged traffic does not pass netfilter (/proc/sys/net/bridge/bridge-nf-call-iptables is not 1: br_netfilter missing), so NetworkPolicies between pods could not be enforced",
    };
  }
  return { ok: true };
}
