// Class 5 of the attack suite, the orchestrator's own objects: its workloads and the pods its controllers
// make from them, Services, policies, quota, limits, claims and ServiceAccount are changed, scaled and
// deleted by the orchestrator alone, and nobody reaches into its pods past the gateway.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually } from "../../orchestrator/test/eventually";
import {
  attackEnvironment,
  expectRefused,
  insidersOf,
  mergePatch,
  refusal,
  type AttackEnvironment,
} from "./attack-environment";

const POLICY = "spe-environment-ownership";

describe("the orchestrator's objects in an environment, against the real API server", () => {
  let env: AttackEnvironment;
  let workspacePod: string;
  beforeAll(async () => {
    env = await attackEnvironment(inject("kubeconfig"), inject("orchestratorKubeconfig"));
    const core = env.admin.makeApiClient(k8s.CoreV1Api);
    workspacePod = await eventually(
      "the workspace Deployment's pod exists",
      async () =>
        (
          await core.listNamespacedPod({
            namespace: env.namespace,
            labelSelector: "app.kubernetes.io/component=workspace",
          })
        ).items[0]?.metadata?.name,
      30_000,
    );
  });
  afterAll(() => env.remove());

  describe.each(insidersOf("NAMESPACE"))("as %s", (_who, userTemplate) => {
    const user = () => userTemplate.replace("NAMESPACE", env.namespace);
    const kc = () => env.as(user());

    it("changing, scaling or deleting the workspace Deployment: refused", async () => {
      const apps = kc().makeApiClient(k8s.AppsV1Api);
      const namespace = env.namespace;
      await expectRefused(
        apps.patchNamespacedDeployment(
          { name: env.workspace, namespace, body: { metadata: { annotations: { note: "x" } } } },
          mergePatch,
        ),
        POLICY,
        new RegExp(
          `Deployment ${env.workspace} in ${namespace}: changing it was refused for ${user()}\\. The SPE orchestrator made it`,
        ),
      );
      await expectRefused(
        apps.patchNamespacedDeploymentScale(
          { name: env.workspace, namespace, body: { spec: { replicas: 3 } } },
          mergePatch,
        ),
        POLICY,
        /: scaling it was refused/,
      );
      await expectRefused(
        apps.deleteNamespacedDeployment({ name: env.workspace, namespace }),
        POLICY,
        new RegExp(`Deployment ${env.workspace} .*: deleting it was refused`),
      );
    });

    it.each([
      ["the data claim", "PersistentVolumeClaim", "data"],
      ["the workspace's ServiceAccount", "ServiceAccount", "workspace"],
    ])("deleting %s: refused", async (_what, kind, name) => {
      const objects = k8s.KubernetesObjectApi.makeApiClient(kc());
      await expectRefused(
        objects.delete({ apiVersion: "v1", kind, metadata: { name, namespace: env.namespace } }),
        POLICY,
        new RegExp(`${kind} ${name} .*: deleting it was refused`),
      );
    });

    it("changing or deleting the workspace's pod, made by the cluster from the orchestrator's Deployment: refused", async () => {
      const core = kc().makeApiClient(k8s.CoreV1Api);
      await expectRefused(
        core.patchNamespacedPod(
          { name: workspacePod, namespace: env.namespace, body: { metadata: { annotations: { note: "x" } } } },
          mergePatch,
        ),
        POLICY,
        /Pod workspace-\S+ .*: changing it was refused/,
      );
      await expectRefused(
        core.deleteNamespacedPod({ name: workspacePod, namespace: env.namespace }),
        POLICY,
        /Pod workspace-\S+ .*: deleting it was refused/,
      );
    });

    it("taking the orchestrator's labels off its Service: refused", async () => {
      const r = await refusal(
        kc()
          .makeApiClient(k8s.CoreV1Api)
          .patchNamespacedService(
            {
              name: env.workspace,
              namespace: env.namespace,
              body: { metadata: { labels: { "app.kubernetes.io/managed-by": null } } },
            },
            mergePatch,
          ),
      );
      expect(r.code).toBe(403);
      expect(r.message).toMatch(/spe-environment-(labels|ownership|traffic)/);
    });

    it.each([
      [
        "exec",
        (core: k8s.CoreV1Api, name: string, namespace: string) =>
          core.connectPostNamespacedPodExec({ name, namespace, command: "sh" }),
      ],
      [
        "portforward",
        (core: k8s.CoreV1Api, name: string, namespace: string) =>
          core.connectPostNamespacedPodPortforward({ name, namespace, ports: 8888 }),
      ],
      [
        "proxy",
        (core: k8s.CoreV1Api, name: string, namespace: string) =>
          core.connectGetNamespacedPodProxy({ name, namespace }),
      ],
    ])("%s into the workspace's pod: refused", async (what, connect) => {
      await expectRefused(
        connect(kc().makeApiClient(k8s.CoreV1Api), workspacePod, env.namespace),
        POLICY,
        new RegExp(`${what} into Pod workspace-\\S+ .* nobody reaches into an environment's pods past the SPE gateway`),
      );
    });

    it("a proxy through the API server to the airlock Service: refused", async () => {
      await expectRefused(
        kc().makeApiClient(k8s.CoreV1Api).connectGetNamespacedServiceProxyWithPath({
          name: "airlock:8090",
          namespace: env.namespace,
          path: "files",
        }),
        POLICY,
        /proxy into Service airlock:8090 .* past the SPE gateway/,
      );
    });
  });

  it("a break-glass administrator may still change them", async () => {
    const apps = env.admin.makeApiClient(k8s.AppsV1Api);
    const patched = await apps.patchNamespacedDeployment(
      {
        name: env.workspace,
        namespace: env.namespace,
        body: { metadata: { annotations: { "ops.example/seen": "yes" } } },
      },
      mergePatch,
    );
    expect(patched.metadata?.annotations?.["ops.example/seen"]).toBe("yes");
  });
});
