// What the orchestrator's own identity may do, as the real API server decides it: nothing with Secrets,
// nothing that widens its own rights.
import * as k8s from "@kubernetes/client-node";
import { beforeAll, describe, expect, inject, it } from "vitest";

const load = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};
const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 200, message: "accepted" }),
    (err: unknown) =>
      err instanceof k8s.ApiException
        ? { code: err.code, message: (JSON.parse(err.body as string) as { message: string }).message }
        : Promise.reject(err),
  );
const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (err: unknown) => (err instanceof k8s.ApiException ? err.code : Promise.reject(err)),
  );

describe("the orchestrator's identity cannot read credentials or escalate", () => {
  let orchestrator: k8s.KubeConfig;
  beforeAll(() => {
    orchestrator = load(inject("orchestratorKubeconfig"));
  });

  it.each([
    ["get", "secrets", "", "spe-system", undefined],
    ["list", "secrets", "", "kube-system", undefined],
    ["watch", "secrets", "", "default", undefined],
    ["list", "secrets", "", undefined, undefined],
    ["get", "secrets", "", "spe-se-hdab-2026-0042-0123456789", undefined],
    ["create", "clusterrolebindings", "rbac.authorization.k8s.io", undefined, undefined],
    ["patch", "clusterrolebindings", "rbac.authorization.k8s.io", undefined, undefined],
    ["patch", "clusterroles", "rbac.authorization.k8s.io", undefined, undefined],
    ["bind", "clusterroles", "rbac.authorization.k8s.io", undefined, undefined],
    ["escalate", "clusterroles", "rbac.authorization.k8s.io", undefined, undefined],
    ["create", "rolebindings", "rbac.authorization.k8s.io", "spe-system", undefined],
    ["update", "roles", "rbac.authorization.k8s.io", "spe-system", undefined],
    ["impersonate", "users", "", undefined, undefined],
    ["impersonate", "serviceaccounts", "", "kube-system", undefined],
    ["create", "serviceaccounts", "", "kube-system", "token"],
    ["create", "pods", "", "spe-x", "exec"],
    ["get", "pods", "", "spe-x", undefined],
    ["get", "configmaps", "", "spe-system", undefined],
    ["create", "certificatesigningrequests", "certificates.k8s.io", undefined, undefined],
    ["delete", "validatingadmissionpolicybindings", "admissionregistration.k8s.io", undefined, undefined],
    ["update", "configmaps", "", "spe-system", undefined],
    ["update", "namespaces", "", undefined, undefined],
    // Nodes it may only list and watch (to say whether any could run a pod): not change, drain or reach.
    ["patch", "nodes", "", undefined, undefined],
    ["delete", "nodes", "", undefined, undefined],
    ["get", "nodes", "", undefined, "proxy"],
    ["create", "pods", "", "spe-x", "eviction"],
  ])(
    "may not %s %s (group %j, namespace %s, subresource %s)",
    async (verb, resource, group, namespace, subresource) => {
      const review = await orchestrator.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb, resource, group, namespace, subresource } } },
      });
      expect(review.status?.allowed).toBe(false);
    },
  );

  it("is refused when it actually reads Secrets in spe-system and kube-system or lists them everywhere", async () => {
    const core = orchestrator.makeApiClient(k8s.CoreV1Api);
    expect(await statusOf(core.listNamespacedSecret({ namespace: "spe-system" }))).toBe(403);
    expect(await statusOf(core.listNamespacedSecret({ namespace: "kube-system" }))).toBe(403);
    expect(await statusOf(core.readNamespacedSecret({ namespace: "kube-system", name: "anything" }))).toBe(403);
    expect(await statusOf(core.listSecretForAllNamespaces())).toBe(403);
  });

  it("is refused when it binds itself to cluster-admin, widens its own ClusterRole or edits the admission parameters", async () => {
    const rbac = orchestrator.makeApiClient(k8s.RbacAuthorizationV1Api);
    const binding: k8s.V1ClusterRoleBinding = {
      metadata: { name: "spe-orchestrator-escalated" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "spe-orchestrator" }],
    };
    expect(await statusOf(rbac.createClusterRoleBinding({ body: binding }))).toBe(403);
    expect(
      await statusOf(
        rbac.patchClusterRole(
          {
            name: "spe-orchestrator",
            body: [{ op: "add", path: "/rules/-", value: { apiGroups: ["*"], resources: ["*"], verbs: ["*"] } }],
          },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.JsonPatch),
        ),
      ),
    ).toBe(403);
    expect(
      await statusOf(
        rbac.createNamespacedRoleBinding({
          namespace: "spe-system",
          body: { ...binding, metadata: { name: "x", namespace: "spe-system" } },
        }),
      ),
    ).toBe(403);
    const core = orchestrator.makeApiClient(k8s.CoreV1Api);
    expect(
      await statusOf(
        core.patchNamespacedConfigMap(
          { name: "spe-admission-parameters", namespace: "spe-system", body: { data: { orchestratorUsername: "x" } } },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        ),
      ),
    ).toBe(403);
  });

  it("is confined by admission to environment namespaces: nothing in kube-system or default, no unlabelled namespace", async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(orchestrator);
    const deployment: k8s.V1Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "spe-escape", namespace: "kube-system" },
      spec: {
        selector: { matchLabels: { app: "x" } },
        template: {
          metadata: { labels: { app: "x" } },
          spec: {
            hostPID: true,
            containers: [{ name: "x", image: "docker.io/library/alpine:3", securityContext: { privileged: true } }],
          },
        },
      },
    };
    const service: k8s.V1Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "spe-escape", namespace: "default" },
      spec: { type: "NodePort", ports: [{ port: 80 }] },
    };
    const namespace: k8s.V1Namespace = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: `not-an-environment-${Date.now()}` },
    };
    for (const object of [deployment, service, namespace]) {
      const r = await refusalOf(objects.create(object));
      expect(r.code).toBe(403);
      expect(r.message).toContain("ValidatingAdmissionPolicy 'spe-orchestrator-scope'");
      expect(r.message).toMatch(
        /was refused for the SPE orchestrator: it only makes and changes environment namespaces/,
      );
    }
    const r = await refusalOf(
      objects.delete({ apiVersion: "v1", kind: "Namespace", metadata: { name: "spe-system" } }),
    );
    expect(r).toMatchObject({ code: 403, message: expect.stringContaining("spe-orchestrator-scope") });
  });
});
