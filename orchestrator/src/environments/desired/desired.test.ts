import { randomBytes } from "node:crypto";
import type {
  KubernetesObject,
  V1Deployment,
  V1Job,
  V1NetworkPolicy,
  V1PodSpec,
  V1ResourceQuota,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { stagingCapabilities } from "../../staging/staging-capability";
import { examplePermit, exampleStagedDataset } from "../../permits/test-fixtures";
import { defaultEnvironmentConfig as config } from "../environment-config";
import { datasetsAwaitingDelivery, type EnvironmentInput, type StagedDataset } from "./environment-input";
import { workspaceHosts } from "../../gateway/workspace-hosts";
import { desiredObjects } from "./index";

const staged = (manifestSha256 = "a".repeat(64), datasetId = "patientregistret"): StagedDataset =>
  exampleStagedDataset({ manifestSha256, datasetId });
const input = (overrides: Partial<EnvironmentInput> = {}): EnvironmentInput => ({
  namespace: "spe-se-hdab-2026-0042-0123456789",
  permit: examplePermit(),
  desiredState: "active",
  staged: [staged()],
  ...overrides,
});
const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name) as T;
const podSpecs = (objects: KubernetesObject[]): V1PodSpec[] =>
  objects.flatMap((o) =>
    o.kind === "Deployment" || o.kind === "Job" ? [(o as V1Deployment | V1Job).spec!.template.spec!] : [],
  );

describe("desiredObjects", () => {
  it("gives exactly the objects of an environment, namespace and isolation first", () => {
    expect(desiredObjects(input(), config).map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "Namespace/spe-se-hdab-2026-0042-0123456789",
      "NetworkPolicy/deny-all",
      "NetworkPolicy/allow-gateway-to-workspace",
      "NetworkPolicy/allow-orchestrator-to-airlock",
      "NetworkPolicy/allow-loader-to-orchestrator",
      "NetworkPolicy/allow-loader-to-cluster-dns",
      "ResourceQuota/environment",
      "LimitRange/environment",
      "ServiceAccount/workspace",
      "ServiceAccount/data-loader",
      "PersistentVolumeClaim/data",
      "PersistentVolumeClaim/home",
      expect.stringMatching(/^Job\/data-loader-[0-9a-f]{10}$/),
      "Deployment/workspace",
      "Service/workspace",
      "Service/airlock",
    ]);
  });

  it("is deterministic", () => {
    expect(JSON.stringify(desiredObjects(input(), config))).toBe(JSON.stringify(desiredObjects(input(), config)));
  });

  it("marks every object as ours and places it in the environment's namespace", () => {
    for (const o of desiredObjects(input(), config)) {
      expect(o.metadata?.labels).toMatchObject({
        "app.kubernetes.io/managed-by": "spe-orchestrator",
        "spe.ehds.eu/environment": input().namespace,
      });
      if (o.kind !== "Namespace") expect(o.metadata?.namespace).toBe(input().namespace);
    }
  });

  it("labels the namespace Pod Security restricted and records the full permit id", () => {
    const ns = desiredObjects(input(), config)[0]!;
    expect(ns.metadata?.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
    });
    expect(ns.metadata?.annotations?.["spe.ehds.eu/permit-id"]).toBe("SE-HDAB-2026-0042");
  });

  it("denies all ingress and egress to every pod", () => {
    const deny = find<V1NetworkPolicy>(desiredObjects(input(), config), "NetworkPolicy", "deny-all");
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("opens the workspace only to the gateway in the platform namespace, on the workspace port", () => {
    const allow = find<V1NetworkPolicy>(desiredObjects(input(), config), "NetworkPolicy", "allow-gateway-to-workspace");
    expect(allow.spec?.egress).toBeUndefined();
    expect(allow.spec?.ingress).toEqual([
      {
        _from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spe-system" } },
            podSelector: { matchLabels: { "app.kubernetes.io/component": "orchestrator" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 8888 }],
      },
    ]);
  });

  it("opens the airlock agent's port only to the orchestrator, and the agent sees only the outbox, read-only", () => {
    const objects = desiredObjects(input(), config);
    const allow = find<V1NetworkPolicy>(objects, "NetworkPolicy", "allow-orchestrator-to-airlock");
    expect(allow.spec?.ingress).toEqual([
      {
        _from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spe-system" } },
            podSelector: { matchLabels: { "app.kubernetes.io/component": "orchestrator" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 8090 }],
      },
    ]);
    const agent = find<V1Deployment>(objects, "Deployment", "workspace").spec!.template.spec!.containers.find(
      (c) => c.name === "airlock-agent",
    )!;
    expect(agent.volumeMounts).toEqual([{ name: "home", mountPath: "/outbox", subPath: "outbox", readOnly: true }]);
    expect(agent.env).toContainEqual({ name: "OUTBOX_DIR", value: "/outbox" });
  });

  it("runs every pod non-root, unprivileged, without a service account token, from the configured registry", () => {
    const specs = podSpecs(desiredObjects(input(), config));
    expect(specs).toHaveLength(2);
    for (const spec of specs) {
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(spec.hostNetwork ?? false).toBe(false);
      for (const c of spec.containers) {
        expect(c.image?.startsWith(`${config.imageRegistry}/`)).toBe(true);
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
      }
    }
  });

  it("mounts the data read-only in the workspace and sizes it from the permit, less the platform's containers", () => {
    const workspace = find<V1Deployment>(desiredObjects(input(), config), "Deployment", "workspace");
    const pod = workspace.spec!.template.spec!;
    expect(pod.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim).toEqual({
      claimName: "data",
      readOnly: true,
    });
    expect(pod.containers[0]!.volumeMounts?.find((m) => m.name === "data")?.readOnly).toBe(true);
    expect(pod.containers[0]!.resources?.limits).toEqual({ cpu: "3700m", memory: "16000Mi" });
    expect(pod.containers[0]!.image).toBe(`${config.imageRegistry}/${config.images.jupyterlab}`);
  });

  it("tells the workspace its namespace and the origins of its persons' workspace hosts, and no secret", () => {
    const hosts = workspaceHosts({
      publicUrl: "https://spe.scb.example",
      domain: "ws.example",
      key: Buffer.alloc(32, 7),
    });
    const env = (permitPersons?: string[]) =>
      find<V1Deployment>(
        desiredObjects(
          permitPersons
            ? input({
                permit: {
                  ...input().permit,
                  authorisedPersons: permitPersons.map((subject) => ({
                    subject,
                    name: subject,
                    email: `${subject}@example.org`,
                  })),
                },
              })
            : input(),
          { ...config, workspaceHosts: hosts },
        ),
        "Deployment",
        "workspace",
      ).spec!.template.spec!.containers[0]!.env;
    const namespace = "spe-se-hdab-2026-0042-0123456789";
    const origins = input().permit.authorisedPersons.map((p) => hosts.originOf(hosts.labelOf(namespace, p.subject)));
    expect(env()).toEqual([
      { name: "SPE_PERMIT_ID", value: "SE-HDAB-2026-0042" },
      { name: "SPE_NAMESPACE", value: namespace },
      { name: "SPE_ALLOWED_ORIGINS", value: origins.join(" ") },
    ]);
    for (const origin of origins) expect(origin).toMatch(/^https:\/\/[0-9a-f]{32}\.ws\.example$/);
    // A person added to the permit brings their host; nobody else's host is named.
    expect(env(["alice", "carol"])!.at(-1)!.value!.split(" ")).toEqual(
      ["alice", "carol"].map((s) => hosts.originOf(hosts.labelOf(namespace, s))),
    );
    // Without host names (no gateway), no origin at all.
    expect(
      find<V1Deployment>(
        desiredObjects(input(), config),
        "Deployment",
        "workspace",
      ).spec!.template.spec!.containers[0]!.env!.at(-1),
    ).toEqual({ name: "SPE_ALLOWED_ORIGINS", value: "" });
  });

  it.each([
    ["active", 1],
    ["suspended", 0],
  ] as const)("runs %s environments with %i workspace replicas", (desiredState, replicas) => {
    const workspace = find<V1Deployment>(desiredObjects(input({ desiredState }), config), "Deployment", "workspace");
    expect(workspace.spec?.replicas).toBe(replicas);
  });

  it.each([
    [
      { cpu: "4", memory: "16Gi", storage: "50Gi" },
      { "requests.cpu": "4", "limits.memory": "16Gi", "requests.storage": "70Gi" },
    ],
    [
      { cpu: "500m", memory: "512Mi", storage: "100Mi" },
      { "limits.cpu": "500m", "requests.memory": "512Mi", "requests.storage": "20580Mi" },
    ],
  ])("caps the namespace at the permit's profile %o", (profile, expected) => {
    const permit = examplePermit({ environment: { tools: ["rstudio"], ...profile } });
    const quota = find<V1ResourceQuota>(desiredObjects(input({ permit }), config), "ResourceQuota", "environment");
    expect(quota.spec?.hard).toMatchObject({ ...expected, "services.nodeports": "0", "services.loadbalancers": "0" });
  });

  it("starts a new data-loader Job for each new delivery, and none while nothing is staged", () => {
    const jobs = (list: StagedDataset[]) =>
      desiredObjects(input({ staged: list }), config).filter((o) => o.kind === "Job");
    expect(jobs([])).toEqual([]);
    const name = (list: StagedDataset[]) => jobs(list)[0]!.metadata!.name;
    expect(name([staged()])).toBe(name([staged()]));
    expect(name([staged()])).not.toBe(name([staged("c".repeat(64))]));
    expect(name([staged()])).not.toBe(name([staged(), staged("d".repeat(64), "lakemedelsregistret")]));
    const env = (jobs([staged()])[0] as V1Job).spec!.template.spec!.containers[0]!.env!;
    expect(JSON.parse(env.find((e) => e.name === "SPE_STAGED")!.value!)).toEqual([staged()]);
  });

  describe("the data loader's access to staging", () => {
    const key = randomBytes(32);
    const caps = stagingCapabilities(key);
    const signing = { ...config, stagingCapabilities: caps };
    const loader = (objects: KubernetesObject[]) => objects.find((o): o is V1Job => o.kind === "Job")!;
    const loaderEnv = (job: V1Job) =>
      Object.fromEntries(job.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value!]));

    it("gives each staged file a capability for this namespace, that file and its hash, lapsing when the permit ends", () => {
      const env = loaderEnv(loader(desiredObjects(input(), signing)));
      expect(env.SPE_STAGING_URL).toBe(`${config.stagingUrl}/${input().namespace}`);
      const [dataset] = JSON.parse(env.SPE_STAGED!) as Array<
        StagedDataset & { files: Array<{ path: string; sha256: string; capability: string }> }
      >;
      const file = dataset!.files[0]!;
      const claim = {
        namespace: input().namespace,
        deliveryId: staged().deliveryId,
        path: file.path,
        sha256: file.sha256,
      };
      expect(caps.verify(file.capability, claim, new Date("2027-03-01T12:00:00Z"))).toEqual({
        ok: true,
        expiresAt: new Date("2028-11-01T23:59:59Z"),
      });
      expect(
        caps.verify(file.capability, { ...claim, namespace: "spe-other" }, new Date("2027-03-01T12:00:00Z")),
      ).toMatchObject({ ok: false });
      expect(caps.verify(file.capability, claim, new Date("2028-11-02T00:00:00Z"))).toEqual({
        ok: false,
        code: "STAGING_CAPABILITY_EXPIRED",
      });
    });

    it("puts the staging key into no object of the namespace, in any spelling", () => {
      const json = JSON.stringify(desiredObjects(input(), signing));
      for (const spelling of [key.toString("hex"), key.toString("base64"), key.toString("base64url")])
        expect(json).not.toContain(spelling);
    });

    it("names the Job after everything it is told: another key or a prolonged permit make a new Job, the same input the same one", () => {
      const name = (permit = examplePermit(), c = signing) =>
        loader(desiredObjects(input({ permit }), c)).metadata!.name;
      expect(name()).toBe(name());
      expect(name()).not.toBe(
        name(undefined, { ...config, stagingCapabilities: stagingCapabilities(randomBytes(32)) }),
      );
      expect(name()).not.toBe(name(examplePermit({ validUntil: "2029-11-01T23:59:59Z" })));
    });

    it("runs each try in a pod of its own, so that the Job counts failures towards LoadFailed", () => {
      const job = loader(desiredObjects(input(), signing));
      expect(job.spec?.backoffLimit).toBe(3);
      expect(job.spec?.template.spec?.restartPolicy).toBe("Never");
    });

    it.each([
      ["http://orchestrator.spe-system.svc.cluster.local:8080/staging", 8080],
      ["https://orchestrator.spe-system.svc.cluster.local:9443/staging", 9443],
      ["https://orchestrator.spe-system.svc.cluster.local/staging", 443],
      ["http://orchestrator.spe-system.svc.cluster.local/staging", 80],
    ])("lets the loader reach the orchestrator only on the port of %s", (stagingUrl, port) => {
      const policy = find<V1NetworkPolicy>(
        desiredObjects(input(), { ...config, stagingUrl }),
        "NetworkPolicy",
        "allow-loader-to-orchestrator",
      );
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: { "app.kubernetes.io/component": "data-loader" } },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "spe-system" } },
                podSelector: { matchLabels: { "app.kubernetes.io/component": "orchestrator" } },
              },
            ],
            ports: [{ protocol: "TCP", port }],
          },
        ],
      });
    });

    it("lets the loader, and no other pod, ask the cluster DNS for names, on port 53 only", () => {
      const dns = { namespace: "dns-system", podLabels: { app: "coredns" } };
      const policies = desiredObjects(input(), { ...config, clusterDns: dns }).filter(
        (o): o is V1NetworkPolicy => o.kind === "NetworkPolicy",
      );
      const toDns = policies.filter((p) =>
        p.spec?.egress?.some((r) => r.to?.some((peer) => peer.podSelector?.matchLabels?.app === "coredns")),
      );
      expect(toDns.map((p) => p.spec?.podSelector)).toEqual([
        { matchLabels: { "app.kubernetes.io/component": "data-loader" } },
      ]);
      expect(toDns[0]!.spec?.egress).toEqual([
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dns-system" } },
              podSelector: { matchLabels: { app: "coredns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ]);
    });
  });

  it.each<[string, StagedDataset[], string[]]>([
    ["nothing staged", [], ["patientregistret@2026-09"]],
    ["the permit's dataset staged", [staged()], []],
    ["another dataset staged", [staged(undefined, "lakemedelsregistret")], ["patientregistret@2026-09"]],
  ])("knows which datasets await delivery: %s", (_, list, expected) => {
    expect(datasetsAwaitingDelivery(input({ staged: list }))).toEqual(expected);
  });
});
