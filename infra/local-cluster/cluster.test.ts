import { dirname, join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { KUBERNETES_VERSION } from "./binaries";
import { LOCAL_NODE_NAME } from "./pki";

function client(kubeconfig: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc;
}

function apiError(err: unknown): { code: number; message: string } {
  if (!(err instanceof k8s.ApiException)) throw err;
  const body = typeof err.body === "string" ? (JSON.parse(err.body) as { message?: string }) : {};
  return { code: err.code, message: body.message ?? "" };
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

describe("local control plane", () => {
  let admin: k8s.KubeConfig;
  let core: k8s.CoreV1Api;

  beforeAll(() => {
    admin = client(inject("kubeconfig"));
    core = admin.makeApiClient(k8s.CoreV1Api);
  });

  it("reports the Kubernetes version it was built as", async () => {
    const version = await admin.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe(KUBERNETES_VERSION);
  });

  it("refuses a privileged pod in a namespace labelled Pod Security restricted", async () => {
    const namespace = unique("psa");
    await core.createNamespace({
      body: { metadata: { name: namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
    });
    const pod = (privileged: boolean): k8s.V1Pod => ({
      metadata: { name: privileged ? "privileged" : "compliant" },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "c",
            image: "registry.invalid/busybox:1",
            securityContext: privileged
              ? { privileged: true }
              : { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
    });
    const refused = await core.createNamespacedPod({ namespace, body: pod(true) }).then(() => undefined, apiError);
    expect(refused?.code).toBe(403);
    expect(refused?.message).toMatch(/violates PodSecurity "restricted:latest".*privileged/);
    // The same namespace admits a pod that meets the restricted profile: the refusal was about privilege.
    const created = await core.createNamespacedPod({ namespace, body: pod(false) });
    expect(created.metadata?.name).toBe("compliant");
  });

  it("finishes deleting a namespace (the namespace controller runs)", async () => {
    const namespace = unique("gone");
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "c" }, data: { a: "b" } } });
    await core.deleteNamespace({ name: namespace });
    const deadline = Date.now() + 30_000;
    let status: number | undefined;
    while (Date.now() < deadline) {
      status = await core.readNamespace({ name: namespace }).then(
        () => 200,
        (err: unknown) => apiError(err).code,
      );
      if (status === 404) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(404);
  });

  it("computes each ResourceQuota's usage (the quota controller runs), and quota admission refuses what is over it", async () => {
    const namespace = unique("quota");
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    try {
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "before" } } });
      await core.createNamespacedResourceQuota({
        namespace,
        body: { metadata: { name: "q" }, spec: { hard: { configmaps: "3" } } },
      });
      // Counted, not assumed: what existed before the quota (the cluster's kube-root-ca.crt, if published, too).
      const deadline = Date.now() + 30_000;
      let used: string | undefined;
      while (Date.now() < deadline && used === undefined) {
        const existing = (await core.listNamespacedConfigMap({ namespace })).items.length;
        const status = (await core.readNamespacedResourceQuota({ namespace, name: "q" })).status;
        if (status?.used?.configmaps === String(existing)) used = status.used.configmaps;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(used).toBeDefined();
      const created: string[] = [];
      let refused: { code: number; message: string } | undefined;
      for (let i = 0; i < 4 && !refused; i++)
        refused = await core
          .createNamespacedConfigMap({ namespace, body: { metadata: { name: `more-${i}` } } })
          .then(() => void created.push(`more-${i}`), apiError);
      expect(created).toHaveLength(3 - Number(used));
      expect(refused?.code).toBe(403);
      expect(refused?.message).toMatch(
        /exceeded quota: q, requested: configmaps=1, used: configmaps=3, limited: configmaps=3/,
      );
    } finally {
      await core.deleteNamespace({ name: namespace });
    }
  });

  it("enforces ValidatingAdmissionPolicies", async () => {
    const name = unique("deny-marked");
    const admission = admin.makeApiClient(k8s.AdmissionregistrationV1Api);
    await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name },
        spec: {
          failurePolicy: "Fail",
          matchConstraints: {
            resourceRules: [
              { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] },
            ],
          },
          validations: [
            {
              expression: `!has(object.metadata.labels) || !('${name}' in object.metadata.labels)`,
              message: "marked ConfigMaps are refused",
              reason: "Forbidden",
            },
          ],
        },
      },
    });
    await admission.createValidatingAdmissionPolicyBinding({
      body: { metadata: { name }, spec: { policyName: name, validationActions: ["Deny"] } },
    });
    try {
      // Policies reach the admission plugin through an informer: retry until the binding is in force.
      const deadline = Date.now() + 15_000;
      let refused: { code: number; message: string } | undefined;
      for (let i = 0; Date.now() < deadline; i++) {
        refused = await core
          .createNamespacedConfigMap({
            namespace: "default",
            body: { metadata: { name: `${name}-${i}`, labels: { [name]: "x" } } },
          })
          .then(() => undefined, apiError);
        if (refused) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(refused?.code).toBe(403);
      expect(refused?.message).toContain("marked ConfigMaps are refused");
    } finally {
      await admission.deleteValidatingAdmissionPolicyBinding({ name });
      await admission.deleteValidatingAdmissionPolicy({ name });
    }
  });

  it("authenticates the orchestrator by its client certificate, without administrator groups", async () => {
    const orchestrator = client(inject("orchestratorKubeconfig"));
    const review = await orchestrator.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe("spe-orchestrator");
    expect(review.status?.userInfo?.groups).not.toContain("system:masters");
  });

  it("knows the local node's kubelet as that node, and lets it read only the secrets of pods bound to it and change only its own node", async () => {
    const kubelet = client(join(dirname(inject("kubeconfig")), "kubelet.kubeconfig"));
    const review = await kubelet.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo).toMatchObject({
      username: `system:node:${LOCAL_NODE_NAME}`,
      groups: expect.arrayContaining(["system:nodes"]),
    });

    const namespace = unique("node-authz");
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    try {
      for (const name of ["mounted", "unrelated"])
        await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { key: name } } });
      // Bound to the node by name, as the scheduler would bind it; whether it ever runs does not matter here.
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: "bound" },
          spec: {
            nodeName: LOCAL_NODE_NAME,
            containers: [
              {
                name: "c",
                image: "registry.spe.internal/spe/spe-probe:1.0.0",
                volumeMounts: [{ name: "s", mountPath: "/s" }],
              },
            ],
            volumes: [{ name: "s", secret: { secretName: "mounted" } }],
          },
        },
      });
      const asKubelet = kubelet.makeApiClient(k8s.CoreV1Api);
      const mounted = await asKubelet.readNamespacedSecret({ namespace, name: "mounted" });
      expect(Buffer.from(mounted.data!.key!, "base64").toString()).toBe("mounted");
      // The Node authorizer's graph decides per object: a secret no pod of this node uses stays closed,
      // and so does listing them.
      expect(
        apiError(await asKubelet.readNamespacedSecret({ namespace, name: "unrelated" }).catch((e: unknown) => e)).code,
      ).toBe(403);
      expect(apiError(await asKubelet.listNamespacedSecret({ namespace }).catch((e: unknown) => e)).code).toBe(403);
      // NodeRestriction: a kubelet registers and changes its own Node only.
      const other = await asKubelet
        .createNode({ body: { metadata: { name: unique("other-node") } } })
        .catch((e: unknown) => e);
      expect(apiError(other)).toMatchObject({
        code: 403,
        message: expect.stringContaining("is not allowed to modify node"),
      });
    } finally {
      await core.deleteNamespace({ name: namespace });
    }
  });

  // The orchestrator's RBAC (policies/rbac/orchestrator.yaml) as the API server decides it.
  it.each([
    ["create", "namespaces", "", undefined, true],
    ["delete", "namespaces", "", undefined, true],
    ["patch", "networkpolicies", "networking.k8s.io", "spe-x", true],
    ["update", "networkpolicies", "networking.k8s.io", "spe-x", true],
    ["update", "deployments", "apps", "spe-x", false],
    ["watch", "deployments", "apps", undefined, true],
    ["create", "jobs", "batch", "spe-x", true],
    ["update", "leases", "coordination.k8s.io", "spe-system", true],
    ["update", "leases", "coordination.k8s.io", "kube-system", false],
    ["list", "events", "", "spe-x", true],
    ["create", "events", "", "spe-x", true],
    ["get", "secrets", "", "spe-x", false],
    ["create", "pods", "", "spe-x", false],
    ["create", "pods/exec", "", "spe-x", false],
    ["create", "rolebindings", "rbac.authorization.k8s.io", "spe-x", false],
    ["create", "clusterrolebindings", "rbac.authorization.k8s.io", undefined, false],
    ["update", "namespaces", "", undefined, false],
    ["create", "validatingadmissionpolicies", "admissionregistration.k8s.io", undefined, false],
  ])("lets the orchestrator %s %s (group %j, namespace %s): %s", async (verb, resource, group, namespace, allowed) => {
    const orchestrator = client(inject("orchestratorKubeconfig"));
    const review = await orchestrator.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: {
            verb,
            resource: resource.split("/")[0],
            subresource: resource.split("/")[1],
            group,
            namespace,
          },
        },
      },
    });
    expect(review.status?.allowed).toBe(allowed);
  });
});
