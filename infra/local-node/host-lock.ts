import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LocalNodeError } from "./errors";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One local node per machine: two would share the bridge, the nftables table and the kubelet's cgroups.
 * The lock is a folder holding the owner's pid; a dead owner's lock is taken over. Returns its release.
 */
export function lockHostForNode(lockParent: string): () => void {
  mkdirSync(lockParent, { recursive: true });
  const lock = join(lockParent, "node.lock");
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch {
      const owner = Number(readFileSync(join(lock, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new LocalNodeError("NODE_START_FAILED", `Another local node runs on this machine (process ${owner}); stop it first (the lock is ${lock}).`);
      }
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
