import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { startHostRelay } from "./host-relay";
import { buildNodeProgramArchive, importImages, type ProbeImage } from "./image";
import { startLocalNode, type LocalNode } from "./node";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** What of the orchestrator's environment configuration the node needs to know. */
export interface EnvironmentImages {
  platformNamespace: string;
  imageRegistry: string;
  images: { jupyterlab: string; rstudio: string; vscode: string; dataLoader: string; airlockAgent: string };
  workspacePort: number;
}

/**
 * The workspace images cannot be built here (no registry for their bases): each tool's image is the probe
 * serving the workspace port, enough for readiness, the gateway and the isolation tests — not a JupyterLab.
 */
export function standInWorkspaceImages(config: EnvironmentImages): ProbeImage[] {
  return (["jupyterlab", "rstudio", "vscode"] as const).map((tool) => ({
    name: `${config.imageRegistry}/${config.images[tool]}`,
    entrypoint: ["probe", "serve", String(config.workspacePort)],
  }));
}

/**
 * Builds the orchestrator's own Node programs that run in environments — the data loader and the airlock
 * agent — as images/bundle-program.ts bundles them, packs each with this host's node, and imports them.
 */
export function importProgramImages(node: LocalNode, config: EnvironmentImages): void {
  const work = mkdtempSync(join(tmpdir(), "spe-programs-"));
  try {
    for (const [program, image] of [["data-loader", config.images.dataLoader], ["airlock-agent", config.images.airlockAgent]] as const) {
      const out = join(work, program);
      execFileSync("node", ["--import", "tsx", "images/bundle-program.ts", program, out, "--root", "/app"], { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
      const archive = join(work, `${program}.tar`);
      buildNodeProgramArchive(out, `${program}.mjs`, `${config.imageRegistry}/${image}`, archive);
      importImages(node.containerdSocket, archive);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Starts a pod in the platform namespace, labelled as the orchestrator, relaying port 8080 to an
 * orchestrator listening on the pod network's gateway address, and returns the staging URL the data
 * loaders must be given (there is no cluster DNS and no Service routing on the local node).
 */
export async function relayToOrchestrator(node: LocalNode, admin: k8s.KubeConfig, orchestratorPort: number, config: EnvironmentImages): Promise<string> {
  const relayIp = await startHostRelay(admin.makeApiClient(k8s.CoreV1Api), {
    namespace: config.platformNamespace,
    name: "orchestrator-relay",
    labels: { "app.kubernetes.io/component": "orchestrator" },
    port: 8080,
    target: `${node.network.gateway}:${orchestratorPort}`,
  });
  return `http://${relayIp}:8080/staging`;
}

/**
 * For `npm start`: a node with the workspace stand-ins and the real loader and airlock agent, and the relay
 * to an orchestrator that listens on `node.network.gateway:orchestratorPort` (as well as wherever else).
 */
export async function startNodeForOrchestrator(adminKubeconfig: string, orchestratorPort: number, config: EnvironmentImages, progress?: (line: string) => void) {
  const node = await startLocalNode({ adminKubeconfig, images: standInWorkspaceImages(config), progress });
  try {
    importProgramImages(node, config);
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(adminKubeconfig);
    return { node, stagingUrl: await relayToOrchestrator(node, admin, orchestratorPort, config) };
  } catch (err) {
    await node.stop();
    throw err;
  }
}
