// The program through the real Pulumi engine, against a local control plane of its own that has nothing of the
// platform yet: preview, up, a second up that changes nothing, refresh without drift, destroy that leaves nothing
// behind. The Automation API runs the program inline, so no Node.js language host is needed; the CLI and the
// Kubernetes provider are built from the Go module proxy by `npm run pulumi:build` (infra/local-pulumi).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startLocalCluster, type LocalCluster } from "../local-cluster";
import { findPulumiBinaries, PULUMI_KUBERNETES_VERSION, PULUMI_VERSION } from "../local-pulumi/binaries";
import { EXAMPLE_SECRET_KEYS, exampleStackConfig } from "./example-stack";

const binaries = findPulumiBinaries();
if (!binaries)
  console.warn(
    `Skipping the real Pulumi engine test: the Pulumi CLI ${PULUMI_VERSION} and its Kubernetes provider ${PULUMI_KUBERNETES_VERSION} are not built. Run \`npm run pulumi:build\` (CI does).`,
  );

/** The package mirror's Service at a fixed address of the local control plane's Service range (10.96.0.0/16). */
const MIRROR_CLUSTER_IP = "10.96.0.83";

/** Every `spe:` key of the example stack, the credentials as secrets, on a control plane without nodes. */
function stackConfig(overrides: Record<string, string> = {}, secretKeys = EXAMPLE_SECRET_KEYS): ConfigMap {
  const raw = {
    ...exampleStackConfig(),
    skipAwait: "true",
    // Documentation addresses for the index: nothing here ever connects to them.
    packageMirror: JSON.stringify({
      clusterIP: MIRROR_CLUSTER_IP,
      upstream: { network: { cidrs: ["192.0.2.0/28"] } },
    }),
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [`spe:${key}`, { value, secret: secretKeys.includes(key) }]),
  );
}

/** The program as the engine runs it: index.ts evaluated afresh for each operation. */
async function program() {
  vi.resetModules();
  return (await import("./index")) as Record<string, unknown>;
}

/** The README's `pulumi up --target` of the platform namespace, for this test's stack. */
const NAMESPACE_URNS = [
  "urn:pulumi:engine-test::spe::spe:platform:PlatformNamespace::spe-system",
  "urn:pulumi:engine-test::spe::spe:platform:PlatformNamespace$kubernetes:core/v1:Namespace::spe-system",
];

/** Everything but what stayed the same. */
const changed = (ops: OpMap | undefined) => Object.entries(ops ?? {}).filter(([op, n]) => op !== "same" && n! > 0);

interface StateObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

interface StateResource {
  type: string;
  inputs?: { version?: string };
  outputs?: StateObject;
}

describe.skipIf(!binaries)("the program through the real Pulumi engine", () => {
  let cluster: LocalCluster;
  let stateDir: string;
  let stack: Stack;
  let objects: k8s.KubernetesObjectApi;
  let core: k8s.CoreV1Api;
  const output: string[] = [];
  const onOutput = (line: string) => output.push(line);

  beforeAll(async () => {
    // Not the shared test cluster: its platform objects were applied by another field manager, and the
    // engine's server-side apply would conflict with them, as it would on any cluster installed otherwise.
    cluster = await startLocalCluster({ installPlatform: false, progress: () => undefined });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    core = kc.makeApiClient(k8s.CoreV1Api);
    stateDir = mkdtempSync(join(tmpdir(), "spe-pulumi-"));
    // The file backend opens its bucket folder; it does not make it.
    mkdirSync(join(stateDir, "state"));
    const pulumiCommand = await PulumiCommand.get({ root: binaries!.root });
    stack = await LocalWorkspace.createOrSelectStack(
      { projectName: "spe", stackName: "engine-test", program },
      {
        pulumiCommand,
        pulumiHome: join(stateDir, "home"),
        projectSettings: { name: "spe", runtime: "nodejs", backend: { url: `file://${join(stateDir, "state")}` } },
        envVars: {
          PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
          PULUMI_SKIP_UPDATE_CHECK: "true",
          // The provider reads the cluster from KUBECONFIG, and the engine finds it on PATH (no plugin download).
          KUBECONFIG: cluster.kubeconfig,
          PATH: `${binaries!.bin}:${process.env.PATH}`,
        },
      },
    );
  }, 300_000);

  afterAll(async () => {
    await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await cluster?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("refuses a bad stack configuration in the engine, with the same message as under the mocks", async () => {
    await stack.setAllConfig(stackConfig({}, ["oidcClientSecret"]));
    const refused = await stack.preview({ onOutput }).then(
      () => "previewed",
      (err: unknown) => String(err),
    );
    expect(refused).toMatch(/spe:databaseUrl: must be stored as a secret/);
    // The program stopped before declaring anything: the cluster has nothing of the platform.
    await expect(core.readNamespace({ name: "spe-system" })).rejects.toMatchObject({ code: 404 });
  }, 300_000);

  it("previews, installs, and installs again without a change", async () => {
    await stack.setAllConfig(stackConfig());
    const preview = await stack.preview({ onOutput });
    expect(preview.changeSummary.create).toBeGreaterThan(30);
    expect(changed(preview.changeSummary).map(([op]) => op)).toEqual(["create"]);

    // The README's first step: the namespace alone, so that the key Secrets can be made before the pods start.
    const first = await stack.up({ onOutput, target: [...NAMESPACE_URNS], targetDependents: false });
    expect(first.summary.result).toBe("succeeded");
    await core.readNamespace({ name: "spe-system" });
    await expect(
      core.readNamespacedServiceAccount({ name: "spe-orchestrator", namespace: "spe-system" }),
    ).rejects.toMatchObject({ code: 404 });

    const up = await stack.up({ onOutput });
    expect(up.summary.result).toBe("succeeded");
    expect((first.summary.resourceChanges?.create ?? 0) + (up.summary.resourceChanges?.create ?? 0)).toBe(
      preview.changeSummary.create,
    );
    expect(up.outputs.platformNamespace?.value).toBe("spe-system");
    // The API server gave the mirror's Service the address workspaces' pip is told.
    const mirror = await core.readNamespacedService({ name: "orchestrator-mirror", namespace: "spe-system" });
    expect(mirror.spec?.clusterIP).toBe(MIRROR_CLUSTER_IP);

    const again = await stack.up({ onOutput });
    expect(changed(again.summary.resourceChanges)).toEqual([]);
    expect(again.summary.resourceChanges?.same).toBe(preview.changeSummary.create);
  }, 900_000);

  it("runs the orchestrator's pods under Pod Security restricted", async () => {
    const namespace = await core.readNamespace({ name: "spe-system" });
    expect(namespace.metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    // No node runs them, but the ReplicaSet controller made them and Pod Security admitted them.
    const pods = await until("the ReplicaSet controller made both pods", async () => {
      const { items } = await core.listNamespacedPod({ namespace: "spe-system" });
      return items.length === 2 && items;
    });
    expect(pods.map((p) => p.metadata?.labels?.["app.kubernetes.io/component"])).toEqual([
      "orchestrator",
      "orchestrator",
    ]);
    const events = await core.listNamespacedEvent({ namespace: "spe-system" });
    expect(events.items.filter((e) => e.reason === "FailedCreate").map((e) => e.message)).toEqual([]);
  }, 120_000);

  it("finds no drift on refresh", async () => {
    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.result).toBe("succeeded");
    expect(changed(refresh.summary.resourceChanges)).toEqual([]);
    const preview = await stack.preview({ onOutput });
    expect(changed(preview.changeSummary)).toEqual([]);
  }, 600_000);

  it("destroys everything it made", async () => {
    const state = await stack.exportStack();
    const resources = (state.deployment as { resources: StateResource[] }).resources;
    const made = resources
      .filter((r) => r.type.startsWith("kubernetes:") && r.outputs?.metadata)
      .map((r) => r.outputs!);
    expect(made.length).toBeGreaterThan(30);
    // The engine ran the provider built here, under the version the npm package asks for.
    const providers = resources.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.inputs?.version);
    expect(providers).toEqual([PULUMI_KUBERNETES_VERSION]);
    const destroy = await stack.destroy({ onOutput });
    expect(destroy.summary.result).toBe("succeeded");
    // Everything in the state goes: the Kubernetes objects, the components and the stack (the engine's summary
    // leaves its default provider out of the count).
    expect(destroy.summary.resourceChanges?.delete).toBe(resources.length - providers.length);
    // The namespace's deletion takes the namespace controller a moment after the engine is done.
    const present = async (o: StateObject) => {
      const { name, namespace } = o.metadata;
      return objects.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name, namespace } }).then(
        () => true,
        (err: unknown) => (err instanceof k8s.ApiException && err.code === 404 ? false : Promise.reject(err)),
      );
    };
    await until("every object the stack made was gone", async () => {
      for (const o of made) if (await present(o)) return false;
      return true;
    });
  }, 600_000);
});

/** Asks until the answer is truthy, for at most a minute; then fails saying what did not happen. */
async function until<T>(what: string, ask: () => Promise<T | false>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await ask();
    if (answer) return answer;
    if (Date.now() > deadline) throw new Error(`Within a minute, ${what} did not happen`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
