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
 * The lock is a folder holding the owner's pid; a dead owner's lock is taken over. While a live process
 * holds it, this waits (saying so once) up to `waitMs` — test files that each start a node run one after
 * the other, and `npm start` beside a node test gets its node when the test is done. Returns its release.
 */
export async function lockHostForNode(
  lockParent: string,
  options: { waitMs?: number; progress?: (line: string) => void } = {},
): Promise<() => void> {
  mkdirSync(lockParent, { recursive: true });
  const lock = join(lockParent, "node.lock");
  const deadline = Date.now() + (options.waitMs ?? 600_000);
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch {
      const owner = Number(readFileSync(join(lock, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      if (owner && owner !== process.pid && isAlive(owner)) {
        if (Date.now() > deadline)
          throw new LocalNodeError(
            "NODE_START_FAILED",
            `Another local node runs on this machine (process ${owner}); stop it first (the lock is ${lock}).`,
          );
        if (!told)
          options.progress?.(`Another local node runs on this machine (process ${owner}); waiting for it to stop`);
        told = true;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
