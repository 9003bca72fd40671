// The environment's ResourceQuota as the real API server enforces it: the quota controller of the local
// control plane computes its usage, and quota admission refuses what does not fit.
import * as k8s from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  amendEnvironment,
  environmentRow,
  insertEnvironment,
  openWorkspaces,
  stageDelivery,
} from "../../test/environment-rows";
import { eventually } from "../../test/eventually";
import { openDatabase, type Database } from "../db/database";
import { deleteObject, describeKubeError } from "../kube/apply";
import { WatchCache } from "../kube/watch-cache";
import type { PermitPayload } from "../permits/permit";
import { examplePermit } from "../permits/test-fixtures";
import { mebibytes, milliCpu } from "./desired/resources";
import { defaultEnvironmentConfig as config } from "./environment-config";
import { reconcileEnvironment, type ReconcileDeps } from "./reconcile";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const kubeconfig = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};
let seq = 0;
const uniquePermit = (
  environment: PermitPayload["environment"] = { tools: ["jupyterlab"], cpu: "2", memory: "4Gi", storage: "10Gi" },
) =>
  examplePermit({
    permitId: `SE-QUOTA-${Date.now().toString(36)}-${seq++}`,
    validFrom: "2026-01-01T00:00:00Z",
    validUntil: "2030-01-01T00:00:00Z",
    environment,
  });

/** Sums a resource over every container of the pods, as quota admission counts them. */
const sumOf = (pods: k8s.V1Pod[], field: "requests" | "limits", resource: "cpu" | "memory") =>
  pods
    .flatMap((p) => p.spec!.containers)
    .reduce((sum, c) => {
      const q = c.resources![field]![resource]!;
      return sum + (resource === "cpu" ? milliCpu(q) : mebibytes(q));
    }, 0);

describe("the environment's quota, enforced by the real API server", () => {
  let database: Database;
  let core: k8s.CoreV1Api;
  let cache: WatchCache;
  /** Every refusal the reconciler's client met, in words. */
  const refusals: string[] = [];
  /** The kind of every object the reconciler's client applied. */
  const patched: string[] = [];
  let deps: ReconcileDeps;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    core = kubeconfig(inject("kubeconfig")).makeApiClient(k8s.CoreV1Api);
    const orchestratorKc = kubeconfig(inject("orchestratorKubeconfig"));
    const client = k8s.KubernetesObjectApi.makeApiClient(orchestratorKc);
    const recording = new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== "patch" || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          patched.push((args[0] as k8s.KubernetesObject).kind!);
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((err: unknown) => {
            refusals.push(describeKubeError(err));
            throw err;
          });
        };
      },
    });
    cache = new WatchCache(orchestratorKc, client, log, () => undefined);
    await cache.start();
    deps = {
      db: database.db,
      client: recording,
      cache,
      config,
      log,
      now: () => new Date(),
      lastApplied: new Map(),
      quotaWaits: new Map(),
    };
  });
  afterAll(async () => {
    await cache.stop();
    await database.close();
  });

  const quotaOf = (namespace: string) => core.readNamespacedResourceQuota({ name: "environment", namespace });
  const podsOf = async (namespace: string) => (await core.listNamespacedPod({ namespace })).items;
  /** Reconciles as the work queue would: again until the quota's usage is known and everything is applied. */
  const provisioned = (namespace: string) =>
    eventually(`${namespace} is provisioned`, async () => {
      await reconcileEnvironment(namespace, deps);
      const row = await environmentRow(database.db, namespace);
      return row.conditions.find((c) => c.type === "Provisioned")?.status === "True";
    });

  it("counts the workspace, the airlock agent and the loader up to the permit's totals and refuses a pod beyond them", async () => {
    const permit = uniquePermit();
    const namespace = await insertEnvironment(database.db, permit);
    await stageDelivery(database.db, permit);
    await openWorkspaces(database.db, namespace, permit, config);
    await provisioned(namespace);
    const pods = await eventually("the workspace, airlock and loader pods exist", async () => {
      const items = await podsOf(namespace);
      return items.length === 3 && items;
    });
    // The controller computed the usage from the pods the API server admitted: the permit, to the last core.
    const used = await eventually("the quota's usage is computed", async () => {
      const status = (await quotaOf(namespace)).status;
      return status?.used?.pods === "3" && status.used;
    });
    expect(milliCpu(used["limits.cpu"]!)).toBe(sumOf(pods, "limits", "cpu"));
    expect(mebibytes(used["limits.memory"]!)).toBe(sumOf(pods, "limits", "memory"));
    expect([used["limits.cpu"], used["limits.memory"]]).toEqual([permit.environment.cpu, permit.environment.memory]);
    expect(milliCpu(used["requests.cpu"]!)).toBe(sumOf(pods, "requests", "cpu"));
    expect(used).toMatchObject({ services: "2", persistentvolumeclaims: "3", "requests.storage": "30Gi" });

    // One more pod, however small and otherwise admissible, is over the permit.
    const extra: k8s.V1Pod = {
      metadata: { name: "one-more" },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "main",
            image: `${config.imageRegistry}/${config.images.jupyterlab}`,
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            resources: { limits: { cpu: "10m", memory: "16Mi" } },
          },
        ],
      },
    };
    const refused = await core.createNamespacedPod({ namespace, body: extra }).then(
      () => "admitted",
      (err: unknown) => describeKubeError(err),
    );
    expect(refused).toMatch(/^403: .*exceeded quota: environment, requested: limits.cpu=10m,limits.memory=16Mi/);
  });

  // No node here has a GPU: what is checked is what the API server admits and counts, not a GPU pod running.
  it("carries a GPU permit's quota line, request and toleration, and refuses a workspace beyond its GPUs", async () => {
    const person = (subject: string) => ({ subject, name: subject, email: `${subject}@uni.example` });
    const permit = {
      ...uniquePermit({ tools: ["jupyterlab"], cpu: "8", memory: "32Gi", storage: "20Gi", gpu: 1 }),
      principalInvestigator: person("alice"),
      authorisedPersons: [person("alice"), person("bob")],
    };
    const namespace = await insertEnvironment(database.db, permit);
    await openWorkspaces(database.db, namespace, permit, config);
    await provisioned(namespace);
    expect((await quotaOf(namespace)).spec!.hard!["requests.nvidia.com/gpu"]).toBe("1");
    const workspaces = await eventually("one workspace pod is admitted", async () => {
      const items = (await podsOf(namespace)).filter((p) => p.metadata?.name?.startsWith("workspace-"));
      return items.length === 1 && items;
    });
    const spec = workspaces[0]!.spec!;
    expect(spec.containers[0]!.resources).toMatchObject({
      requests: { "nvidia.com/gpu": "1" },
      limits: { "nvidia.com/gpu": "1" },
    });
    expect(spec.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
    await eventually("the quota counts the one GPU", async () => {
      return (await quotaOf(namespace)).status?.used?.["requests.nvidia.com/gpu"] === "1";
    });
    // The second person's pod asks for a GPU the quota has no more of: refused, as the ReplicaSet says.
    const apps = kubeconfig(inject("kubeconfig")).makeApiClient(k8s.AppsV1Api);
    const refusal = await eventually("the second workspace's pod is refused by the quota", async () => {
      const sets = (await apps.listNamespacedReplicaSet({ namespace })).items;
      const failure = sets
        .flatMap((r) => r.status?.conditions ?? [])
        .find((c) => c.type === "ReplicaFailure" && c.status === "True");
      return failure?.message;
    });
    expect(refusal).toMatch(/exceeded quota: environment, requested: requests\.nvidia\.com\/gpu=1/);
  });

  it("admits the workspace again when a suspended environment is resumed, for each tool", async () => {
    for (const tool of ["jupyterlab", "rstudio", "vscode"] as const) {
      const permit = uniquePermit({ tools: [tool], cpu: "1", memory: "2Gi", storage: "1Gi" });
      const namespace = await insertEnvironment(database.db, permit);
      await stageDelivery(database.db, permit);
      await openWorkspaces(database.db, namespace, permit, config);
      await amendEnvironment(database.db, permit, "suspended");
      await provisioned(namespace);
      const component = (pods: k8s.V1Pod[]) => pods.map((p) => p.metadata?.labels?.["app.kubernetes.io/component"]);
      const loader = await eventually("the loader pod exists", async () => {
        const items = await podsOf(namespace);
        return items.length === 1 && items;
      });
      expect(component(loader)).toEqual(["data-loader"]);
      await amendEnvironment(database.db, permit, "active");
      await provisioned(namespace);
      const pods = await eventually(`${tool}'s workspace pod is admitted beside the loader`, async () => {
        const items = await podsOf(namespace);
        return items.length === 3 && items;
      });
      expect(component(pods).sort()).toEqual(["airlock", "data-loader", "workspace"]);
      await eventually("the quota counts all three", async () => (await quotaOf(namespace)).status?.used?.pods === "3");
    }
  });

  it("applies a new environment's namespace, isolation and quota once, before and after the wait for its usage", async () => {
    const namespace = await insertEnvironment(database.db, uniquePermit());
    patched.length = 0;
    await reconcileEnvironment(namespace, deps);
    expect((await environmentRow(database.db, namespace)).conditions[0]).toMatchObject({
      reason: "AwaitingQuotaUsage",
    });
    const before = [...patched];
    expect(before).toContain("ResourceQuota");
    expect(before).not.toContain("PersistentVolumeClaim");
    await eventually("the watch cache has the quota's usage", async () =>
      cache.objectsIn(namespace).some((o) => o.kind === "ResourceQuota" && (o as k8s.V1ResourceQuota).status?.used),
    );
    patched.length = 0;
    await reconcileEnvironment(namespace, deps);
    expect((await environmentRow(database.db, namespace)).conditions[0]).toMatchObject({ status: "True" });
    // Only what the quota counts: nothing applied before the wait is applied again.
    expect(new Set(patched)).toEqual(new Set(["PersistentVolumeClaim", "Deployment", "Service"]));
  });

  it("applies nothing the quota counts until its usage is known, without holding a worker, then goes on", async () => {
    const permit = uniquePermit();
    const namespace = await insertEnvironment(database.db, permit);
    await provisioned(namespace);
    await deleteObject(deps.client, { apiVersion: "v1", kind: "Service", metadata: { name: "airlock", namespace } });
    const counted = await eventually("the quota counts one Service", async () => {
      const quota = await quotaOf(namespace);
      return quota.status?.used?.services === "1" && quota;
    });
    // The usage of Services and ConfigMaps unknown, as right after the quota is made or changed, until the
    // quota controller computes it (its informer ignores a change of a quota's status alone, so it stays so).
    const { services, configmaps, ...usedOtherwise } = counted.status!.used!;
    const withUsed = async (used: Record<string, string>) => {
      const quota = await quotaOf(namespace);
      await core.replaceNamespacedResourceQuotaStatus({
        name: "environment",
        namespace,
        body: { ...quota, status: { hard: quota.status!.hard, used } },
      });
    };
    await withUsed(usedOtherwise);
    // Quota admission reads quotas through an informer: a ConfigMap, over the quota either way (and never
    // created), shows when the unknown usage is in force there.
    await eventually("quota admission knows the usage is unknown", async () => {
      const answer = await core
        .createNamespacedConfigMap({ namespace, body: { metadata: { name: "probe" } } })
        .then(() => "created", describeKubeError);
      return answer.includes("status unknown for quota");
    });
    refusals.length = 0;
    // It does not wait in the worker: it says what it waits for and asks to come back before that wait has
    // lasted longer than expected (the quota's status changing brings it back sooner, through the watch).
    const waiting = await reconcileEnvironment(namespace, deps);
    expect(waiting.recheckAfterMs).toBeLessThanOrEqual(config.expectedSeconds.quotaUsage * 1000 + 100);
    expect((await environmentRow(database.db, namespace)).conditions[0]).toMatchObject({
      type: "Provisioned",
      status: "False",
      reason: "AwaitingQuotaUsage",
    });
    await expect(core.readNamespacedService({ name: "airlock", namespace })).rejects.toMatchObject({ code: 404 });
    // Waiting longer than an installation expects is being stuck, and it says so.
    const impatient = { ...deps, config: { ...config, expectedSeconds: { ...config.expectedSeconds, quotaUsage: 0 } } };
    await reconcileEnvironment(namespace, impatient);
    expect((await environmentRow(database.db, namespace)).conditions.at(-1)).toMatchObject({
      type: "Ready",
      reason: "QuotaUsageUnknown",
      message: expect.stringContaining("does it run the ResourceQuota controller?"),
    });
    await withUsed({ ...usedOtherwise, services: services!, configmaps: configmaps! });
    await provisioned(namespace);
    expect(refusals).toEqual([]);
    const row = await environmentRow(database.db, namespace);
    expect(row.conditions.find((c) => c.type === "Provisioned")).toMatchObject({ status: "True", reason: "Applied" });
    expect((await core.readNamespacedService({ name: "airlock", namespace })).metadata?.name).toBe("airlock");
    expect((await quotaOf(namespace)).status?.used?.services).toBe("2");
  });
});
