// The attack suite: an environment namespace made the way the orchestrator makes it, and every forbidden
// object submitted by identities with every right RBAC can give inside it. The API server itself must refuse
// each one with a message that says what and why; everything the orchestrator applies must still pass.
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually } from "../../orchestrator/test/eventually";
import { desiredObjects } from "../../orchestrator/src/environments/desired/index";
import { defaultEnvironmentConfig as config } from "../../orchestrator/src/environments/environment-config";
import { applyObject } from "../../orchestrator/src/kube/apply";
import { PERMIT_TOOL_NAMES } from "../../orchestrator/src/tools/tool-registry";
import { examplePermit, exampleStagedDataset, withPersons } from "../../orchestrator/src/permits/test-fixtures";
import { admissionObjects } from "../../infra/local-cluster/install-platform";

const load = (path: string, impersonate?: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  if (impersonate) kc.users = kc.users.map((u) => ({ ...u, impersonateUser: impersonate }));
  return kc;
};

/** The status and message of a refusal; fails the test if the request was accepted. */
async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await request;
  } catch (err) {
    if (!(err instanceof k8s.ApiException)) throw err;
    return { code: err.code, message: (JSON.parse(err.body as string) as { message: string }).message };
  }
  throw new Error("the API server accepted it");
}

const unique = () => randomBytes(3).toString("hex");
const image = `${config.imageRegistry}/${config.images.jupyterlab}`;

/** A pod spec that Pod Security restricted and our policies both admit; each case breaks one thing. */
const goodSpec = (): k8s.V1PodSpec => ({
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    { name: "main", image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } },
  ],
});
const withContainer =
  (change: Partial<k8s.V1Container>) =>
  (s: k8s.V1PodSpec): k8s.V1PodSpec => ({ ...s, containers: [{ ...s.containers[0]!, ...change }] });
const POD_CASES: Array<[string, (s: k8s.V1PodSpec) => k8s.V1PodSpec, RegExp]> = [
  ["privileged", withContainer({ securityContext: { privileged: true } }), /container main asks to run privileged/],
  [
    "host namespaces",
    (s) => ({ ...s, hostNetwork: true, hostPID: true, hostIPC: true }),
    /it sets hostNetwork, hostPID, hostIPC/,
  ],
  [
    "a hostPath volume",
    (s) => ({ ...s, volumes: [{ name: "node", hostPath: { path: "/var/lib" } }] }),
    /volume node \(\/var\/lib\) mounts a path of the node/,
  ],
  [
    "an added capability",
    withContainer({
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
    }),
    /container main adds NET_BIND_SERVICE/,
  ],
  [
    "root",
    withContainer({
      securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    }),
    /container main may run as root/,
  ],
  [
    "no runAsNonRoot",
    (s) => ({ ...s, securityContext: { seccompProfile: { type: "RuntimeDefault" } } }),
    /container main may run as root/,
  ],
  [
    "an image from elsewhere",
    withContainer({ image: "docker.io/library/python:3" }),
    /container main \(docker\.io\/library\/python:3\) does not come from the SPE registry/,
  ],
  [
    "an init container image from elsewhere",
    (s) => ({
      ...s,
      initContainers: [{ ...s.containers[0]!, name: "init", image: "registry.spe.internal/spe-evil/x:1" }],
    }),
    /container init .* does not come from the SPE registry/,
  ],
  [
    "a projected service account token",
    (s) => ({
      ...s,
      volumes: [{ name: "token", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }],
    }),
    /volume token mounts a Kubernetes service account token/,
  ],
];

describe("admission policies of an environment namespace, against the real API server", () => {
  const namespace = `spe-attack-${unique()}`;
  const opsUser = `ops-${unique()}@cluster.example`;
  let admin: k8s.KubeConfig;
  let orchestrator: k8s.KubernetesObjectApi;
  /** Identities with every namespaced right in the environment (a RoleBinding to cluster-admin). */
  const insiders = [
    ["a person with every right in the namespace", "mallory@uni.example"],
    [
      "the workspace's ServiceAccount, given every right in the namespace",
      `system:serviceaccount:${namespace}:workspace`,
    ],
  ] as const;

  beforeAll(async () => {
    admin = load(inject("kubeconfig"));
    orchestrator = k8s.KubernetesObjectApi.makeApiClient(load(inject("orchestratorKubeconfig")));
    for (const object of desiredObjects(
      withPersons({ namespace, permit: examplePermit(), desiredState: "active" }),
      config,
    ))
      await applyObject(orchestrator, object);
    // A break-glass administrator grants what no one should: the policies must hold regardless.
    const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
    const clusterAdmin = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" };
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: "insiders" },
        roleRef: clusterAdmin,
        subjects: [
          { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "mallory@uni.example" },
          { kind: "ServiceAccount", name: "workspace", namespace },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: opsUser.replace(/[@]/g, "-") },
        roleRef: clusterAdmin,
        subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: opsUser }],
      },
    });
    // Bindings and policies reach the authorizer and the admission plugin through informers: wait for both.
    const probe = load(inject("kubeconfig"), insiders[0][1]).makeApiClient(k8s.CoreV1Api);
    await eventually(
      "the policies are in force for the insiders",
      async () => {
        const r = await refusal(
          probe.createNamespacedSecret({ namespace, body: { metadata: { name: `probe-${unique()}` } } }),
        ).catch(() => undefined);
        return r?.message.includes("ValidatingAdmissionPolicy") ? r : undefined;
      },
      30_000,
    );
  });

  afterAll(async () => {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    await core.deleteNamespace({ name: namespace }).catch(() => {});
    await admin
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .deleteClusterRoleBinding({ name: opsUser.replace(/[@]/g, "-") })
      .catch(() => {});
  });

  const workload = (
    kind: "Deployment" | "Job" | "CronJob" | "Pod",
    name: string,
    spec: k8s.V1PodSpec,
  ): k8s.KubernetesObject => {
    const metadata = { name, namespace };
    const template = { metadata: { labels: { app: name } }, spec };
    if (kind === "Pod") return { apiVersion: "v1", kind, metadata, spec } as k8s.V1Pod;
    if (kind === "Deployment")
      return {
        apiVersion: "apps/v1",
        kind,
        metadata,
        spec: { selector: { matchLabels: { app: name } }, template },
      } as k8s.V1Deployment;
    const jobSpec = { template: { ...template, spec: { ...spec, restartPolicy: "Never" } } };
    if (kind === "Job") return { apiVersion: "batch/v1", kind, metadata, spec: jobSpec } as k8s.V1Job;
    return {
      apiVersion: "batch/v1",
      kind,
      metadata,
      spec: { schedule: "0 * * * *", jobTemplate: { spec: jobSpec } },
    } as k8s.V1CronJob;
  };

  describe.each(insiders)("as %s", (_who, user) => {
    const objects = () => k8s.KubernetesObjectApi.makeApiClient(load(inject("kubeconfig"), user));
    const core = () => load(inject("kubeconfig"), user).makeApiClient(k8s.CoreV1Api);
    const expectRefused = async (request: Promise<unknown>, policy: string, message: RegExp) => {
      const r = await refusal(request);
      expect(r.code).toBe(403);
      expect(r.message).toContain(`ValidatingAdmissionPolicy 'spe-environment-${policy}'`);
      expect(r.message).toMatch(message);
      return r;
    };

    it("may create a compliant Deployment: what follows is refused for what it is, not for lack of rights", async () => {
      const created = await objects().create(workload("Deployment", `fine-${unique()}`, goodSpec()));
      expect(created.metadata?.uid).toBeDefined();
    });

    describe.each(["Deployment", "Job", "CronJob"] as const)("a %s whose pod template has", (kind) => {
      it.each(POD_CASES)("%s: refused", async (_case, breakIt, message) => {
        await expectRefused(objects().create(workload(kind, `bad-${unique()}`, breakIt(goodSpec()))), "pods", message);
      });
    });

    it.each(POD_CASES)(
      "a Pod with %s: refused (by Pod Security restricted first where it covers it)",
      async (_case, breakIt, message) => {
        const r = await refusal(objects().create(workload("Pod", `bad-${unique()}`, breakIt(goodSpec()))));
        expect(r.code).toBe(403);
        if (r.message.includes("PodSecurity")) expect(r.message).toMatch(/violates PodSecurity "restricted:latest"/);
        else expect(r.message).toMatch(message);
      },
    );

    it("an Ingress: refused", async () => {
      const body: k8s.V1Ingress = {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: `ing-${unique()}`, namespace },
        spec: { defaultBackend: { service: { name: "workspace", port: { number: 80 } } } },
      };
      await expectRefused(
        objects().create(body),
        "exposure",
        /Ingress ing-\w+ .* was refused: an environment is never published/,
      );
    });

    it("creating, loosening or deleting a NetworkPolicy: refused", async () => {
      const open: k8s.V1NetworkPolicy = {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "allow-all", namespace },
        spec: { podSelector: {}, ingress: [{}], egress: [{ to: [{ podSelector: {} }] }] },
      };
      await expectRefused(
        objects().create(open),
        "isolation",
        new RegExp(`NetworkPolicy allow-all in ${namespace}: creating it was refused for ${user}`),
      );
      const net = load(inject("kubeconfig"), user).makeApiClient(k8s.NetworkingV1Api);
      await expectRefused(
        net.patchNamespacedNetworkPolicy(
          { name: "deny-all", namespace, body: { spec: { ingress: [{}] } } },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        ),
        "isolation",
        /NetworkPolicy deny-all .*: changing it was refused/,
      );
      await expectRefused(
        net.deleteNamespacedNetworkPolicy({ name: "deny-all", namespace }),
        "isolation",
        /NetworkPolicy deny-all .*: deleting it was refused .* set by the SPE orchestrator/,
      );
    });

    it("creating, changing or deleting the ResourceQuota or LimitRange: refused", async () => {
      const quota: k8s.V1ResourceQuota = {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "more", namespace },
        spec: { hard: { pods: "1000" } },
      };
      await expectRefused(objects().create(quota), "isolation", /ResourceQuota more .*: creating it was refused/);
      await expectRefused(
        core().patchNamespacedResourceQuota(
          { name: "environment", namespace, body: { spec: { hard: { "limits.cpu": "64" } } } },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
        ),
        "isolation",
        /ResourceQuota environment .*: changing it was refused/,
      );
      await expectRefused(
        core().deleteNamespacedResourceQuota({ name: "environment", namespace }),
        "isolation",
        /ResourceQuota environment .*: deleting it/,
      );
      await expectRefused(
        core().deleteNamespacedLimitRange({ name: "environment", namespace }),
        "isolation",
        /LimitRange environment .*: deleting it/,
      );
      const limits: k8s.V1LimitRange = {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: { name: "bigger", namespace },
        spec: { limits: [{ type: "Container", max: { cpu: "64" } }] },
      };
      await expectRefused(objects().create(limits), "isolation", /LimitRange bigger .*: creating it was refused/);
    });

    it("a Secret, a service account token Secret, a RoleBinding or a TokenRequest: refused", async () => {
      await expectRefused(
        core().createNamespacedSecret({ namespace, body: { metadata: { name: "creds" }, stringData: { key: "x" } } }),
        "credentials",
        /Secret creds .* was refused for .*only the SPE orchestrator puts Secrets/,
      );
      await expectRefused(
        core().createNamespacedSecret({
          namespace,
          body: {
            metadata: { name: "sa-token", annotations: { "kubernetes.io/service-account.name": "workspace" } },
            type: "kubernetes.io/service-account-token",
          },
        }),
        "credentials",
        /Secret sa-token .* would hold a service account token/,
      );
      const binding: k8s.V1RoleBinding = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "friend", namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "eve@elsewhere.example" }],
      };
      await expectRefused(
        objects().create(binding),
        "credentials",
        /RoleBinding friend .* rights inside an environment are not granted in Kubernetes/,
      );
      await expectRefused(
        core().createNamespacedServiceAccountToken({ name: "workspace", namespace, body: { spec: { audiences: [] } } }),
        "credentials",
        /A token for ServiceAccount workspace .* no service account tokens are issued there/,
      );
    });
  });

  describe("the namespace itself, as a cluster-admin who is not a break-glass administrator", () => {
    const nsApi = () => load(inject("kubeconfig"), opsUser).makeApiClient(k8s.CoreV1Api);
    const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

    it.each([
      [
        "switching Pod Security off",
        { "pod-security.kubernetes.io/enforce": "privileged" },
        /changing its labels \(pod-security\.kubernetes\.io\/enforce\)/,
      ],
      [
        "removing the environment label",
        { "spe.ehds.eu/environment": null },
        /changing its labels \(spe\.ehds\.eu\/environment\)/,
      ],
      ["adding a label", { team: "x" }, /changing its labels \(team\)/],
    ])("%s: refused", async (_what, labels, message) => {
      const r = await refusal(nsApi().patchNamespace({ name: namespace, body: { metadata: { labels } } }, mergePatch));
      expect(r.code).toBe(403);
      expect(r.message).toMatch(message);
      expect(r.message).toContain("only the SPE orchestrator sets them");
    });

    it("making a namespace that claims to be an environment: refused", async () => {
      const name = `spe-fake-${unique()}`;
      const r = await refusal(
        nsApi().createNamespace({ body: { metadata: { name, labels: { "spe.ehds.eu/environment": name } } } }),
      );
      expect(r).toMatchObject({
        code: 403,
        message: expect.stringMatching(/creating an environment namespace was refused/),
      });
    });

    it("annotating it (not a label): accepted", async () => {
      const patched = await nsApi().patchNamespace(
        { name: namespace, body: { metadata: { annotations: { "ops.example/note": "checked" } } } },
        mergePatch,
      );
      expect(patched.metadata?.annotations?.["ops.example/note"]).toBe("checked");
    });
  });

  describe("exposure, from anyone, the orchestrator included (whom the traffic policy lets make Services)", () => {
    it.each([
      ["NodePort", { type: "NodePort" }, /type NodePort would expose the environment/],
      ["LoadBalancer", { type: "LoadBalancer" }, /type LoadBalancer would expose the environment/],
      [
        "ExternalName",
        { type: "ExternalName", externalName: "exfil.example.com", ports: undefined },
        /type ExternalName/,
      ],
      [
        "ClusterIP with externalIPs",
        { externalIPs: ["203.0.113.7"] },
        /externalIPs 203\.0\.113\.7 would route outside traffic/,
      ],
    ])("a Service of type %s: refused", async (_type, spec, message) => {
      const body: k8s.V1Service = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: `svc-${unique()}`, namespace },
        spec: { selector: { "app.kubernetes.io/component": "workspace" }, ports: [{ port: 80 }], ...spec },
      };
      const r = await refusal(applyObject(orchestrator, body));
      expect(r.code).toBe(403);
      expect(r.message).toContain("ValidatingAdmissionPolicy 'spe-environment-exposure'");
      expect(r.message).toMatch(message);
    });
  });

  describe("egress, from anyone, the orchestrator included", () => {
    const egressPolicy = (name: string, egress: k8s.V1NetworkPolicyEgressRule[]): k8s.V1NetworkPolicy => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace },
      spec: { podSelector: {}, policyTypes: ["Egress"], egress },
    });

    it.each([
      [
        "0.0.0.0/0",
        [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }],
        /opens egress to 0\.0\.0\.0\/0, every address on the internet/,
      ],
      ["::/0", [{ to: [{ ipBlock: { cidr: "::/0" } }] }], /opens egress to ::\/0/],
      [
        "an address outside the allow-list",
        [{ to: [{ ipBlock: { cidr: "203.0.113.0/24" } }] }],
        /opens egress to 203\.0\.113\.0\/24, outside the addresses environments may reach \(10\.100\.0\.0\/24\)/,
      ],
      [
        "a rule without destinations",
        [{ ports: [{ protocol: "UDP", port: 53 }] }],
        /an egress rule without "to" allows traffic to every address/,
      ],
    ])("a NetworkPolicy opening egress to %s: refused even for the orchestrator", async (_what, egress, message) => {
      const r = await refusal(
        applyObject(orchestrator, egressPolicy(`egress-${unique()}`, egress as k8s.V1NetworkPolicyEgressRule[])),
      );
      expect(r.code).toBe(403);
      expect(r.message).toContain("ValidatingAdmissionPolicy 'spe-environment-egress'");
      expect(r.message).toMatch(message);
    });

    it("egress to an allowed address (an internal mirror) is accepted from the orchestrator", async () => {
      const policy = egressPolicy(`mirror-${unique()}`, [
        { to: [{ ipBlock: { cidr: "10.100.0.10/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ]);
      const applied = await applyObject(orchestrator, policy);
      expect(applied.metadata?.uid).toBeDefined();
      await orchestrator.delete(policy);
    });
  });

  it("holds without Pod Security: in an environment namespace whose Pod Security label were lost, pods are still refused, even from a break-glass administrator", async () => {
    const bare = `spe-bare-${unique()}`;
    const core = admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: bare, labels: { "spe.ehds.eu/environment": bare } } } });
    try {
      const bad: k8s.V1PodSpec = {
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        volumes: [{ name: "node", hostPath: { path: "/" } }],
        containers: [
          {
            name: "main",
            image: "docker.io/library/alpine:3",
            securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } },
          },
        ],
      };
      const pod = {
        ...(workload("Pod", "everything-wrong", bad) as k8s.V1Pod),
        metadata: { name: "everything-wrong", namespace: bare },
      };
      const r = await refusal(core.createNamespacedPod({ namespace: bare, body: pod }));
      expect(r.code).toBe(403);
      expect(r.message).toContain("ValidatingAdmissionPolicy 'spe-environment-pods'");
      expect(r.message).toMatch(
        /asks to run privileged.*hostNetwork, hostPID, hostIPC.*volume node \(\/\) mounts a path of the node.*adds SYS_ADMIN.*may run as root.*does not come from the SPE registry.*service account token/,
      );
    } finally {
      await core.deleteNamespace({ name: bare });
    }
  });

  it("lets a break-glass administrator (system:masters) repair isolation objects; Pod and egress rules still apply to them", async () => {
    const net = admin.makeApiClient(k8s.NetworkingV1Api);
    const patched = await net.patchNamespacedNetworkPolicy(
      { name: "deny-all", namespace, body: { metadata: { annotations: { "ops.example/checked": "yes" } } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.annotations?.["ops.example/checked"]).toBe("yes");
  });

  describe.each(
    PERMIT_TOOL_NAMES.flatMap((tool) =>
      (["active", "suspended"] as const).map((desiredState) => ({ tool, desiredState })),
    ),
  )("everything the orchestrator applies for $tool ($desiredState)", ({ tool, desiredState }) => {
    it("is accepted, and the controllers' pods from it are admitted", async () => {
      const ns = `spe-ok-${tool}-${desiredState}-${unique()}`;
      const permit = examplePermit({ environment: { tools: [tool], cpu: "2", memory: "4Gi", storage: "10Gi" } });
      try {
        // With a delivery staged, so that the data loader is among what is applied.
        const staged = [exampleStagedDataset()];
        for (const object of desiredObjects(withPersons({ namespace: ns, permit, desiredState, staged }), config))
          await applyObject(orchestrator, object);
        const core = admin.makeApiClient(k8s.CoreV1Api);
        const expected = desiredState === "active" ? ["airlock", "data-loader", "workspace"] : ["data-loader"];
        const pods = await eventually(
          `${ns}'s pods exist`,
          async () => {
            const items = (await core.listNamespacedPod({ namespace: ns })).items;
            return items.length === expected.length && items;
          },
          20_000,
        );
        expect(pods.map((p) => p.metadata?.labels?.["app.kubernetes.io/component"]).sort()).toEqual(expected);
      } finally {
        await orchestrator.delete({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
      }
    });
  });

  it("lets the orchestrator tear an environment down: the namespace controller may delete its isolation objects", async () => {
    const ns = `spe-gone-${unique()}`;
    for (const object of desiredObjects(
      withPersons({ namespace: ns, permit: examplePermit(), desiredState: "active" }),
      config,
    ))
      await applyObject(orchestrator, object);
    await orchestrator.delete({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const core = admin.makeApiClient(k8s.CoreV1Api);
    const status = await eventually(
      `${ns} is gone`,
      () =>
        core.readNamespace({ name: ns }).then(
          () => undefined,
          (err: k8s.ApiException<unknown>) => err.code,
        ),
      45_000,
    );
    expect(status).toBe(404);
  }, 60_000);
});

describe("admission policy files", () => {
  const objects = admissionObjects();
  const parameters = objects.find((o) => o.kind === "ConfigMap") as k8s.V1ConfigMap;

  it("bind every policy, in Deny mode, and give every refusal reason Forbidden (HTTP 403) and a message", () => {
    const policies = objects.filter((o) => o.kind === "ValidatingAdmissionPolicy") as k8s.V1ValidatingAdmissionPolicy[];
    const bindings = objects.filter(
      (o) => o.kind === "ValidatingAdmissionPolicyBinding",
    ) as k8s.V1ValidatingAdmissionPolicyBinding[];
    expect(bindings.map((b) => b.spec?.policyName).sort()).toEqual(policies.map((p) => p.metadata?.name).sort());
    for (const b of bindings) expect(b.spec?.validationActions).toEqual(["Deny"]);
    for (const p of policies) {
      expect(p.spec?.failurePolicy).toBe("Fail");
      for (const v of p.spec?.validations ?? [])
        expect(v).toMatchObject({
          reason: "Forbidden",
          message: expect.any(String),
          messageExpression: expect.any(String),
        });
      if (p.spec?.paramKind)
        expect(bindings.find((b) => b.spec?.policyName === p.metadata?.name)?.spec?.paramRef).toMatchObject({
          name: parameters.metadata?.name,
          parameterNotFoundAction: "Deny",
        });
    }
  });

  it("ship local parameters that agree with the orchestrator's own configuration", () => {
    expect(parameters.metadata?.namespace).toBe(config.platformNamespace);
    expect(parameters.data?.imageRegistryPrefix).toBe(`${config.imageRegistry}/`);
    expect(parameters.data?.orchestratorUsername).toBe("spe-orchestrator");
  });
});
