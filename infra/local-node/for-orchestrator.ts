import { connect, createServer, type Socket } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { runCommand } from "../local-cluster/processes";
import { startHostRelay } from "./host-relay";
import { buildNodeProgramArchive, importImages, type ProbeImage } from "./image";
import { startLocalNode, type LocalNode } from "./node";
import { serviceUpstream, type ServiceUpstream } from "./pod-upstream";
import { builtWorkspaceArchive, importWorkspaceImage } from "./workspace-image";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** What of the orchestrator's environment configuration the node needs to know. */
export interface EnvironmentImages {
  platformNamespace: string;
  imageRegistry: string;
  images: { jupyterlab: string; vscode: string; dataLoader: string; airlockAgent: string };
  workspacePort: number;
}

/**
 * Stand-ins for the workspace images that have not been built here: each tool's image is the probe serving
 * the workspace port, enough for readiness, the gateway and the isolation tests — not a JupyterLab. `except`
 * leaves out the tools whose real image is imported instead.
 */
export function standInWorkspaceImages(
  config: EnvironmentImages,
  except: ReadonlyArray<"jupyterlab" | "vscode"> = [],
): ProbeImage[] {
  return (["jupyterlab", "vscode"] as const)
    .filter((tool) => !except.includes(tool))
    .map((tool) => ({
      name: `${config.imageRegistry}/${config.images[tool]}`,
      entrypoint: ["probe", "serve", String(config.workspacePort)],
    }));
}

/**
 * Builds the orchestrator's own Node programs that run in environments — the data loader and the airlock
 * agent — as images/bundle-program.ts bundles them, packs each with this host's node, and imports them.
 */
export async function importProgramImages(node: LocalNode, config: EnvironmentImages): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "spe-programs-"));
  try {
    for (const [program, image] of [
      ["data-loader", config.images.dataLoader],
      ["airlock-agent", config.images.airlockAgent],
    ] as const) {
      const out = join(work, program);
      await runCommand(
        process.execPath,
        ["--import", "tsx", "images/bundle-program.ts", program, out, "--root", "/app"],
        { cwd: repoRoot },
      );
      const archive = join(work, `${program}.tar`);
      await buildNodeProgramArchive(out, `${program}.mjs`, `${config.imageRegistry}/${image}`, archive);
      await importImages(node.containerdSocket, archive);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Starts a pod in the platform namespace, labelled as the orchestrator, relaying port 8080 to the
 * orchestrator's staging listener (STAGING_PORT, which serves /staging alone) on the pod network's gateway
 * address, and returns the staging URL the data loaders must be given (there is no cluster DNS and no
 * Service routing on the local node).
 */
export async function relayToOrchestrator(
  node: LocalNode,
  admin: k8s.KubeConfig,
  orchestratorPort: number,
  config: EnvironmentImages,
): Promise<string> {
  const relayIp = await startHostRelay(admin.makeApiClient(k8s.CoreV1Api), {
    namespace: config.platformNamespace,
    name: "orchestrator-relay",
    labels: { "app.kubernetes.io/component": "orchestrator" },
    port: 8080,
    target: `${node.network.gateway}:${orchestratorPort}`,
  });
  return `http://${relayIp}:8080/staging`;
}

/** Where the staging listener of `npm start`'s orchestrator listens on the host (the loaders' only way in). */
export interface OrchestratorAddress {
  host: string;
  port: number;
}

/** What `npm start` gets from its node: the staging URL for loaders, the way to reach a Service's pods, and stop. */
export interface NodeForOrchestrator {
  node: LocalNode;
  /** The relay's address: data loaders fetch staged files here (there is no cluster DNS). */
  stagingUrl: string;
  /** A Service's ready pod, by its address (no kube-proxy): for the gateway and the airlock. */
  serviceUpstream: ServiceUpstream;
  stop(): Promise<void>;
}

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * Accepts connections on the pod network's gateway address and passes them to the orchestrator wherever it
 * listens (loopback by default), so that the relay pod can reach it without the orchestrator listening on
 * every address. Only pods without policies (the relay) can reach the host: the enforcer drops environments'.
 */
async function forwardFromPodNetwork(gateway: string, orchestrator: OrchestratorAddress): Promise<() => Promise<void>> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(orchestrator.port, orchestrator.host);
    open.add(client);
    client.once("close", () => open.delete(client));
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(orchestrator.port, gateway, resolve),
  );
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of open) socket.destroy();
    });
}

/**
 * For `npm start`: a node with the real JupyterLab workspace when scripts/build-images.sh has built it here
 * (stand-ins otherwise, and for the other tools), the real loader and airlock agent, the relay to the
 * orchestrator (reached on the pod network's gateway address: directly when it listens on every address,
 * else through a forwarder on the host) and a resolver from Services to their pods.
 */
export async function startNodeForOrchestrator(
  adminKubeconfig: string,
  orchestrator: OrchestratorAddress,
  config: EnvironmentImages,
  progress: (line: string) => void = (l) => console.error(l),
): Promise<NodeForOrchestrator> {
  const workspaceArchive = builtWorkspaceArchive();
  const node = await startLocalNode({
    adminKubeconfig,
    images: standInWorkspaceImages(config, workspaceArchive ? ["jupyterlab"] : []),
    progress,
  });
  let stopForwarder = async () => {};
  const stop = async () => {
    await stopForwarder();
    await node.stop();
  };
  try {
    const started = Date.now();
    await importProgramImages(node, config);
    progress(
      `Imported the data loader and airlock agent images into the local node in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (workspaceArchive) {
      const importStarted = Date.now();
      await importWorkspaceImage(
        node.containerdSocket,
        workspaceArchive,
        `${config.imageRegistry}/${config.images.jupyterlab}`,
      );
      progress(
        `Imported the JupyterLab workspace image built by scripts/build-images.sh into the local node in ${((Date.now() - importStarted) / 1000).toFixed(1)} s`,
      );
    } else
      progress("The JupyterLab workspace runs as a stand-in: scripts/build-images.sh workspace builds the real image");
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(adminKubeconfig);
    // The relay's pod brings up the bridge, so the forwarder can listen on its address only after it.
    const stagingUrl = await relayToOrchestrator(node, admin, orchestrator.port, config);
    if (!WILDCARD_HOSTS.has(orchestrator.host))
      stopForwarder = await forwardFromPodNetwork(node.network.gateway, orchestrator);
    return { node, stagingUrl, serviceUpstream: serviceUpstream(admin), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
