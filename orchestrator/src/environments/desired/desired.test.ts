import { randomBytes } from "node:crypto";
import type {
  KubernetesObject,
  V1Deployment,
  V1Job,
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1PodSpec,
  V1ResourceQuota,
  V1Service,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { stagingCapabilities } from "../../staging/staging-capability";
import {
  examplePermit,
  exampleStagedDataset,
  TEST_WORKSPACE_IDENTITIES as identities,
  withPersons,
} from "../../permits/test-fixtures";
import { defaultEnvironmentConfig as config } from "../environment-config";
import { datasetsAwaitingDelivery, type EnvironmentInput, type StagedDataset } from "./environment-input";
import { workspaceHosts } from "../../gateway/workspace-hosts";
import { workspacePersons } from "../workspace-persons";
import { desiredObjects } from "./index";

const staged = (manifestSha256 = "a".repeat(64), datasetId = "patientregistret"): StagedDataset =>
  exampleStagedDataset({ manifestSha256, datasetId });
const input = (overrides: Partial<Omit<EnvironmentInput, "persons">> = {}): EnvironmentInput =>
  withPersons({
    namespace: "spe-se-hdab-2026-0042-0123456789",
    permit: examplePermit(),
    desiredState: "active",
    staged: [staged()],
    ...overrides,
  });
const person = (subject: string) => ({ subject, name: `Name of ${subject}`, email: `${subject}@uni.example` });
/** The example permit with more persons. */
const permitOf = (...subjects: string[]) =>
  examplePermit({ authorisedPersons: subjects.map(person), principalInvestigator: person(subjects[0]!) });
const idOf = (subject: string) => identities.personIdOf("spe-se-hdab-2026-0042-0123456789", subject);
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
      "PersistentVolumeClaim/project",
      `PersistentVolumeClaim/home-${idOf("alice")}`,
      expect.stringMatching(/^Job\/data-loader-[0-9a-f]{10}$/),
      "Deployment/airlock",
      "Service/airlock",
      `Deployment/workspace-${idOf("alice")}`,
      `Service/workspace-${idOf("alice")}`,
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
    expect(allow.spec?.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/component": "airlock" } });
    const pod = find<V1Deployment>(objects, "Deployment", "airlock").spec!.template.spec!;
    const agent = pod.containers.find((c) => c.name === "airlock-agent")!;
    expect(pod.containers).toHaveLength(1);
    expect(agent.volumeMounts).toEqual([{ name: "project", mountPath: "/outbox", subPath: "outbox", readOnly: true }]);
    expect(pod.volumes).toEqual([{ name: "project", persistentVolumeClaim: { claimName: "project", readOnly: true } }]);
    expect(agent.env).toContainEqual({ name: "OUTBOX_DIR", value: "/outbox" });
  });

  it("runs every pod non-root, unprivileged, without a service account token, from the configured registry", () => {
    const specs = podSpecs(desiredObjects(input(), config));
    expect(specs).toHaveLength(3);
    for (const spec of specs) {
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      // A home's files are not all chowned again at every start of its workspace.
      expect(spec.securityContext).toMatchObject({ fsGroup: 1000, fsGroupChangePolicy: "OnRootMismatch" });
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

  it("opens the workspace on the person's home, with the project folder, the outbox and the data (read-only) in it", () => {
    const workspace = find<V1Deployment>(desiredObjects(input(), config), "Deployment", `workspace-${idOf("alice")}`);
    const pod = workspace.spec!.template.spec!;
    expect(pod.volumes?.filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim)).toEqual([
      { claimName: `home-${idOf("alice")}` },
      { claimName: "project" },
      { claimName: "data", readOnly: true },
    ]);
    expect(pod.containers[0]!.volumeMounts).toEqual([
      { name: "home", mountPath: "/home/researcher" },
      { name: "project", mountPath: "/home/researcher/project" },
      { name: "project", mountPath: "/home/researcher/outbox", subPath: "outbox" },
      { name: "data", mountPath: "/home/researcher/data", readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(pod.containers[0]!.image).toBe(`${config.imageRegistry}/${config.images.jupyterlab}`);
  });

  it.each([
    [
      { cpu: "4", memory: "16Gi" },
      { cpu: "2", memory: "8Gi" },
    ],
    [
      { cpu: "1", memory: "1Gi" },
      { cpu: "700m", memory: "640Mi" },
    ],
  ])("sizes a workspace by the installation, within what the permit %o leaves the platform", (profile, expected) => {
    const permit = examplePermit({ environment: { tools: ["jupyterlab"], storage: "50Gi", ...profile } });
    const pod = find<V1Deployment>(
      desiredObjects(input({ permit }), config),
      "Deployment",
      `workspace-${idOf("alice")}`,
    );
    expect(pod.spec!.template.spec!.containers[0]!.resources).toEqual({ requests: expected, limits: expected });
  });

  it("gives each person a workspace of their own: pod, home, Service and credential, named by an opaque id", () => {
    const objects = desiredObjects(input({ permit: permitOf("alice", "bob") }), config);
    const ids = [idOf("alice"), idOf("bob")];
    expect(ids[0]).toMatch(/^[0-9a-f]{20}$/);
    expect(ids[0]).not.toBe(ids[1]);
    for (const [i, id] of ids.entries()) {
      const pod = find<V1Deployment>(objects, "Deployment", `workspace-${id}`).spec!.template;
      expect(pod.metadata?.labels?.["spe.ehds.eu/person"]).toBe(id);
      expect(pod.spec!.volumes?.find((v) => v.name === "home")?.persistentVolumeClaim?.claimName).toBe(`home-${id}`);
      const token = identities.tokenOf(input().namespace, id);
      expect(pod.spec!.containers[0]!.env).toContainEqual({ name: "SPE_WORKSPACE_TOKEN", value: token });
      // Nobody else's credential is in this pod.
      const other = identities.tokenOf(input().namespace, ids[1 - i]!);
      expect(JSON.stringify(pod)).not.toContain(other);
      const service = find<V1Service>(objects, "Service", `workspace-${id}`);
      expect(service.spec?.selector).toEqual({ "app.kubernetes.io/component": "workspace", "spe.ehds.eu/person": id });
    }
    // No name, e-mail or subject of a person in any name, label or annotation.
    const metadata = JSON.stringify(
      objects.map((o) => [
        o.metadata,
        (o as V1Deployment).spec?.template?.metadata,
        (o as V1Deployment).spec?.selector,
        (o as V1Service).spec?.selector,
      ]),
    );
    for (const word of ["alice", "bob", "Name of", "uni.example"]) expect(metadata).not.toContain(word);
  });

  it("shares the project folder read-write among the persons, of the storage class the installation names", () => {
    const claims = (c = config) =>
      desiredObjects(input({ permit: permitOf("alice", "bob") }), c).filter(
        (o): o is V1PersistentVolumeClaim => o.kind === "PersistentVolumeClaim",
      );
    const project = claims().find((c) => c.metadata?.name === "project")!;
    expect(project.spec).toEqual({ accessModes: ["ReadWriteMany"], resources: { requests: { storage: "40Gi" } } });
    expect(
      claims()
        .filter((c) => c.metadata?.name?.startsWith("home-"))
        .map((c) => c.spec),
    ).toEqual([
      { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
      { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
    ]);
    const classed = claims({ ...config, projectStorageClass: "cephfs" }).find((c) => c.metadata?.name === "project")!;
    expect(classed.spec?.storageClassName).toBe("cephfs");
  });

  it("tells each workspace its namespace and its own person's workspace host, and nobody else's", () => {
    const hosts = workspaceHosts({
      publicUrl: "https://spe.scb.example",
      domain: "ws.example",
      key: Buffer.alloc(32, 7),
    });
    const namespace = "spe-se-hdab-2026-0042-0123456789";
    const permit = permitOf("alice", "carol");
    const persons = workspacePersons(namespace, permit, { workspaceHosts: hosts, workspaceIdentities: identities });
    const objects = desiredObjects({ ...input({ permit }), persons }, config);
    for (const subject of ["alice", "carol"]) {
      const origin = hosts.originOf(hosts.labelOf(namespace, subject));
      expect(origin).toMatch(/^https:\/\/[0-9a-f]{32}\.ws\.example$/);
      const env = find<V1Deployment>(objects, "Deployment", `workspace-${idOf(subject)}`).spec!.template.spec!
        .containers[0]!.env;
      expect(env).toEqual([
        { name: "SPE_PERMIT_ID", value: "SE-HDAB-2026-0042" },
        { name: "SPE_NAMESPACE", value: namespace },
        { name: "SPE_ALLOWED_ORIGINS", value: origin },
        { name: "SPE_WORKSPACE_TOKEN", value: identities.tokenOf(namespace, idOf(subject)) },
        { name: "SPE_WORKSPACE_PORT", value: String(config.workspacePort) },
      ]);
    }
    // Without host names (no gateway), no origin at all.
    const plain = find<V1Deployment>(desiredObjects(input(), config), "Deployment", `workspace-${idOf("alice")}`);
    expect(plain.spec!.template.spec!.containers[0]!.env).toContainEqual({ name: "SPE_ALLOWED_ORIGINS", value: "" });
  });

  it.each([
    ["active", 1],
    ["suspended", 0],
  ] as const)("runs %s environments with %i replicas of the airlock agent", (desiredState, replicas) => {
    const objects = desiredObjects(input({ desiredState, permit: permitOf("alice", "bob") }), config);
    expect(find<V1Deployment>(objects, "Deployment", "airlock").spec?.replicas).toBe(replicas);
  });

  it.each([
    ["active", "started", 1],
    ["active", "not opened", 0],
    ["suspended", "started", 0],
  ] as const)("runs a workspace of a %s environment %s with %i replicas", (desiredState, wish, replicas) => {
    const base = input({ desiredState, permit: permitOf("alice", "bob") });
    // Only alice has opened hers: bob's stays at 0 whatever the environment does.
    const persons = base.persons.map((p, i) => ({ ...p, started: i === 0 && wish === "started" }));
    const deployments = desiredObjects({ ...base, persons }, config).filter(
      (o): o is V1Deployment => o.kind === "Deployment" && o.metadata?.name !== "airlock",
    );
    expect(deployments.map((d) => d.spec?.replicas)).toEqual([replicas, 0]);
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
