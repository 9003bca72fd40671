import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
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
  for (const container of ctr("containers", "ls", "--quiet").split("\n").filter(Boolean))
    ctr("containers", "delete", container);
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

function commandLine(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

function parentOf(pid: string): string | undefined {
  try {
    // The command name may hold spaces and parentheses: the fields start after the last ")".
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").at(-1)?.split(" ")[1];
  } catch {
    return undefined;
  }
}

/**
 * Ends what a killed earlier run left behind: the shims of a local node whose containerd no longer runs
 * (its folder under `stateRoot`, named spe-node-*), with the container processes they hold, and then that
 * node's folder, mounts and pod networks. Returns the folders cleaned.
 */
export function endOrphanedNodes(stateRoot: string, bridge: string): string[] {
  const pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  const argvs = new Map(pids.map((pid) => [pid, commandLine(pid)]));
  const containerdConfigs = new Set(
    [...argvs.values()].filter((a) => a[0]?.endsWith("containerd")).map((a) => a[a.indexOf("--config") + 1]),
  );
  const orphanDirs = new Set<string>();
  for (const [pid, argv] of argvs) {
    if (!argv[0]?.endsWith("containerd-shim-runc-v2")) continue;
    const address = argv[argv.indexOf("-address") + 1] ?? "";
    if (!address.startsWith(join(stateRoot, "spe-node-"))) continue;
    const runtimeDir = dirname(address);
    if (containerdConfigs.has(join(runtimeDir, "config.toml"))) continue;
    for (const child of pids.filter((p) => parentOf(p) === pid)) quietKill(child);
    quietKill(pid);
    orphanDirs.add(dirname(runtimeDir));
  }
  for (const dir of orphanDirs) cleanUpHost(dir, bridge);
  return [...orphanDirs];
}

function quietKill(pid: string): void {
  try {
    process.kill(Number(pid), "SIGKILL");
  } catch {
    // Already gone.
  }
}
