// Objects in an environment that the orchestrator did not make: the reconciler, running as the orchestrator's
// own identity against the real API server, reports them (audit event, Kubernetes Event, condition) and
// removes them, and leaves its own and the cluster's alone.
import * as k8s from "@kubernetes/client-node";
import { eq } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { insertEnvironment } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { examplePermit } from "../permits/test-fixtures";
import { EnvironmentController } from "./controller";
import { defaultEnvironmentConfig as config } from "./environment-config";
import { foreignRoots } from "./foreign-objects";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const kubeconfig = (path: string, impersonate?: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  if (impersonate) kc.users = kc.users.map((u) => ({ ...u, impersonateUser: impersonate }));
  return kc;
};

describe("foreignRoots", () => {
  const object = (name: string, uid: string, owner?: string): k8s.KubernetesObject => ({
    kind: "Pod",
    metadata: {
      name,
      uid,
      ownerReferences: owner ? [{ apiVersion: "v1", kind: "X", name: "x", uid: owner, controller: true }] : [],
    },
  });

  it("keeps what no other foreign object controls, even under an owner reference to something else", () => {
    const found = [object("deployment", "d"), object("replicaset", "r", "d"), object("fake", "f", "uid-of-ours")];
    expect(foreignRoots(found).map((o) => o.metadata?.name)).toEqual(["deployment", "fake"]);
  });
});

describe("objects the orchestrator did not make, against the real API server", () => {
  let database: Database;
  let controller: EnvironmentController;
  let namespace: string;
  const insider = "mallory@uni.example";
  const insiderBinding = `spe-test-insider-${Date.now().toString(36)}`;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    controller = new EnvironmentController({
      db: database.db,
      kubeConfig: kubeconfig(inject("orchestratorKubeconfig")),
      config,
      log,
      leaseName: `test-foreign-${Date.now()}`,
      resyncMs: 60_000,
      pollMs: 100,
    });
    controller.start();
    await eventually("the controller leads", async () => controller.isLeader);
    namespace = await insertEnvironment(
      database.db,
      examplePermit({
        permitId: `SE-FOREIGN-${Date.now().toString(36)}`,
        validFrom: "2026-01-01T00:00:00Z",
        validUntil: "2030-01-01T00:00:00Z",
      }),
    );
    controller.enqueue(namespace);
    const admin = kubeconfig(inject("kubeconfig"));
    await eventually("the environment is provisioned", async () =>
      admin
        .makeApiClient(k8s.AppsV1Api)
        .readNamespacedDeployment({ name: "airlock", namespace })
        .then(() => true),
    );
    // Someone is given every namespaced right (what no one should be): what they make is not ours. Not by a
    // RoleBinding in the environment: the reconciler would remove that too (as the last test shows).
    await admin.makeApiClient(k8s.RbacAuthorizationV1Api).createClusterRoleBinding({
      body: {
        metadata: { name: insiderBinding },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: insider }],
      },
    });
  });
  afterAll(async () => {
    await controller.stop();
    await kubeconfig(inject("kubeconfig"))
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .deleteClusterRoleBinding({ name: insiderBinding })
      .catch(() => {});
    await kubeconfig(inject("kubeconfig"))
      .makeApiClient(k8s.CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => {});
    await database.close();
  });

  it("removes a compliant Deployment and a bare Pod someone else made, and says so in the audit log and an Event", async () => {
    const spec: k8s.V1PodSpec = {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "main",
          image: `${config.imageRegistry}/${config.images.jupyterlab}`,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    };
    const objects = k8s.KubernetesObjectApi.makeApiClient(kubeconfig(inject("kubeconfig"), insider));
    await eventually("the insider's rights are in force", () =>
      objects
        .create({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "miner", namespace },
          spec: {
            selector: { matchLabels: { app: "miner" } },
            template: { metadata: { labels: { app: "miner" } }, spec },
          },
        } as k8s.V1Deployment)
        .then(() => true),
    );
    await objects.create({ apiVersion: "v1", kind: "Pod", metadata: { name: "stray", namespace }, spec } as k8s.V1Pod);

    const admin = kubeconfig(inject("kubeconfig"));
    const apps = admin.makeApiClient(k8s.AppsV1Api);
    const core = admin.makeApiClient(k8s.CoreV1Api);
    const gone = (read: Promise<unknown>) =>
      read.then(
        () => false,
        (err: { code?: number }) => err.code === 404,
      );
    await eventually(
      "the Deployment and the Pod are removed",
      async () =>
        (await gone(apps.readNamespacedDeployment({ name: "miner", namespace }))) &&
        (await gone(core.readNamespacedPod({ name: "stray", namespace }))),
    );

    const removed = await eventually("the removals are in the audit log", async () => {
      const rows = await database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.target, `environment:${namespace}`));
      const objectsNamed = rows
        .filter((r) => r.action === "environment.foreign-objects-removed")
        .flatMap((r) => (r.details as { objects: Array<{ object: string }> }).objects.map((o) => o.object));
      return objectsNamed.includes("Deployment/miner") && objectsNamed.includes("Pod/stray") && rows;
    });
    expect(removed.every((r) => r.actorRole === "system")).toBe(true);
    const events = await core.listNamespacedEvent({ namespace });
    expect(
      events.items
        .filter((e) => e.reason === "ForeignObjectsRemoved")
        .map((e) => e.message)
        .join(" "),
    ).toMatch(/Removed what the SPE orchestrator did not make: .*(Deployment\/miner|Pod\/stray)/);

    // Its own objects and what the cluster puts in every namespace are left as they were.
    await apps.readNamespacedDeployment({ name: "airlock", namespace });
    await core.readNamespacedServiceAccount({ name: "default", namespace });
    await core.readNamespacedServiceAccount({ name: "workspace", namespace });
  });
  it("removes every other kind someone made there too: rights, budgets, scaling", async () => {
    // (ConfigMaps, Secrets and the like the environment's quota already refuses: its one ConfigMap is the cluster's.)
    const objects = k8s.KubernetesObjectApi.makeApiClient(kubeconfig(inject("kubeconfig"), insider));
    const admin = k8s.KubernetesObjectApi.makeApiClient(kubeconfig(inject("kubeconfig")));
    const meta = (name: string) => ({ name, namespace });
    const made: k8s.KubernetesObject[] = [
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: meta("reader"),
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
      } as k8s.V1Role,
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: meta("pin"),
        spec: { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/component": "workspace" } } },
      } as k8s.V1PodDisruptionBudget,
      {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: meta("grow"),
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "workspace" }, maxReplicas: 5 },
      } as k8s.V2HorizontalPodAutoscaler,
    ];
    for (const o of made) await objects.create(o);
    // A RoleBinding is refused to the insider by admission; a break-glass administrator's is removed all the same.
    await admin.create({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta("left-behind"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
      subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: insider }],
    } as k8s.V1RoleBinding);
    const names = [...made.map((o) => `${o.kind}/${o.metadata!.name}`), "RoleBinding/left-behind"];

    const gone = async (o: { apiVersion: string; kind: string; name: string }) =>
      admin.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: meta(o.name) }).then(
        () => false,
        (err: { code?: number }) => err.code === 404,
      );
    await eventually("every one is removed", async () => {
      for (const o of made)
        if (!(await gone({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name! }))) return false;
      return gone({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", name: "left-behind" });
    });
    const named = await eventually("each is named in the audit log", async () => {
      const rows = await database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.target, `environment:${namespace}`));
      const all = rows
        .filter((r) => r.action === "environment.foreign-objects-removed")
        .flatMap((r) => (r.details as { objects: Array<{ object: string }> }).objects.map((o) => o.object));
      return names.every((n) => all.includes(n)) && all;
    });
    expect(named).toEqual(expect.arrayContaining(names));
    // What the cluster puts into every namespace stays.
    await admin.read({ apiVersion: "v1", kind: "ConfigMap", metadata: meta("kube-root-ca.crt") });
  });
});
