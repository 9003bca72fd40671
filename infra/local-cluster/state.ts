import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalCluster } from "./cluster";

interface ClusterState {
  pid: number;
  server: string;
  kubeconfig: string;
  orchestratorKubeconfig: string;
  version: string;
}

/** Records a running `npm run cluster` so that `npm start` can use it instead of starting its own. */
export function writeClusterState(dir: string, cluster: LocalCluster): void {
  const state: ClusterState = {
    pid: process.pid,
    server: cluster.server,
    kubeconfig: cluster.kubeconfig,
    orchestratorKubeconfig: cluster.orchestratorKubeconfig,
    version: cluster.version,
  };
  writeFileSync(join(dir, "state.json"), JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function clearClusterState(dir: string): void {
  rmSync(join(dir, "state.json"), { force: true });
}

/** The cluster a live `npm run cluster` process started in `dir`, if there is one. */
export function readClusterState(dir: string): ClusterState | undefined {
  const file = join(dir, "state.json");
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, "utf8")) as ClusterState;
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}
