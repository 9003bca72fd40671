// The local node: real pods from a locally built image, and the orchestrator's own NetworkPolicies enforced
// in the kernel, proven by connections that succeed or fail. Opt-in (SPE_LOCAL_NODE=1, root): elsewhere the
// suite prints why it skipped.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalCluster, type LocalCluster } from "../local-cluster/cluster";
import { desiredObjects } from "../../orchestrator/src/environments/desired/index";
import { namespaceObject } from "../../orchestrator/src/environments/desired/namespace";
import {
  DENY_ALL_POLICY,
  networkPolicies,
  stagingPort,
} from "../../orchestrator/src/environments/desired/network-policies";
import { ownedLabels, COMPONENT_LABEL } from "../../orchestrator/src/kube/owned-labels";
import { defaultEnvironmentConfig as config } from "../../orchestrator/src/environments/environment-config";
import { applyObject } from "../../orchestrator/src/kube/apply";
import {
  examplePermit,
  issuerKey,
  TEST_ISSUER,
  trustOf,
  withPersons,
  openEveryWorkspace,
} from "../../orchestrator/src/permits/test-fixtures";
import { importPermit } from "../../orchestrator/src/permits/import-permit";
import { openDatabase } from "../../orchestrator/src/db/database";
import { EnvironmentController } from "../../orchestrator/src/environments/controller";
import { environmentRow } from "../../orchestrator/test/environment-rows";
import { pino } from "pino";
import { nodeCapability } from "./capability";
import { startLocalNode, type LocalNode } from "./node";
import { getFrom, probeFrom, startServerPod } from "./test-pods";
import { startHostRelay } from "./host-relay";
import { importProgramImages, relayToOrchestrator, standInWorkspaceImages } from "./for-orchestrator";
import { startStagingOnHost } from "./staged-delivery";
import { createServer as createHttpServer } from "node:http";

const capability = nodeCapability();
if (!capability.ok) console.warn(`Skipped the local node tests: ${capability.reason}.`);

const load = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};
const unique = () => randomBytes(3).toString("hex");

/** A pod's IPv6 link-local address, read on the host from the pod network namespaces the CRI made. */
function linkLocalOf(podIp: string): string {
  for (const netns of readdirSync("/var/run/netns")) {
    const line = execFileSync("ip", ["-n", netns, "-br", "addr", "show", "eth0"], { encoding: "utf8" });
    const linkLocal = line.includes(`${podIp}/`) ? /(fe80::[0-9a-f:]+)\//.exec(line)?.[1] : undefined;
    if (linkLocal) return linkLocal;
  }
  throw new Error(`no pod network namespace holds ${podIp}`);
}

describe.skipIf(!capability.ok)("a local node running the orchestrator's environments", () => {
  const envA = `spe-node-a-${unique()}`;
  const envB = `spe-node-b-${unique()}`;
  const open = `spe-node-open-${unique()}`;
  const envWorkspace = `spe-node-ws-${unique()}`;
  let cluster: LocalCluster;
  let node: LocalNode;
  let core: k8s.CoreV1Api;
  let hostServer: Server;
  const hostPort = 18000 + Math.floor(Math.random() * 1000);
  const workspaceIp: Record<string, string> = {};
  let airlockIp = "";

  beforeAll(async () => {
    // A control plane of its own: with a node in it, the pods other test files create in the shared cluster
    // (and expect never to run) would start running here.
    cluster = await startLocalCluster({ progress: () => undefined });
    const admin = load(cluster.kubeconfig);
    core = admin.makeApiClient(k8s.CoreV1Api);
    // Workspaces are stand-ins (the probe serving the workspace port); the loader and the airlock agent are
    // the orchestrator's own programs, bundled as their images carry them.
    node = await startLocalNode({ adminKubeconfig: cluster.kubeconfig, images: standInWorkspaceImages(config) });
    await importProgramImages(node, config);
    // Two environments exactly as the orchestrator makes their namespace and isolation, applied by its identity.
    const orchestrator = k8s.KubernetesObjectApi.makeApiClient(load(cluster.orchestratorKubeconfig));
    for (const namespace of [envA, envB]) {
      const input = {
        namespace,
        permit: examplePermit({ permitId: `SE-HDAB-NODE-${namespace}` }),
        desiredState: "active" as const,
      };
      for (const object of [namespaceObject(input), ...networkPolicies(input, config)])
        await applyObject(orchestrator, object);
    }
    await core.createNamespace({ body: { metadata: { name: open } } });
    const ports = [config.workspacePort, config.airlockPort, 9999];
    [workspaceIp[envA], workspaceIp[envB], workspaceIp[open], airlockIp] = await Promise.all([
      startServerPod(core, envA, "workspace", ownedLabels(envA, "workspace"), ports),
      startServerPod(core, envB, "workspace", ownedLabels(envB, "workspace"), ports),
      startServerPod(core, open, "server", {}, ports),
      // The airlock agent runs in a pod of its own, beside the persons' workspaces.
      startServerPod(core, envA, "airlock", ownedLabels(envA, "airlock"), ports),
    ]);
    // A server on the host, on the pod network's gateway address (the bridge exists once a pod runs).
    // The probes close at once after connecting: a reset from them is expected, not an error of the test.
    hostServer = createServer((socket) => socket.on("error", () => undefined).end("host\n"));
    await new Promise<void>((resolve, reject) =>
      hostServer.once("error", reject).listen(hostPort, node.network.gateway, resolve),
    );
  }, 20 * 60_000);

  afterAll(async () => {
    hostServer?.close();
    for (const namespace of [envA, envB, open, envWorkspace])
      await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    await node?.stop();
    await cluster?.stop();
  }, 60_000);

  it("runs a workspace-like pod in an environment namespace (restricted, imported image, no pull)", async () => {
    const pod = await core.readNamespacedPod({ namespace: envA, name: "workspace" });
    expect(pod.status?.phase).toBe("Running");
    expect(pod.spec?.nodeName).toBe(node.name);
    expect(pod.status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
  });

  it("lets a pod without policies reach the host and other pods: the network itself works", async () => {
    const host = `${node.network.gateway}:${hostPort}`;
    const peer = `${workspaceIp[open]}:${config.workspacePort}`;
    expect(await probeFrom(core, open, "control", {}, [host, peer])).toEqual({
      [host]: "connected",
      [peer]: "connected",
    });
  });

  it("keeps an environment's pod from the host, from another environment and from its own neighbours", async () => {
    const host = `${node.network.gateway}:${hostPort}`;
    const otherEnvironment = `${workspaceIp[envB]}:${config.workspacePort}`;
    const neighbour = `${workspaceIp[envA]}:${config.workspacePort}`;
    const outside = `${workspaceIp[open]}:${config.workspacePort}`;
    // Pods have IPv6 link-local addresses too, which no policy names: before the enforcer dropped IPv6 on
    // the bridge, this one connected.
    const otherEnvironmentV6 = `[${linkLocalOf(workspaceIp[envB]!)}%eth0]:${config.workspacePort}`;
    const result = await probeFrom(core, envA, "escape", ownedLabels(envA, "workspace"), [
      host,
      otherEnvironment,
      neighbour,
      outside,
      otherEnvironmentV6,
    ]);
    expect(result).toEqual({
      [host]: "timeout",
      [otherEnvironment]: "timeout",
      [neighbour]: "timeout",
      [outside]: "timeout",
      [otherEnvironmentV6]: "timeout",
    });
  });

  it("lets the orchestrator (which serves the gateway) reach the workspace and airlock ports, and nothing else of the environment", async () => {
    const workspace = `${workspaceIp[envA]}:${config.workspacePort}`;
    const otherPort = `${workspaceIp[envA]}:9999`;
    const airlockOnWorkspace = `${workspaceIp[envA]}:${config.airlockPort}`;
    const airlock = `${airlockIp}:${config.airlockPort}`;
    const workspaceOnAirlock = `${airlockIp}:${config.workspacePort}`;
    const gateway = await probeFrom(
      core,
      config.platformNamespace,
      `gateway-${unique()}`,
      { [COMPONENT_LABEL]: "orchestrator" },
      [workspace, otherPort, airlockOnWorkspace, airlock, workspaceOnAirlock],
    );
    expect(gateway).toEqual({
      [workspace]: "connected",
      [otherPort]: "timeout",
      [airlockOnWorkspace]: "timeout",
      [airlock]: "connected",
      [workspaceOnAirlock]: "timeout",
    });
  });

  it("keeps out a platform pod that is not the orchestrator, and a pod outside the platform that calls itself one", async () => {
    const workspace = `${workspaceIp[envA]}:${config.workspacePort}`;
    const notGateway = await probeFrom(
      core,
      config.platformNamespace,
      `other-${unique()}`,
      { [COMPONENT_LABEL]: "metrics" },
      [workspace],
    );
    const impostor = await probeFrom(core, open, "impostor", { [COMPONENT_LABEL]: "orchestrator" }, [workspace]);
    expect(notGateway).toEqual({ [workspace]: "timeout" });
    expect(impostor).toEqual({ [workspace]: "timeout" });
  });

  it("runs the environment the orchestrator applies: the workspace pod Ready, its data volume read-only, its home and project writable", async () => {
    // A permit whose environment fits this two-core machine; everything else as the orchestrator builds it,
    // applied in its order by its identity (no staged delivery: no loader Job, the data volume is empty).
    const permit = examplePermit({
      permitId: `SE-HDAB-NODE-${envWorkspace}`,
      environment: { tools: ["jupyterlab"], cpu: "700m", memory: "1Gi", storage: "1Gi" },
    });
    const orchestrator = k8s.KubernetesObjectApi.makeApiClient(load(cluster.orchestratorKubeconfig));
    for (const object of desiredObjects(
      withPersons({ namespace: envWorkspace, permit, desiredState: "active" }),
      config,
    ))
      await applyObject(orchestrator, object);

    const deadline = Date.now() + 90_000;
    let pod: k8s.V1Pod | undefined;
    while (Date.now() < deadline) {
      const pods = await core.listNamespacedPod({
        namespace: envWorkspace,
        labelSelector: `${COMPONENT_LABEL}=workspace`,
      });
      pod = pods.items[0];
      if (pod?.status?.containerStatuses?.length && pod.status.containerStatuses.every((c) => c.ready)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(pod?.status?.phase, JSON.stringify(pod?.status)).toBe("Running");
    expect(pod!.status!.containerStatuses!.map((c) => [c.name, c.ready])).toEqual([["jupyterlab", true]]);

    // Asked through the one path the policies open (the gateway, the workspace port), the workspace itself
    // says what it can write: its home and the project folder in it, not the data.
    const base = `http://${pod!.status!.podIP}:${config.workspacePort}/`;
    const urls = ["/home/researcher/data", "/home/researcher", "/home/researcher/project"].map(
      (dir) => `${base}?write-check=${dir}`,
    );
    const answers = await getFrom(
      core,
      config.platformNamespace,
      `gateway-${unique()}`,
      { [COMPONENT_LABEL]: "orchestrator" },
      urls,
    );
    expect(answers[urls[0]!]).toMatch(/^200 .*read-only file system/);
    expect(answers[urls[1]!]).toBe("200 writable");
    expect(answers[urls[2]!]).toBe("200 writable");
  }, 180_000);

  it("imports a signed permit and the orchestrator's controller brings its workspace up on the node", async () => {
    const database = await openDatabase({ memory: true });
    const controller = new EnvironmentController({
      db: database.db,
      kubeConfig: load(cluster.orchestratorKubeconfig),
      config,
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      leaseName: `node-test-${unique()}`,
      resyncMs: 60_000,
      pollMs: 100,
    });
    try {
      const hdab = await issuerKey("EdDSA", "node-test");
      const permit = examplePermit({
        permitId: `SE-HDAB-NODE-${unique()}`,
        environment: { tools: ["jupyterlab"], cpu: "700m", memory: "1Gi", storage: "1Gi" },
      });
      const { namespace } = await importPermit(database.db, await hdab.sign(permit), {
        trustedIssuers: trustOf({ [TEST_ISSUER]: [hdab] }),
        now: new Date(),
      });
      await openEveryWorkspace(database.db, namespace, permit, config);
      controller.start();
      controller.enqueue(namespace);
      const deadline = Date.now() + 120_000;
      let conditions: Awaited<ReturnType<typeof environmentRow>>["conditions"] = [];
      while (Date.now() < deadline) {
        conditions = (await environmentRow(database.db, namespace)).conditions;
        if (conditions.find((c) => c.type === "WorkspaceReady")?.status === "True") break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const byType = Object.fromEntries(conditions.map((c) => [c.type, c]));
      expect(byType.WorkspaceReady, JSON.stringify(conditions)).toMatchObject({ status: "True", reason: "Available" });
      expect(byType.NetworkIsolated).toMatchObject({ status: "True" });
      // Nothing was delivered: the one thing between this environment and Ready is its data.
      expect(byType.DataStaged).toMatchObject({ status: "False", reason: "AwaitingDelivery" });

      // Drift, measured where it matters: a break-glass administrator deletes the deny-all policy, the
      // workspace may send anywhere until the controller has put it back and the enforcer has followed.
      const workspacePod = (await core.listNamespacedPod({ namespace, labelSelector: `${COMPONENT_LABEL}=workspace` }))
        .items[0]!;
      const egressChain = `eg_${workspacePod.status!.podIP!.replaceAll(".", "_")}`;
      const egressIsolated = () =>
        spawnSync("nft", ["list", "chain", "inet", "spe_netpol", egressChain], { stdio: "ignore" }).status === 0;
      expect(egressIsolated()).toBe(true);
      const deleted = Date.now();
      await load(cluster.kubeconfig)
        .makeApiClient(k8s.NetworkingV1Api)
        .deleteNamespacedNetworkPolicy({ name: DENY_ALL_POLICY, namespace });
      let sawOpen = false;
      while (Date.now() - deleted < 10_000) {
        const isolated = egressIsolated();
        sawOpen ||= !isolated;
        if (sawOpen && isolated) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const exposedMs = Date.now() - deleted;
      console.info(`Deny-all deleted: the workspace's egress was isolated again after ${exposedMs} ms`);
      expect(egressIsolated()).toBe(true);
      expect(exposedMs).toBeLessThan(5000);
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    } finally {
      await controller.stop();
      await database.close();
    }
  }, 180_000);

  it("says within a minute that an environment whose workspace image cannot be pulled is stuck, and why", async () => {
    const database = await openDatabase({ memory: true });
    // An image nobody imported or could pull: the kubelet reports it, and that is news at once.
    const missing = { ...config, images: { ...config.images, jupyterlab: `workspace-missing:${unique()}` } };
    const controller = new EnvironmentController({
      db: database.db,
      kubeConfig: load(cluster.orchestratorKubeconfig),
      config: missing,
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      leaseName: `node-test-${unique()}`,
      resyncMs: 60_000,
      pollMs: 100,
    });
    try {
      const hdab = await issuerKey("EdDSA", "node-test");
      const permit = examplePermit({
        permitId: `SE-HDAB-NODE-${unique()}`,
        environment: { tools: ["jupyterlab"], cpu: "700m", memory: "1Gi", storage: "1Gi" },
      });
      const { namespace } = await importPermit(database.db, await hdab.sign(permit), {
        trustedIssuers: trustOf({ [TEST_ISSUER]: [hdab] }),
        now: new Date(),
      });
      await openEveryWorkspace(database.db, namespace, permit, config);
      const started = Date.now();
      controller.start();
      controller.enqueue(namespace);
      let conditions: Awaited<ReturnType<typeof environmentRow>>["conditions"] = [];
      while (Date.now() - started < 60_000) {
        conditions = (await environmentRow(database.db, namespace)).conditions;
        if (conditions.find((c) => c.type === "Ready")?.reason === "ImagePullFailed") break;
        await new Promise((r) => setTimeout(r, 500));
      }
      console.info(`An image that cannot be pulled: said after ${Date.now() - started} ms`);
      const image = `${config.imageRegistry}/${missing.images.jupyterlab}`;
      expect(
        conditions.find((c) => c.type === "WorkspaceReady"),
        JSON.stringify(conditions),
      ).toMatchObject({
        status: "False",
        reason: "ImagePullFailed",
        values: { image },
        message: expect.stringContaining(`The image ${image} cannot be pulled: `),
      });
      // Stuck outweighs the data it also waits for: the environment is "with problems" for operators.
      expect(conditions.at(-1)).toMatchObject({ type: "Ready", status: "False", reason: "ImagePullFailed" });
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    } finally {
      await controller.stop();
      await database.close();
    }
  }, 120_000);

  it("lets the data loader reach an orchestrator on the host only through a relay pod labelled as the orchestrator", async () => {
    const orchestratorOnHost = createHttpServer((_req, res) => res.end("orchestrator on the host"));
    await new Promise<void>((resolve) => orchestratorOnHost.listen(0, node.network.gateway, resolve));
    try {
      const hostAddress = `${node.network.gateway}:${(orchestratorOnHost.address() as { port: number }).port}`;
      const relayIp = await startHostRelay(core, {
        namespace: config.platformNamespace,
        name: `orchestrator-relay-${unique()}`,
        labels: { [COMPONENT_LABEL]: "orchestrator" },
        port: stagingPort(config),
        target: hostAddress,
      });
      const viaRelay = `http://${relayIp}:${stagingPort(config)}/staging`;
      const direct = `http://${hostAddress}/staging`;
      const loader = await getFrom(core, envA, "loader", ownedLabels(envA, "data-loader"), [viaRelay, direct]);
      expect(loader[viaRelay]).toBe("200 orchestrator on the host");
      expect(loader[direct]).toMatch(/^error: .*(timeout|deadline)/i);
      // The same relay is no way out for the workspace: only the loader's policy opens it.
      const workspace = await getFrom(core, envA, "workspace-out", ownedLabels(envA, "workspace"), [viaRelay]);
      expect(workspace[viaRelay]).toMatch(/^error: .*(timeout|deadline)/i);
    } finally {
      orchestratorOnHost.close();
    }
  }, 120_000);

  it("delivers an extract to the real data loader on the node, and the environment becomes Ready", async () => {
    const database = await openDatabase({ memory: true });
    const staging = await startStagingOnHost(database.db, node.network.gateway, load(cluster.orchestratorKubeconfig));
    let controller: EnvironmentController | undefined;
    try {
      // No cluster DNS and no Services here: the loader is pointed at the relay pod's address.
      const stagingUrl = await relayToOrchestrator(
        node,
        load(cluster.kubeconfig),
        Number(staging.address.split(":")[1]),
        config,
      );
      const environmentConfig = { ...config, stagingUrl, stagingCapabilities: staging.capabilities };

      const hdab = await issuerKey("EdDSA", "node-loader-test");
      const permit = examplePermit({
        permitId: `SE-HDAB-LOAD-${unique()}`,
        environment: { tools: ["jupyterlab"], cpu: "700m", memory: "1Gi", storage: "1Gi" },
      });
      const { namespace } = await importPermit(database.db, await hdab.sign(permit), {
        trustedIssuers: trustOf({ [TEST_ISSUER]: [hdab] }),
        now: new Date(),
      });
      await openEveryWorkspace(database.db, namespace, permit, environmentConfig);
      await staging.deliver(permit, 500);
      controller = new EnvironmentController({
        db: database.db,
        kubeConfig: load(cluster.orchestratorKubeconfig),
        config: environmentConfig,
        log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
        leaseName: `node-loader-${unique()}`,
        resyncMs: 60_000,
        pollMs: 100,
        staging: staging.store,
      });
      controller.start();
      controller.enqueue(namespace);
      const deadline = Date.now() + 150_000;
      let conditions: Awaited<ReturnType<typeof environmentRow>>["conditions"] = [];
      while (Date.now() < deadline) {
        conditions = (await environmentRow(database.db, namespace)).conditions;
        if (conditions.find((c) => c.type === "Ready")?.status === "True") break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const byType = Object.fromEntries(conditions.map((c) => [c.type, c]));
      expect(byType.DataStaged, JSON.stringify(conditions)).toMatchObject({ status: "True" });
      expect(byType.Ready).toMatchObject({ status: "True" });
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    } finally {
      await controller?.stop();
      await staging.stop();
      await database.close();
    }
  }, 240_000);
});
