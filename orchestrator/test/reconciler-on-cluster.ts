// The reconciler against the local control plane, driven as the work queue would drive it: the setup the
// environments' integration tests share (amendments, upgrades, departed homes, the deletion certificate).
import * as k8s from "@kubernetes/client-node";
import { pino } from "pino";
import { inject } from "vitest";
import { openDatabase, type Database } from "../src/db/database";
import { permitRevisions } from "../src/db/schema";
import type { EnvironmentConfig } from "../src/environments/environment-config";
import { reconcileEnvironment, type ReconcileDeps } from "../src/environments/reconcile";
import { WatchCache } from "../src/kube/watch-cache";
import type { PermitPayload } from "../src/permits/permit";
import { environmentRow } from "./environment-rows";
import { eventually } from "./eventually";

export interface ReconcilerOnCluster {
  database: Database;
  /** The cluster administrator's clients, to look at what the reconciler made. */
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  /** The orchestrator's own client (its RBAC, not the administrator's). */
  client: k8s.KubernetesObjectApi;
  cache: WatchCache;
  deps: ReconcileDeps;
  /** Reconciles until the environment is Provisioned (the cluster counts a changed quota's usage first). */
  provisioned(namespace: string): Promise<void>;
  /** Reconciles until teardown is complete, and returns the environment's row. */
  tornDown(namespace: string): Promise<Awaited<ReturnType<typeof environmentRow>>>;
  /** A revision as intake keeps it: the signed permit, whose payload is what is read back. */
  recordRevision(payload: PermitPayload): Promise<void>;
  stop(): Promise<void>;
}

const kubeconfig = (path: string) => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
};

export async function startReconcilerOnCluster(config: EnvironmentConfig): Promise<ReconcilerOnCluster> {
  const database = await openDatabase({ memory: true });
  const admin = kubeconfig(inject("kubeconfig"));
  const orchestrator = kubeconfig(inject("orchestratorKubeconfig"));
  const client = k8s.KubernetesObjectApi.makeApiClient(orchestrator);
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const cache = new WatchCache(orchestrator, client, log, () => undefined);
  await cache.start();
  const deps: ReconcileDeps = {
    db: database.db,
    client,
    cache,
    config,
    log,
    now: () => new Date(),
    lastApplied: new Map(),
  };
  return {
    database,
    core: admin.makeApiClient(k8s.CoreV1Api),
    apps: admin.makeApiClient(k8s.AppsV1Api),
    client,
    cache,
    deps,
    provisioned: async (namespace) => {
      await eventually("the environment is provisioned", async () => {
        await reconcileEnvironment(namespace, deps);
        const row = await environmentRow(database.db, namespace);
        return row.conditions.find((c) => c.type === "Provisioned")?.status === "True" || undefined;
      });
    },
    tornDown: (namespace) =>
      eventually(
        "the environment is torn down",
        async () => {
          await reconcileEnvironment(namespace, deps);
          const row = await environmentRow(database.db, namespace);
          return (row.teardown as { completedAt?: string } | null)?.completedAt !== undefined && row;
        },
        60_000,
      ),
    recordRevision: async (payload) => {
      await database.db.insert(permitRevisions).values({
        permitId: payload.permitId,
        sequence: payload.sequence,
        jws: `e30.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2ln`,
        payloadHash: "0".repeat(64),
        receivedAt: new Date(),
      });
    },
    stop: async () => {
      await cache.stop();
      await database.close();
    },
  };
}
