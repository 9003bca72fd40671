import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";

function quiet(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? result.stdout : "";
}

/**
 * Ends every container, while containerd still runs: their shims are daemons that outlive containerd and
 * the kubelet, and would keep the pods' processes and network namespaces alive. Best effort.
 */
export function removeContainers(containerdSocket: string): void {
  const ctr = (...args: string[]) => quiet("ctr", ["--address", containerdSocket, "--namespace", "k8s.io", ...args]);
  for (const task of ctr("tasks", "ls", "--quiet").split("\n").filter(Boolean)) {
    ctr("tasks", "kill", "--all", "--signal", "SIGKILL", task);
  }
  for (const task of ctr("tasks", "ls", "--quiet").split("\n").filter(Boolean)) ctr("tasks", "delete", "--force", task);
  for (const container of ctr("containers", "ls", "--quiet").split("\n").filter(Boolean)) ctr("containers", "delete", container);
}

/**
 * Removes what the node left on the host once containerd has stopped: pod network namespaces on our
 * bridge, the bridge, mounts under the node's folder, the folder. Best effort and idempotent: it runs on
 * stop and must not fail a test run over a leftover.
 */
export function cleanUpHost(dir: string, bridge: string): void {
  // The CRI names pod network namespaces cni-<uuid> and bind-mounts them under /var/run/netns.
  for (const name of safeReaddir("/var/run/netns").filter((n) => n.startsWith("cni-"))) {
    if (ownedByBridge(name, bridge)) quiet("ip", ["netns", "delete", name]);
  }
  quiet("ip", ["link", "delete", bridge]);
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => point.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) quiet("umount", ["--lazy", point]);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Whether a network namespace's pod interface hangs off our bridge (other engineers' namespaces stay). */
function ownedByBridge(netns: string, bridge: string): boolean {
  const peers = quiet("ip", ["-o", "link", "show", "master", bridge]);
  const inside = quiet("ip", ["-n", netns, "-o", "link", "show", "eth0"]);
  const peerIndex = /eth0@if(\d+)/.exec(inside)?.[1];
  return peerIndex !== undefined && new RegExp(`^${peerIndex}:`, "m").test(peers);
}
