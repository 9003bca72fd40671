// Class 2 of the attack suite, labels that policies select on: a pod that takes the data loader's labels
// takes the loader's egress. The labels and annotations NetworkPolicies, admission policies, the watches and
// the gateway select on are the orchestrator's on every kind, on objects and on the templates of workloads.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyObject } from "../../orchestrator/src/kube/apply";
import { eventually } from "../../orchestrator/test/eventually";
import {
  attackEnvironment,
  expectRefused,
  goodSpec,
  insidersOf,
  mergePatch,
  unique,
  workload,
  type AttackEnvironment,
  type WorkloadKind,
} from "./attack-environment";

const POLICY = "spe-environment-labels";
const LOADER = { "app.kubernetes.io/component": "data-loader" };

describe("the labels and annotations policies select on, against the real API server", () => {
  let env: AttackEnvironment;
  beforeAll(async () => {
    env = await attackEnvironment(inject("kubeconfig"), inject("orchestratorKubeconfig"));
  });
  afterAll(() => env.remove());

  describe.each(insidersOf("NAMESPACE"))("as %s", (_who, userTemplate) => {
    const user = () => userTemplate.replace("NAMESPACE", env.namespace);
    const objects = () => k8s.KubernetesObjectApi.makeApiClient(env.as(user()));

    it.each<[WorkloadKind, Record<string, string>, RegExp]>([
      ["Pod", LOADER, /: app\.kubernetes\.io\/component=data-loader\. The labels .* are the SPE orchestrator's/],
      [
        "Deployment",
        { "app.kubernetes.io/component": "workspace" },
        /: pod template app\.kubernetes\.io\/component=workspace\./,
      ],
      // A Job takes its pod template's labels as its own when it has none.
      [
        "Job",
        LOADER,
        /: app\.kubernetes\.io\/component=data-loader; pod template app\.kubernetes\.io\/component=data-loader\./,
      ],
      [
        "CronJob",
        { "app.kubernetes.io/managed-by": "spe-orchestrator" },
        /: pod template app\.kubernetes\.io\/managed-by=spe-orchestrator\./,
      ],
    ])("a %s whose pods carry %o: refused", async (kind, labels, message) => {
      await expectRefused(
        objects().create(workload(kind, env.namespace, `taker-${unique()}`, goodSpec(), labels)),
        POLICY,
        new RegExp(
          `(Pod|Deployment|Job|CronJob) taker-\\w+ in ${env.namespace} was refused for ${user()}${message.source}`,
        ),
      );
    });

    it.each([
      ["an spe.ehds.eu/ label", { labels: { "spe.ehds.eu/tool": "jupyterlab" } }, /: spe\.ehds\.eu\/tool=jupyterlab\./],
      [
        "an spe.ehds.eu/ annotation",
        { annotations: { "spe.ehds.eu/permit-id": "SE-HDAB-2026-0001" } },
        /: annotation spe\.ehds\.eu\/permit-id=SE-HDAB-2026-0001/,
      ],
    ])("a ConfigMap with %s: refused (every kind)", async (_what, metadata, message) => {
      const body: k8s.V1ConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${unique()}`, namespace: env.namespace, ...metadata },
      };
      await expectRefused(objects().create(body), POLICY, message);
    });

    it("a StatefulSet whose claim template carries the environment label: refused", async () => {
      const name = `set-${unique()}`;
      const body: k8s.V1StatefulSet = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name, namespace: env.namespace },
        spec: {
          serviceName: name,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: goodSpec() },
          volumeClaimTemplates: [
            {
              metadata: { name: "scratch", labels: { "spe.ehds.eu/environment": env.namespace } },
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
            },
          ],
        },
      };
      await expectRefused(objects().create(body), POLICY, /: claim template spe\.ehds\.eu\/environment=/);
    });

    it("relabelling a pod of one's own as the data loader: refused, and a label of one's own is accepted", async () => {
      const name = `own-${unique()}`;
      await objects().create(workload("Pod", env.namespace, name, goodSpec(), { app: name }));
      const core = env.as(user()).makeApiClient(k8s.CoreV1Api);
      await expectRefused(
        core.patchNamespacedPod({ name, namespace: env.namespace, body: { metadata: { labels: LOADER } } }, mergePatch),
        POLICY,
        new RegExp(`Pod ${name} .* was refused for .*: app\\.kubernetes\\.io/component=data-loader\\.`),
      );
      const patched = await core.patchNamespacedPod(
        { name, namespace: env.namespace, body: { metadata: { labels: { team: "a" } } } },
        mergePatch,
      );
      expect(patched.metadata?.labels?.team).toBe("a");
    });
  });

  it("cluster-scoped objects are not an environment's: a ClusterRole and a Node carrying such labels, made by a cluster administrator who is not break-glass, are accepted", async () => {
    const ops = `ops-${unique()}`;
    const rbac = env.admin.makeApiClient(k8s.RbacAuthorizationV1Api);
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: ops },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: ops }],
      },
    });
    const asOps = k8s.KubernetesObjectApi.makeApiClient(env.as(ops));
    const role: k8s.V1ClusterRole = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: ops, labels: { "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/component": "x" } },
      rules: [],
    };
    // A node registers with labels of its own (the local node's spe.ehds.eu/local-node, for one).
    const node: k8s.V1Node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: ops, labels: { "spe.ehds.eu/local-node": "true" } },
    };
    try {
      await eventually("the binding is in force", () => asOps.create(role).then(() => true), 30_000);
      expect((await asOps.create(node)).metadata?.labels?.["spe.ehds.eu/local-node"]).toBe("true");
    } finally {
      await asOps.delete(node).catch(() => {});
      await asOps.delete(role).catch(() => {});
      await rbac.deleteClusterRoleBinding({ name: ops }).catch(() => {});
    }
  });

  it("an environment label naming another namespace: refused, even from the orchestrator", async () => {
    const account: k8s.V1ServiceAccount = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: `sa-${unique()}`,
        namespace: env.namespace,
        labels: { "spe.ehds.eu/environment": "spe-another-environment" },
      },
    };
    await expectRefused(
      applyObject(env.orchestrator, account),
      POLICY,
      /spe\.ehds\.eu\/environment=spe-another-environment names another environment/,
    );
  });
});
