import * as k8s from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { amendEnvironment, environmentRow, insertEnvironment, stageDelivery } from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { examplePermit, withPersons, TEST_WORKSPACE_IDENTITIES } from "../permits/test-fixtures";
import { eq } from "drizzle-orm";
import { openDatabase, type Database } from "../db/database";
import { auditEvents } from "../db/schema";
import { EnvironmentController } from "./controller";
import { desiredObjects } from "./desired/index";
import { defaultEnvironmentConfig } from "./environment-config";
import { askToStart } from "./workspace-wishes";
import { SYSTEM_ACTOR } from "../audit/audit-hash";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
// The reconciler's keys are the tests' own, so that the tests can name the objects it makes.
const config = { ...defaultEnvironmentConfig, workspaceIdentities: TEST_WORKSPACE_IDENTITIES };
const kubeconfig = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};
let seq = 0;
const uniquePermit = (overrides: Parameters<typeof examplePermit>[0] = {}) =>
  examplePermit({
    permitId: `SE-TEST-${Date.now().toString(36)}-${seq++}`,
    validFrom: "2026-01-01T00:00:00Z",
    validUntil: "2030-01-01T00:00:00Z",
    ...overrides,
  });

describe("environment controller against the real API server, as the orchestrator's own identity", () => {
  let database: Database;
  let controller: EnvironmentController;
  let admin: k8s.KubernetesObjectApi;
  let adminCore: k8s.CoreV1Api;
  let adminNet: k8s.NetworkingV1Api;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    const kc = kubeconfig(inject("orchestratorKubeconfig"));
    controller = new EnvironmentController({
      db: database.db,
      kubeConfig: kc,
      config,
      log,
      leaseName: `test-${Date.now()}`,
      resyncMs: 60_000,
      pollMs: 100,
    });
    controller.start();
    await eventually("the controller leads", async () => controller.isLeader);
    const adminKc = kubeconfig(inject("kubeconfig"));
    admin = k8s.KubernetesObjectApi.makeApiClient(adminKc);
    adminCore = adminKc.makeApiClient(k8s.CoreV1Api);
    adminNet = adminKc.makeApiClient(k8s.NetworkingV1Api);
  });
  afterAll(async () => {
    await controller.stop();
    await database.close();
  });

  const provisioned = (namespace: string) =>
    eventually(`${namespace} is provisioned`, async () => {
      const row = await environmentRow(database.db, namespace);
      return (
        row.conditions.find((c) => c.type === "Provisioned")?.status === "True" &&
        row.observedGeneration === row.generation &&
        row
      );
    });
  const resourceVersions = async (namespace: string, permit: ReturnType<typeof uniquePermit>) => {
    const versions: Record<string, string> = {};
    for (const o of desiredObjects(withPersons({ namespace, permit, desiredState: "active" }), config)) {
      const live = await admin.read({
        apiVersion: o.apiVersion!,
        kind: o.kind!,
        metadata: { name: o.metadata!.name!, namespace: o.metadata!.namespace },
      });
      // Controllers write the status of Deployments and Jobs on their own; generation moves only with the spec.
      const statusByControllers = o.kind === "Deployment" || o.kind === "Job";
      versions[`${o.kind}/${o.metadata!.name}`] = statusByControllers
        ? `generation ${live.metadata!.generation}`
        : live.metadata!.resourceVersion!;
    }
    return versions;
  };

  it("provisions exactly the desired objects and reports conditions in words", async () => {
    const permit = uniquePermit();
    const namespace = await insertEnvironment(database.db, permit);
    controller.enqueue(namespace);
    const row = await provisioned(namespace);
    // Nothing delivered yet: everything but the loader, and the conditions say what is awaited.
    expect(Object.keys(await resourceVersions(namespace, permit))).toHaveLength(17);
    const byType = Object.fromEntries(row.conditions.map((c) => [c.type, c]));
    expect(byType.NetworkIsolated).toMatchObject({ status: "True", reason: "DenyAllInForce" });
    expect(byType.DataStaged).toMatchObject({
      status: "False",
      reason: "AwaitingDelivery",
      message: expect.stringContaining("patientregistret@2026-09"),
    });
    expect(byType.Ready).toMatchObject({ status: "False" });
    // Once a delivery is staged the loader Job comes; no kubelet here, so it never runs, and the conditions say so.
    await stageDelivery(database.db, permit);
    controller.enqueue(namespace);
    const loading = await eventually("the loader is on its way", async () => {
      const r = await environmentRow(database.db, namespace);
      return r.conditions.find((c) => c.type === "DataStaged")?.reason === "Loading" && r;
    });
    expect(loading.observedGeneration).toBe(loading.generation);
    const jobs = await kubeconfig(inject("kubeconfig")).makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace });
    expect(jobs.items.map((j) => j.metadata!.name)).toEqual([expect.stringMatching(/^data-loader-[0-9a-f]{10}$/)]);
    const ns = await adminCore.readNamespace({ name: namespace });
    expect(ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("makes pods that Pod Security restricted admits (the workspace, the airlock agent and the loader exist, waiting for a node)", async () => {
    const permit = uniquePermit();
    const namespace = await insertEnvironment(database.db, permit);
    await stageDelivery(database.db, permit);
    // The first person has opened their workspace: only then does it run.
    const [first] = withPersons({ namespace, permit, desiredState: "active" }).persons;
    const subject = permit.authorisedPersons[0]!.subject;
    await askToStart(database.db, { namespace, personId: first!.id, subject }, SYSTEM_ACTOR, new Date());
    controller.enqueue(namespace);
    await provisioned(namespace);
    const pods = await eventually("the controllers created the three pods", async () => {
      const items = (await adminCore.listNamespacedPod({ namespace })).items;
      return items.length === 3 && items;
    });
    expect(pods.map((p) => p.metadata?.labels?.["app.kubernetes.io/component"]).sort()).toEqual([
      "airlock",
      "data-loader",
      "workspace",
    ]);
    for (const pod of pods) expect(pod.spec?.automountServiceAccountToken).toBe(false);
  });

  it("changes nothing when it reconciles again", async () => {
    const permit = uniquePermit();
    const namespace = await insertEnvironment(database.db, permit);
    controller.enqueue(namespace);
    await provisioned(namespace);
    // The API server rewrites a PersistentVolumeClaim once on its second apply (the finalizer its admission
    // added at creation changes hands); from then on the environment is at rest.
    controller.enqueue(namespace);
    await new Promise((r) => setTimeout(r, 50));
    await controller.idle();
    const before = await resourceVersions(namespace, permit);
    controller.enqueue(namespace);
    await new Promise((r) => setTimeout(r, 50));
    await controller.idle();
    expect(await resourceVersions(namespace, permit)).toEqual(before);
  });

  it("brings back a deleted deny-all NetworkPolicy", async () => {
    const namespace = await insertEnvironment(database.db, uniquePermit());
    controller.enqueue(namespace);
    await provisioned(namespace);
    await adminNet.deleteNamespacedNetworkPolicy({ name: "deny-all", namespace });
    const back = await eventually(
      "deny-all is back",
      () => adminNet.readNamespacedNetworkPolicy({ name: "deny-all", namespace }).catch(() => undefined),
      5000,
    );
    expect(back.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
  });

  it("undoes an allow-all rule someone adds to the deny-all policy", async () => {
    const namespace = await insertEnvironment(database.db, uniquePermit());
    controller.enqueue(namespace);
    await provisioned(namespace);
    await adminNet.patchNamespacedNetworkPolicy(
      { name: "deny-all", namespace, body: { spec: { ingress: [{}], egress: [{}] } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    const repaired = await eventually(
      "deny-all denies again",
      async () => {
        const policy = await adminNet.readNamespacedNetworkPolicy({ name: "deny-all", namespace });
        return !policy.spec?.ingress?.length && !policy.spec?.egress?.length && policy;
      },
      5000,
    );
    expect(repaired.spec?.podSelector?.matchLabels ?? {}).toEqual({});
  });

  it("prunes what an amendment no longer needs", async () => {
    const permit = uniquePermit({
      datasets: [
        { id: "patientregistret", version: "2026-09" },
        { id: "lakemedelsregistret", version: "2026-06" },
      ],
    });
    const namespace = await insertEnvironment(database.db, permit);
    for (const dataset of permit.datasets) await stageDelivery(database.db, permit, dataset);
    controller.enqueue(namespace);
    await provisioned(namespace);
    const jobs = async () => (
      await adminCore.listNamespacedPod({ namespace }),
      (await kubeconfig(inject("kubeconfig")).makeApiClient(k8s.BatchV1Api).listNamespacedJob({ namespace })).items.map(
        (j) => j.metadata!.name,
      )
    );
    const [oldJob] = await jobs();
    await amendEnvironment(database.db, { ...permit, sequence: 2, datasets: [permit.datasets[0]!] });
    controller.enqueue(namespace);
    const after = await eventually("the old loader Job is gone", async () => {
      const names = await jobs();
      return names.length === 1 && names[0] !== oldJob && names;
    });
    expect(after[0]).toMatch(/^data-loader-/);
  });

  it("tears down a revoked permit's environment and certifies the deletion", async () => {
    const permit = uniquePermit();
    const namespace = await insertEnvironment(database.db, permit);
    await stageDelivery(database.db, permit);
    controller.enqueue(namespace);
    await provisioned(namespace);
    await amendEnvironment(database.db, { ...permit, sequence: 2, status: "revoked" });
    controller.enqueue(namespace);
    const row = await eventually(
      "the teardown is complete",
      async () => {
        const r = await environmentRow(database.db, namespace);
        return r.teardown?.completedAt !== undefined && r;
      },
      30_000,
    );
    expect(row.desiredState).toBe("torn-down");
    expect(row.teardown).toMatchObject({ namespace, reason: "revoked" });
    // The certificate names the staged data it deleted, file by file with hashes.
    expect(row.teardown?.stagedData).toEqual([
      expect.objectContaining({
        datasetId: "patientregistret",
        files: [expect.objectContaining({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })],
      }),
    ]);
    expect(row.teardown?.objects).toEqual(expect.arrayContaining(["NetworkPolicy/deny-all", `Namespace/${namespace}`]));
    expect(row.conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "False", reason: "TornDown" });
    await expect(adminCore.readNamespace({ name: namespace })).rejects.toMatchObject({ code: 404 });
    // The deletion certificate is in the audit log, after the request that started the teardown.
    const events = (
      await database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.target, `environment:${namespace}`))
    ).map((e) => e.action);
    expect(events).toEqual(["environment.teardown-requested", "environment.torn-down"]);
  });

  it("tears down an environment whose permit has expired", async () => {
    const permit = uniquePermit({ validUntil: new Date(Date.now() + 6000).toISOString() });
    const namespace = await insertEnvironment(database.db, permit);
    controller.enqueue(namespace);
    // The first reconcile provisions it and asks to come back at validUntil; nobody enqueues it again here.
    // Not waiting for "provisioned": on a loaded machine the permit may expire while it provisions, and the
    // reconciler must tear it down then too.
    const row = await eventually(
      "the expired environment is torn down",
      async () => {
        const r = await environmentRow(database.db, namespace);
        return r.teardown?.completedAt !== undefined && r;
      },
      90_000,
    );
    expect(row.teardown).toMatchObject({ reason: "expired" });
  }, 120_000);

  it("waits for a permit that is not valid yet", async () => {
    const namespace = await insertEnvironment(database.db, uniquePermit({ validFrom: "2029-01-01T00:00:00Z" }));
    controller.enqueue(namespace);
    const row = await eventually("the environment says it is not valid yet", async () => {
      const r = await environmentRow(database.db, namespace);
      return r.conditions.length > 0 && r;
    });
    expect(row.conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "False", reason: "NotYetValid" });
    await expect(adminCore.readNamespace({ name: namespace })).rejects.toMatchObject({ code: 404 });
  });

  it("lets a second orchestrator wait while the first holds the Lease", async () => {
    const leaseName = `test-lease-${Date.now()}`;
    const db2 = await openDatabase({ memory: true });
    const kc = kubeconfig(inject("orchestratorKubeconfig"));
    const first = new EnvironmentController({ db: db2.db, kubeConfig: kc, config, log, leaseName, pollMs: 100 });
    const second = new EnvironmentController({ db: db2.db, kubeConfig: kc, config, log, leaseName, pollMs: 100 });
    try {
      first.start();
      await eventually("the first leads", async () => first.isLeader);
      second.start();
      const namespace = await insertEnvironment(db2.db, uniquePermit());
      await eventually(
        "the leader provisions",
        async () => (await environmentRow(db2.db, namespace)).observedGeneration === 1,
      );
      await new Promise((r) => setTimeout(r, 3000));
      expect(second.isLeader).toBe(false);
      await first.stop();
      await eventually("the second takes over once the first steps down", async () => second.isLeader, 20_000);
    } finally {
      await first.stop();
      await second.stop();
      await db2.close();
    }
  });
});
