// The package mirror's opening, enforced in the kernel: an environment whose permit allows installs reaches the
// orchestrator's pods at the mirror's port and nothing else; one whose permit does not, not even that. Real
// connections from pods on the local node. Opt-in (SPE_LOCAL_NODE=1, root), as node.test.ts.
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalCluster, type LocalCluster } from "../local-cluster/cluster";
import { namespaceObject } from "../../orchestrator/src/environments/desired/namespace";
import { networkPolicies } from "../../orchestrator/src/environments/desired/network-policies";
import { mirrorEgressPolicy } from "../../orchestrator/src/environments/desired/package-mirror";
import { environmentConfigSchema } from "../../orchestrator/src/environments/environment-config";
import { COMPONENT_LABEL, ownedLabels } from "../../orchestrator/src/kube/owned-labels";
import { applyObject } from "../../orchestrator/src/kube/apply";
import { examplePermit } from "../../orchestrator/src/permits/test-fixtures";
import { nodeCapability } from "./capability";
import { startLocalNode, type LocalNode } from "./node";
import { standInWorkspaceImages } from "./for-orchestrator";
import { probeFrom, startServerPod } from "./test-pods";

const capability = nodeCapability();
const MIRROR_PORT = 8083;
const unique = () => randomBytes(3).toString("hex");
const load = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};

describe.skipIf(!capability.ok)("the workspaces' way to the package mirror on a local node", () => {
  const allowed = `spe-mirror-yes-${unique()}`;
  const closed = `spe-mirror-no-${unique()}`;
  // The mirror's address is the stand-in's, known only once it runs; the policy names pods, not the address.
  const config = environmentConfigSchema.parse({ packageMirror: { url: `http://10.244.0.1:${MIRROR_PORT}` } });
  let cluster: LocalCluster;
  let node: LocalNode;
  let core: k8s.CoreV1Api;
  let mirrorIp = "";
  let otherPlatformIp = "";

  beforeAll(async () => {
    cluster = await startLocalCluster({ progress: () => undefined });
    core = load(cluster.kubeconfig).makeApiClient(k8s.CoreV1Api);
    node = await startLocalNode({ adminKubeconfig: cluster.kubeconfig, images: standInWorkspaceImages(config) });
    const orchestrator = k8s.KubernetesObjectApi.makeApiClient(load(cluster.orchestratorKubeconfig));
    for (const [namespace, software] of [
      [allowed, "allowlisted"],
      [closed, "none"],
    ] as const) {
      const permit = examplePermit({ permitId: `SE-MIRROR-NODE-${namespace}` });
      const input = {
        namespace,
        permit: { ...permit, environment: { ...permit.environment, software } },
        desiredState: "active" as const,
        persons: [],
      };
      for (const object of [
        namespaceObject(input),
        ...networkPolicies(input, config),
        ...mirrorEgressPolicy(input, config),
      ])
        await applyObject(orchestrator, object);
    }
    // A stand-in for the orchestrator's pod (which serves the mirror) and another platform pod, on the same ports.
    [mirrorIp, otherPlatformIp] = await Promise.all([
      startServerPod(core, config.platformNamespace, `mirror-${unique()}`, { [COMPONENT_LABEL]: "orchestrator" }, [
        MIRROR_PORT,
        9999,
      ]),
      startServerPod(core, config.platformNamespace, `metrics-${unique()}`, { [COMPONENT_LABEL]: "metrics" }, [
        MIRROR_PORT,
      ]),
    ]);
  }, 20 * 60_000);

  afterAll(async () => {
    for (const namespace of [allowed, closed]) await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    await node?.stop();
    await cluster?.stop();
  }, 60_000);

  it("lets a workspace of an environment that may install reach the mirror's port, and nothing else", async () => {
    const mirror = `${mirrorIp}:${MIRROR_PORT}`;
    const otherPort = `${mirrorIp}:9999`;
    const otherPod = `${otherPlatformIp}:${MIRROR_PORT}`;
    const host = `${node.network.gateway}:${MIRROR_PORT}`;
    expect(
      await probeFrom(core, allowed, "workspace", ownedLabels(allowed, "workspace"), [
        mirror,
        otherPort,
        otherPod,
        host,
      ]),
    ).toEqual({ [mirror]: "connected", [otherPort]: "timeout", [otherPod]: "timeout", [host]: "timeout" });
  });

  it("opens nothing for the environment's other pods, nor for an environment whose permit does not allow installs", async () => {
    const mirror = `${mirrorIp}:${MIRROR_PORT}`;
    expect(await probeFrom(core, allowed, "airlock", ownedLabels(allowed, "airlock"), [mirror])).toEqual({
      [mirror]: "timeout",
    });
    expect(await probeFrom(core, closed, "workspace", ownedLabels(closed, "workspace"), [mirror])).toEqual({
      [mirror]: "timeout",
    });
  });
});
